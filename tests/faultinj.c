/*
 * faultinj.c - LD_PRELOAD shim for tests/fault_test.sh: makes one chosen
 * system call fail, the Nth time a call of that kind touches a path under
 * a given prefix.  Only this test uses it; nothing in lib/ knows of it.
 *
 * Environment:
 *   FAULT_PREFIX  only paths starting with this count (the test's root)
 *   FAULT_LOG     append "KIND PATH" for every counted call (count mode)
 *   FAULT_KIND    open | write | fsync | rename: the kind to fail
 *   FAULT_NTH     fail the Nth counted call of that kind (1-based)
 *   FAULT_ERRNO   the errno to fail with (a number)
 *
 * "open" covers open/openat and mkstemp/mkdtemp (a new file or directory
 * is an open too); write and fsync are matched by the path of their file
 * descriptor (/proc/self/fd).  Calls made by children after exec never
 * see this shim: mailprov gives them a clean environment.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static long counts[4];
static const char *kinds[] = { "open", "write", "fsync", "rename" };

/* fd_path - the path an fd names, or "" */
static void
fd_path(int fd, char *buf, size_t n)
{
	char link[64];
	ssize_t r;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	r = readlink(link, buf, n - 1);
	buf[r < 0 ? 0 : r] = '\0';
}

/*
 * hit - count a call of kind k on path; 1 when this one must fail (errno
 * is set then).  The log is written with the real write(2) of libc,
 * reached through syscall-free means: fputs on a FILE opened per call.
 */
static int
hit(int k, const char *path)
{
	static __thread int busy;
	const char *prefix = getenv("FAULT_PREFIX"), *log, *kind, *nth, *e;
	int fail = 0;

	if (busy || prefix == NULL || path == NULL ||
	    strncmp(path, prefix, strlen(prefix)) != 0)
		return 0;
	busy = 1;
	counts[k]++;
	if ((log = getenv("FAULT_LOG")) != NULL) {
		FILE *fp = fopen(log, "a");

		if (fp != NULL) {
			fprintf(fp, "%s %s\n", kinds[k], path);
			fclose(fp);
		}
	}
	kind = getenv("FAULT_KIND");
	nth = getenv("FAULT_NTH");
	e = getenv("FAULT_ERRNO");
	if (kind != NULL && nth != NULL && e != NULL &&
	    strcmp(kind, kinds[k]) == 0 && counts[k] == atol(nth)) {
		fail = 1;
		if ((log = getenv("FAULT_HIT")) != NULL) {
			FILE *fp = fopen(log, "w");

			if (fp != NULL) {
				fprintf(fp, "%s %ld %s\n", kinds[k], counts[k],
				    path);
				fclose(fp);
			}
		}
	}
	busy = 0;
	if (fail)
		errno = atoi(e);
	return fail;
}

#define REAL(name) \
	static __typeof__(&name) real_##name; \
	if (real_##name == NULL) \
		real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);

/* abs_of - dirfd-relative path made absolute (only AT_FDCWD or absolute) */
static const char *
abs_of(int dirfd, const char *path, char *buf, size_t n)
{
	char cwd[4096];

	if (path[0] == '/' || dirfd != AT_FDCWD || getcwd(cwd, sizeof(cwd)) ==
	    NULL)
		return path;
	snprintf(buf, n, "%s/%s", cwd, path);
	return buf;
}

static int
do_open(const char *path, int flags, mode_t mode, const char *sym)
{
	char buf[8192];
	static open_fn real_open, real_open64;
	open_fn *fn = strcmp(sym, "open") == 0 ? &real_open : &real_open64;

	if (*fn == NULL)
		*fn = (open_fn)dlsym(RTLD_NEXT, sym);
	if (hit(0, abs_of(AT_FDCWD, path, buf, sizeof(buf))))
		return -1;
	return (*fn)(path, flags, mode);
}

/* The mode argument is there only with O_CREAT or O_TMPFILE. */
#define MODE_ARG(flags, mode) do { \
	va_list ap; \
	if ((flags) & (O_CREAT | O_TMPFILE)) { \
		va_start(ap, flags); \
		mode = va_arg(ap, mode_t); \
		va_end(ap); \
	} \
} while (0)

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	MODE_ARG(flags, mode);
	return do_open(path, flags, mode, "open");
}

int
open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	MODE_ARG(flags, mode);
	return do_open(path, flags, mode, "open64");
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	char buf[8192];
	mode_t mode = 0;
	REAL(openat);

	MODE_ARG(flags, mode);
	if (hit(0, abs_of(dirfd, path, buf, sizeof(buf))))
		return -1;
	return real_openat(dirfd, path, flags, mode);
}

int
mkstemp(char *tmpl)
{
	REAL(mkstemp);

	if (hit(0, tmpl))
		return -1;
	return real_mkstemp(tmpl);
}

char *
mkdtemp(char *tmpl)
{
	REAL(mkdtemp);

	if (hit(0, tmpl))
		return NULL;
	return real_mkdtemp(tmpl);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	char path[4096];
	REAL(write);

	fd_path(fd, path, sizeof(path));
	if (hit(1, path))
		return -1;
	return real_write(fd, buf, n);
}

int
fsync(int fd)
{
	char path[4096];
	REAL(fsync);

	fd_path(fd, path, sizeof(path));
	if (hit(2, path))
		return -1;
	return real_fsync(fd);
}

int
rename(const char *from, const char *to)
{
	REAL(rename);

	if (hit(3, to))
		return -1;
	return real_rename(from, to);
}
