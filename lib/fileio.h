/*
 * fileio.h - reading, backing up and atomically replacing managed files.
 *
 * Convention: 0 (or a descriptor) on success, -1 with errno set on
 * failure; constructors return NULL with errno set.
 *
 * The replace routine never leaves a half-written target: the new bytes go
 * to a temporary file in the same directory, which gets the old file's
 * owner, group and mode, is fsync'ed, renamed over the target, and the
 * directory is fsync'ed.  On any failure the temporary file is removed and
 * the target is untouched.
 */
#ifndef MAILPROV_FILEIO_H
#define MAILPROV_FILEIO_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#define FILEIO_NOFOLLOW	0x1	/* refuse a symbolic link (errno ELOOP) */
/*
 * FILEIO_TRUSTED: the file and the directory holding it must be owned by
 * root (or by the caller) and writable by nobody else (errno EPERM).
 */
#define FILEIO_TRUSTED	0x2

/*
 * fileio_read - read the whole regular file at path into a new buffer
 * (NUL-terminated, *lenp bytes before the NUL; caller frees *bufp).
 * A file larger than max fails with EFBIG before it is read; anything
 * but a regular file fails with EINVAL (EISDIR for a directory).
 */
int	fileio_read(const char *path, size_t max, int flags, char **bufp,
	    size_t *lenp);

/*
 * fileio_scan - read the file at path as fileio_read would (the same
 * checks and errors; st gets its status) in pieces, through one small
 * buffer, without holding it whole.  feed(ctx, buf, len, eof) gets the
 * bytes it has not taken yet with the new ones after them, and returns
 * how many from the start it is done with (the rest comes again, with
 * more), or FILEIO_SCAN_STOP to end the reading there.  At the end of the
 * file it is called once with eof set, and should take everything.
 * Returns 0 when the file was read to its end, 1 when feed stopped, -1
 * with errno.
 */
#define FILEIO_SCAN_CHUNK	(64 * 1024)
#define FILEIO_SCAN_STOP	((size_t)-1)
typedef size_t (*fileio_feed_fn)(void *ctx, const char *buf, size_t len,
    int eof);
int	fileio_scan(const char *path, size_t max, int flags, struct stat *st,
	    fileio_feed_fn feed, void *ctx);

/*
 * fileio_resolve - the file that path names once symbolic links are
 * followed, with root prefixed ("" for none).  path is as seen from inside
 * root ("/etc/sendmail.cf"); an absolute link target is taken inside root
 * too, and ".." stops at root (as under chroot), so nothing escapes it.
 * The final file need not exist.  Returns a new string, or NULL (ELOOP
 * after 16 links, ENAMETOOLONG).
 */
char	*fileio_resolve(const char *root, const char *path);

/*
 * fileio_replace - atomically make path hold buf.  like gives the owner,
 * group and mode to use (NULL: the current owner of path if it exists,
 * else the caller's uid/gid and 0644).  Returns 0, or -1 with path as it
 * was, or FILEIO_UNSYNCED: the new bytes are in place but the directory
 * could not be synced (errno says why), so the change may not survive a
 * crash; a caller that undoes its changes must count this one.
 */
#define FILEIO_UNSYNCED	(-2)
int	fileio_replace(const char *path, const char *buf, size_t len,
	    const struct stat *like);

/*
 * fileio_remove - unlink path and sync its directory.  Returns as
 * fileio_replace does (FILEIO_UNSYNCED: gone, the directory not synced).
 */
int	fileio_remove(const char *path);

/*
 * fileio_relink - make path a symbolic link to target, atomically: the
 * new link is made under a temporary name beside path and renamed over
 * it, then the directory is synced.  Returns as fileio_replace does.
 */
int	fileio_relink(const char *path, const char *target);

/*
 * fileio_remove_stale - delete the temporary files fileio_replace left
 * beside path (".BASE.mailprov.XXXXXX", and ".BASE.STAMP.mailprov.XXXXXX"
 * of its backups, and fileio_relink's links) when a process was killed
 * in the middle.  Only for a
 * caller that holds the lock under which such files are made.  Returns
 * how many were deleted.
 */
int	fileio_remove_stale(const char *path);

/*
 * The backup stamp, local time: "YYYYMMDD-HHMMSS" (15 characters).
 * fileio_stamp writes the stamp of t into buf (at least FILEIO_STAMP_SIZE
 * bytes); fileio_prune_backups recognises exactly this shape.
 */
#define FILEIO_STAMP_FMT	"%Y%m%d-%H%M%S"
#define FILEIO_STAMP_LEN	15
#define FILEIO_STAMP_SIZE	32
void	fileio_stamp(time_t t, char *buf, size_t n);

/*
 * fileio_read_error - what a failed fileio_read(path, limit,
 * FILEIO_NOFOLLOW | FILEIO_TRUSTED, ...) means, as the words that follow
 * "path: " in a message (caller frees): one wording for every reader of
 * a file mailprov is told to trust.
 */
char	*fileio_read_error(int errnum, size_t limit);

/*
 * fileio_inside - path as seen inside root (root stripped when path is
 * under it, else path itself): for messages.
 */
const char *fileio_inside(const char *root, const char *path);

/*
 * fileio_backup - copy path to "path.STAMP" (".STAMP.N" if taken), with
 * its owner, group and mode, atomically.  *backup gets the new name
 * (caller frees).
 */
int	fileio_backup(const char *path, const char *stamp, char **backup);

/*
 * fileio_prune_backups - keep the newest keep backups of path (names
 * path.YYYYMMDD-HHMMSS[.N]), delete older ones.  Returns how many were
 * deleted, or -1.
 */
int	fileio_prune_backups(const char *path, size_t keep);

/*
 * fileio_lock - an exclusive lock on path (created 0600), waiting up to
 * wait_s seconds.  Returns the descriptor to keep open while locked, or
 * -1: EWOULDBLOCK with *holder set to the pid holding it, when it stays
 * taken.
 */
int	fileio_lock(const char *path, int wait_s, long *holder);

/*
 * fileio_create - a new file path (which must not exist, and is not
 * followed if a link) holding buf, mode 0600, not synced: for private
 * scratch copies only.  On failure nothing is left behind.
 */
int	fileio_create(const char *path, const char *buf, size_t len);

/* fileio_mkdirs - mkdir -p with mode for the directories created. */
int	fileio_mkdirs(const char *path, mode_t mode);

#endif
