/*
 * closefrom_linux.c - close every descriptor from low up (Linux).
 *
 * Contract: see closefrom.h.  One close_range(2) call where the kernel
 * has it (5.9 and later); else what /proc/self/fd lists, the numbers read
 * first and closed after so that the directory being read is never
 * closed under readdir; without /proc (a chroot, an early boot), the
 * loop.  The only file of mailprov that asks for _GNU_SOURCE: syscall()
 * and SYS_close_range are Linux's own.
 */
/* glibc's switch for syscall(); the name is the C library's, not ours. */
#define _GNU_SOURCE	/* NOLINT(bugprone-reserved-identifier,cert-dcl37-c) */
#include "closefrom.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BATCH	256

/* by_procfs - close what /proc/self/fd lists; -1 without /proc. */
static int
by_procfs(int low)
{
	int fds[BATCH], n, i, more = 1;
	struct dirent *de;
	DIR *d;

	while (more) {
		if ((d = opendir("/proc/self/fd")) == NULL)
			return -1;
		n = 0;
		more = 0;
		while ((de = readdir(d)) != NULL) {
			long fd = strtol(de->d_name, NULL, 10);

			if (de->d_name[0] < '0' || de->d_name[0] > '9' ||
			    fd < low || fd == dirfd(d))
				continue;
			if (n == BATCH) {
				more = 1;	/* close these, read again */
				break;
			}
			fds[n++] = (int)fd;
		}
		closedir(d);
		for (i = 0; i < n; i++)
			(void)close(fds[i]);
	}
	return 0;
}

void
closefrom_all(int low)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)low, ~0U, 0U) == 0)
		return;
#endif
	if (by_procfs(low) < 0)
		closefrom_loop(low);
}
