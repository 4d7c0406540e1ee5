/*
 * fileio.h - reading and (later) atomically replacing managed files.
 *
 * Convention: 0 on success, -1 with errno set on failure.
 */
#ifndef MAILPROV_FILEIO_H
#define MAILPROV_FILEIO_H

#include <stddef.h>

#define FILEIO_NOFOLLOW	0x1	/* refuse a symbolic link (errno ELOOP) */

/*
 * fileio_read - read the whole regular file at path into a new buffer
 * (NUL-terminated, *lenp bytes before the NUL; caller frees *bufp).
 * A file larger than max fails with EFBIG before it is read; anything
 * but a regular file fails with EINVAL (EISDIR for a directory).
 */
int	fileio_read(const char *path, size_t max, int flags, char **bufp,
	    size_t *lenp);

#endif
