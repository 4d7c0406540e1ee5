/*
 * closefrom_procfs.c - close what /proc/self/fd lists (Linux).
 *
 * Contract: see closefrom.h.  The numbers are read first and closed
 * after, so the directory being read is never closed under readdir;
 * without /proc (a chroot, an early boot) the loop does it.
 */
#include "closefrom.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#define BATCH	256

void
closefrom_all(int low)
{
	int fds[BATCH], n, i, more = 1;
	struct dirent *de;
	DIR *d;

	while (more) {
		if ((d = opendir("/proc/self/fd")) == NULL) {
			closefrom_loop(low);
			return;
		}
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
}
