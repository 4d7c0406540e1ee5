/*
 * fileio.c - bounded reads, atomic replace, backups, the apply lock.
 *
 * Contract: see fileio.h.  The read size is checked on the open
 * descriptor (fstat) and again while reading, so a file that grows
 * between the two cannot push more than max bytes into memory.  Temporary
 * files are ".NAME.mailprov.XXXXXX" beside their target, so they stay on
 * the same filesystem (rename is atomic only there) and are easy to spot.
 */
#include "fileio.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* trusted - owned by root or us, writable by nobody else. */
static int
trusted(const struct stat *st)
{
	return (st->st_uid == 0 || st->st_uid == geteuid()) &&
	    (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

static char *dir_of(const char *path);

/*
 * open_regular - open path for reading as fileio_read does and check it:
 * a regular file (not a FIFO: O_NONBLOCK), trusted if asked, no larger
 * than max.  Returns the descriptor, its status in *st; -1 with errno.
 */
static int
open_regular(const char *path, size_t max, int flags, struct stat *st)
{
	int fd, oflags = O_RDONLY | O_NOCTTY, saved;

	if (flags & FILEIO_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	/* O_NONBLOCK: a FIFO planted at path must not hang the open. */
	if ((fd = open(path, oflags | O_NONBLOCK)) < 0)
		return -1;
	if (fstat(fd, st) < 0)
		goto fail;
	if (!S_ISREG(st->st_mode)) {
		errno = S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	if (flags & FILEIO_TRUSTED) {
		struct stat dst;
		char *dir = dir_of(path);
		int ok = trusted(st) && stat(dir, &dst) == 0 && trusted(&dst);

		free(dir);
		if (!ok) {
			errno = EPERM;
			goto fail;
		}
	}
	if ((size_t)st->st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
fileio_read(const char *path, size_t max, int flags, char **bufp,
    size_t *lenp)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap;
	ssize_t r;
	int fd, saved;

	if ((fd = open_regular(path, max, flags, &st)) < 0)
		return -1;
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

/*
 * fileio_scan - one buffer, reused: what feed leaves is moved to its
 * start and the next read goes after it; the buffer grows only when feed
 * takes nothing from a full one.  Never the whole file in memory, so a
 * large file costs the copy from the page cache, as for cat, and no fresh
 * pages to fault in and give back.
 */
int
fileio_scan(const char *path, size_t max, int flags, struct stat *st,
    fileio_feed_fn feed, void *ctx)
{
	char *buf;
	size_t cap = FILEIO_SCAN_CHUNK, have = 0, total = 0, used;
	ssize_t r;
	int fd, rc = -1, saved;

	if ((fd = open_regular(path, max, flags, st)) < 0)
		return -1;
	buf = xmalloc(cap);
	for (;;) {
		if (have == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		if ((r = read(fd, buf + have, cap - have)) < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if ((total += (size_t)r) > max) {
			errno = EFBIG;
			break;
		}
		have += (size_t)r;
		if ((used = feed(ctx, buf, have, r == 0)) == FILEIO_SCAN_STOP) {
			rc = 1;
			break;
		}
		if (r == 0) {
			rc = 0;
			break;
		}
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return rc;
}

/* write_all - write n bytes, through EINTR and short writes. */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
fileio_create(const char *path, const char *buf, size_t len)
{
	int fd, saved;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY,
	    0600);
	if (fd < 0)
		return -1;
	if (write_all(fd, buf, len) < 0) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) < 0) {
		saved = errno;
		goto fail;
	}
	return 0;
fail:
	unlink(path);
	errno = saved;
	return -1;
}

/* dir_of - the directory part of path ("." if none); caller frees. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* fsync_dir - make a rename in dir durable. */
static int
fsync_dir(const char *dir)
{
	int fd, r, saved;

	if ((fd = open(dir, O_RDONLY | O_NOCTTY)) < 0)
		return -1;
	r = fsync(fd);
	saved = errno;
	close(fd);
	/* Some file systems cannot fsync a directory: that is not a failure. */
	if (r < 0 && (saved == EINVAL || saved == EBADF))
		r = 0;
	errno = saved;
	return r;
}

/*
 * normalize - collapse "//", "/./" and "/x/../" in an absolute path, in
 * place; ".." at the top stays at the top, as under chroot.
 */
static void
normalize(char *path)
{
	char *res = xmalloc(strlen(path) + 2), *out = res;
	const char *p = path, *seg;
	size_t n;

	*out++ = '/';
	while (*p != '\0') {
		while (*p == '/')
			p++;
		seg = p;
		n = strcspn(p, "/");
		p += n;
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (out > res + 1) {
				out--;			/* the '/' after the last part */
				while (out > res + 1 && out[-1] != '/')
					out--;
			}
			continue;
		}
		memcpy(out, seg, n);
		out += n;
		*out++ = '/';
	}
	if (out > res + 1)
		out--;
	*out = '\0';
	memcpy(path, res, (size_t)(out - res) + 1);	/* never longer */
	free(res);
}

char *
fileio_resolve(const char *root, const char *path)
{
	struct sbuf inner = { 0 }, full = { 0 }, next = { 0 };
	char link[4096], *dir;
	size_t at, end;
	ssize_t n;
	int hops = 0;

	sbuf_addf(&inner, "/%s", path);
	normalize(inner.s);
	inner.len = strlen(inner.s);
restart:
	/*
	 * Every component, not only the last: a directory that is a link
	 * must not lead out of root either.
	 */
	for (at = 1; at < inner.len; at = end + 1) {
		end = at + strcspn(inner.s + at, "/");
		full.len = 0;
		sbuf_adds(&full, root);
		sbuf_add(&full, inner.s, end);
		n = readlink(full.s, link, sizeof(link) - 1);
		if (n < 0) {
			if (errno == EINVAL)
				continue;	/* not a link */
			if (errno == ENOENT)
				break;		/* nothing below can be a link */
			goto fail;
		}
		if ((size_t)n == sizeof(link) - 1) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		if (++hops > 40) {
			errno = ELOOP;
			goto fail;
		}
		link[n] = '\0';
		next.len = 0;
		if (link[0] == '/')
			sbuf_adds(&next, link);
		else {
			dir = xstrndup(inner.s, at - 1);
			sbuf_addf(&next, "%s/%s", dir, link);
			free(dir);
		}
		sbuf_addf(&next, "/%s", inner.s + end + (inner.s[end] == '/'));
		normalize(next.s);
		inner.len = 0;
		sbuf_adds(&inner, next.s);
		goto restart;
	}
	full.len = 0;
	sbuf_addf(&full, "%s%s", root, inner.s);
	sbuf_free(&inner);
	sbuf_free(&next);
	return full.s;
fail:
	sbuf_free(&inner);
	sbuf_free(&full);
	sbuf_free(&next);
	return NULL;
}

int
fileio_replace(const char *path, const char *buf, size_t len,
    const struct stat *like)
{
	struct sbuf tmp = { 0 };
	struct stat st;
	char *dir = dir_of(path);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int fd, saved, r;

	if (like == NULL) {
		if (stat(path, &st) == 0)
			like = &st;
		else {
			memset(&st, 0, sizeof(st));
			st.st_uid = geteuid();
			st.st_gid = getegid();
			st.st_mode = 0644;
			like = &st;
		}
	}
	sbuf_addf(&tmp, "%s/.%s.mailprov.XXXXXX", dir, base);
	if ((fd = mkstemp(tmp.s)) < 0)
		goto fail_nofd;
	if (write_all(fd, buf, len) < 0 || fsync(fd) < 0)
		goto fail;
	/* Owner first: fchown may clear set-id bits that fchmod then sets. */
	if ((fchown(fd, like->st_uid, like->st_gid) < 0 && errno != EPERM) ||
	    fchmod(fd, like->st_mode & 07777) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp.s, path) < 0)
		goto fail;
	/*
	 * The new file is in place from here on: a failed directory sync is
	 * reported apart, so that the caller knows the file was replaced.
	 */
	r = fsync_dir(dir) < 0 ? FILEIO_UNSYNCED : 0;
	saved = errno;
	free(dir);
	sbuf_free(&tmp);
	errno = saved;
	return r;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp.s);
	errno = saved;
fail_nofd:
	saved = errno;
	free(dir);
	sbuf_free(&tmp);
	errno = saved;
	return -1;
}

int
fileio_relink(const char *path, const char *target)
{
	struct sbuf tmp = { 0 };
	char *dir = dir_of(path);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int fd, saved, r = -1;

	/* mkstemp reserves a fresh name; the link takes its place. */
	sbuf_addf(&tmp, "%s/.%s.mailprov.XXXXXX", dir, base);
	if ((fd = mkstemp(tmp.s)) >= 0) {
		close(fd);
		if (unlink(tmp.s) == 0 && symlink(target, tmp.s) == 0) {
			if (rename(tmp.s, path) == 0)
				r = fsync_dir(dir) < 0 ? FILEIO_UNSYNCED : 0;
			else {
				saved = errno;
				unlink(tmp.s);
				errno = saved;
			}
		}
	}
	saved = errno;
	free(dir);
	sbuf_free(&tmp);
	errno = saved;
	return r;
}

/* is_temp_of - name is "." base ["." anything] ".mailprov.XXXXXX". */
static int
is_temp_of(const char *name, const char *base)
{
	static const char tag[] = ".mailprov.";
	size_t bl = strlen(base), nl = strlen(name), tl = sizeof(tag) - 1;

	if (bl == 0)		/* any base: ".X.mailprov.XXXXXX" */
		return name[0] == '.' && nl > 1 + tl + 6 &&
		    strncmp(name + nl - 6 - tl, tag, tl) == 0;
	if (name[0] != '.' || nl < 1 + bl + tl + 6 ||
	    strncmp(name + 1, base, bl) != 0 || name[1 + bl] != '.')
		return 0;
	return strncmp(name + nl - 6 - tl, tag, tl) == 0;
}

int
fileio_remove_stale(const char *path)
{
	struct sbuf victim = { 0 };
	char *dir = dir_of(path);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct dirent *de;
	struct stat st;
	DIR *dp;
	int n = 0;

	if ((dp = opendir(dir)) == NULL) {
		free(dir);
		return 0;
	}
	while ((de = readdir(dp)) != NULL) {
		if (!is_temp_of(de->d_name, base))
			continue;
		victim.len = 0;
		sbuf_addf(&victim, "%s/%s", dir, de->d_name);
		if (lstat(victim.s, &st) == 0 && (S_ISREG(st.st_mode) ||
		    S_ISLNK(st.st_mode)) && unlink(victim.s) == 0)
			n++;
	}
	closedir(dp);
	sbuf_free(&victim);
	free(dir);
	return n;
}

int
fileio_remove(const char *path)
{
	char *dir;
	int r;

	if (unlink(path) < 0)
		return -1;
	dir = dir_of(path);
	r = fsync_dir(dir) < 0 ? FILEIO_UNSYNCED : 0;
	free(dir);
	return r;
}

int
fileio_backup(const char *path, const char *stamp, char **backup)
{
	struct sbuf name = { 0 };
	struct stat st;
	char *buf;
	size_t len;
	int i, saved, r;

	if (stat(path, &st) < 0)
		return -1;
	if (fileio_read(path, (size_t)st.st_size + 1, 0, &buf, &len) < 0)
		return -1;
	sbuf_addf(&name, "%s.%s", path, stamp);
	for (i = 1; access(name.s, F_OK) == 0 && i < 1000; i++) {
		name.len = 0;
		sbuf_addf(&name, "%s.%s.%d", path, stamp, i);
	}
	if ((r = fileio_replace(name.s, buf, len, &st)) < 0) {
		saved = errno;
		if (r == FILEIO_UNSYNCED)
			unlink(name.s);	/* a backup that may not last is none */
		free(buf);
		sbuf_free(&name);
		errno = saved;
		return -1;
	}
	free(buf);
	*backup = name.s;
	return 0;
}

void
fileio_stamp(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, n,
	    FILEIO_STAMP_FMT, &tm) == 0)
		snprintf(buf, n, "00000000-000000");
}

char *
fileio_read_error(int errnum, size_t limit)
{
	switch (errnum) {
	case EPERM:
		return xstrdup("is not safe to trust: it and its directory "
		    "must be owned by root and writable by nobody else");
	case ELOOP:
		return xstrdup("is a symbolic link; only a regular file is "
		    "read");
	case EINVAL:
		return xstrdup("is not a regular file (a FIFO or a device); "
		    "only a regular file is read");
	case EFBIG:
		return xasprintf("is larger than %zu bytes; refused", limit);
	default:
		return xasprintf("cannot read: %s", strerror(errnum));
	}
}

const char *
fileio_inside(const char *root, const char *path)
{
	size_t n = strlen(root);

	if (n > 0 && strncmp(path, root, n) == 0 && path[n] == '/')
		return path + n;
	return path;
}

/* is_backup_of - name is base + "." + a stamp + optional ".N". */
static int
is_backup_of(const char *name, const char *base)
{
	size_t bl = strlen(base), i;
	const char *s;

	if (strncmp(name, base, bl) != 0 || name[bl] != '.')
		return 0;
	s = name + bl + 1;
	for (i = 0; i < FILEIO_STAMP_LEN; i++)
		if (i == 8 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	s += FILEIO_STAMP_LEN;
	if (*s == '\0')
		return 1;
	if (*s++ != '.' || *s == '\0')
		return 0;
	return strspn(s, "0123456789") == strlen(s);
}

/* backup_cmp - oldest first: by stamp, then by numeric suffix. */
static int
backup_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int c = strncmp(x, y, 15);
	const char *sx = strlen(x) > 16 ? x + 16 : "", *sy = strlen(y) > 16 ?
	    y + 16 : "";

	if (c != 0)
		return c;
	return atoi(sx) - atoi(sy);
}

int
fileio_prune_backups(const char *path, size_t keep)
{
	struct strlist found = { 0 };
	struct sbuf victim = { 0 };
	char *dir = dir_of(path);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t bl = strlen(base), i;
	struct dirent *de;
	DIR *dp;
	int deleted = 0;

	if ((dp = opendir(dir)) == NULL) {
		free(dir);
		return -1;
	}
	while ((de = readdir(dp)) != NULL)
		if (is_backup_of(de->d_name, base))
			strlist_push(&found, de->d_name + bl + 1);
	closedir(dp);
	if (found.n > 1)
		qsort(found.v, found.n, sizeof(*found.v), backup_cmp);
	for (i = 0; i + keep < found.n; i++) {
		victim.len = 0;
		sbuf_addf(&victim, "%s/%s.%s", dir, base, found.v[i]);
		if (unlink(victim.s) == 0)
			deleted++;
	}
	sbuf_free(&victim);
	strlist_clear(&found);
	free(dir);
	return deleted;
}

int
fileio_lock(const char *path, int wait_s, long *holder)
{
	struct flock fl;
	struct timespec nap = { 0, 100 * 1000 * 1000 };
	char pid[32];
	int fd, tries, saved;

	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY, 0600)) < 0)
		return -1;
	for (tries = 0;; tries++) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_SETLK, &fl) == 0)
			break;
		if ((errno != EAGAIN && errno != EACCES) || tries >= wait_s * 10) {
			saved = errno == EACCES ? EWOULDBLOCK : errno;
			memset(&fl, 0, sizeof(fl));
			fl.l_type = F_WRLCK;
			fl.l_whence = SEEK_SET;
			*holder = fcntl(fd, F_GETLK, &fl) == 0 &&
			    fl.l_type != F_UNLCK ? (long)fl.l_pid : 0;
			close(fd);
			errno = saved;
			return -1;
		}
		nanosleep(&nap, NULL);
	}
	/*
	 * Written over the old pid, then cut to length: ext4 flushes a file
	 * truncated to nothing when it is closed, a disk write per run.
	 */
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (write_all(fd, pid, strlen(pid)) < 0 ||
	    ftruncate(fd, (off_t)strlen(pid)) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
fileio_mkdirs(const char *path, mode_t mode)
{
	char *p = xstrdup(path), *s;
	int saved;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (*p != '\0' && mkdir(p, mode) < 0 && errno != EEXIST) {
			saved = errno;
			free(p);
			errno = saved;
			return -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return 0;
}
