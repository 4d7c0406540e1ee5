/*
 * fileio.c - whole-file reads with bounds.
 *
 * Contract: see fileio.h.  The size is checked on the open descriptor
 * (fstat) and again while reading, so a file that grows between the two
 * cannot push more than max bytes into memory.
 */
#include "fileio.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int
fileio_read(const char *path, size_t max, int flags, char **bufp,
    size_t *lenp)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap;
	ssize_t r;
	int fd, oflags = O_RDONLY | O_NOCTTY, saved;

	if (flags & FILEIO_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	/* O_NONBLOCK: a FIFO planted at path must not hang the open. */
	if ((fd = open(path, oflags | O_NONBLOCK)) < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	cap = (size_t)st.st_size + 1;
	buf = xmalloc(cap + 1);
	for (;;) {
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max) {
			errno = EFBIG;
			goto fail;
		}
		if (len == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
	}
	close(fd);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return -1;
}
