/*
 * watch_ahafs.c - the incoming directory and the managed files through
 * AIX's event infrastructure (AHAFS), with the timed scan as the
 * fallback.
 *
 * Contract: see watch.h.  When /aha is mounted (bos.ahafs), monitors are
 * set up as IBM documents them: mirror the object's path under the
 * factory's directory, open NAME.mon there, write the wait specification
 * (NUL included), and poll() the descriptor; each event is read with
 * pread() at offset 0.  The incoming directory and each managed file's
 * directory get a modDir monitor (an entry created, removed or renamed:
 * how editors and mailprov replace a file), and each managed file that
 * exists a modFile monitor (written in place: `echo >>`).  AHAFS cannot
 * filter a directory's events by name, so a file directory's event is
 * WATCH_FILES for any entry; the daemon's stat comparison decides.  An
 * event text carrying REMOVE_SELF or UNMOUNT means the object is gone:
 * for the incoming directory the caller re-creates and re-watches
 * (-1); a file's or file directory's monitor is closed and scanned for
 * until the next watch_files() opens it again.  Without AHAFS (not
 * mounted, or any step failing) an object has no descriptor and
 * mailprovd scans every `poll` seconds, as watch_poll.c does.
 * Compiled only for AIX builds; `make aix-check` checks that it compiles.
 */
#include "watch.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define AHA_FS		"/aha/fs"
#define AHA_MODDIR	"modDir.monFactory"
#define AHA_MODFILE	"modFile.monFactory"
#define AHA_SPEC	"CHANGED=YES;WAIT_TYPE=WAIT_IN_SELECT;INFO_LVL=1"

struct mon {
	int	fd;		/* the .mon file, or -1: scan instead */
	int	what;		/* WATCH_INCOMING and/or WATCH_FILES */
};

struct watch {
	char		*dir;	/* the incoming directory */
	struct mon	 m[WATCH_MAXFDS];	/* [0]: the incoming one */
	size_t		 n;
	int		 scans;	/* a file not covered by a monitor */
};

/* mkdirs_under - every directory of path but the last, under factory. */
static int
mkdirs_under(const char *factory, const char *path)
{
	struct sbuf p = { 0 };
	const char *s;
	int rc = 0;

	sbuf_addf(&p, "%s/%s", AHA_FS, factory);
	for (s = path; *s != '\0' && rc == 0; ) {
		size_t n;

		s += strspn(s, "/");
		n = strcspn(s, "/");
		if (n == 0)
			break;
		/* The last component is the .mon file, not a directory. */
		if (s[n] == '\0' || s[n + strspn(s + n, "/")] == '\0')
			break;
		sbuf_adds(&p, "/");
		sbuf_add(&p, s, n);
		if (mkdir(p.s, 0700) < 0 && errno != EEXIST)
			rc = -1;
		s += n;
	}
	sbuf_free(&p);
	return rc;
}

/* monitor - a monitor of factory on path, or -1 (no AHAFS, or failed). */
static int
monitor(const char *factory, const char *path)
{
	struct stat st;
	char *mon;
	int fd = -1;

	if (stat(AHA_FS "/" AHA_MODDIR, &st) < 0 ||
	    mkdirs_under(factory, path) < 0)
		return -1;
	mon = xasprintf("%s/%s%s%s.mon", AHA_FS, factory,
	    path[0] == '/' ? "" : "/", path);
	if ((fd = open(mon, O_CREAT | O_RDWR, 0600)) >= 0 &&
	    write(fd, AHA_SPEC, sizeof(AHA_SPEC)) < 0 && errno != EBUSY) {
		close(fd);
		fd = -1;
	}
	free(mon);
	return fd;
}

struct watch *
watch_open(const char *dir)
{
	struct watch *w;
	struct stat st;

	if (stat(dir, &st) < 0)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->dir = xstrdup(dir);
	w->m[0].fd = monitor(AHA_MODDIR, dir);
	w->m[0].what = WATCH_INCOMING;
	w->n = 1;
	return w;
}

/* drop_files - close every monitor but the incoming directory's. */
static void
drop_files(struct watch *w)
{
	size_t i;

	for (i = 1; i < w->n; i++)
		if (w->m[i].fd >= 0)
			close(w->m[i].fd);
	w->n = 1;
	w->m[0].what = WATCH_INCOMING;
	w->scans = 0;
}

/* add_mon - a monitor of factory on path, reporting WATCH_FILES. */
static void
add_mon(struct watch *w, const char *factory, const char *path)
{
	int fd;

	if (w->n == WATCH_MAXFDS || (fd = monitor(factory, path)) < 0) {
		w->scans = 1;
		return;
	}
	w->m[w->n].fd = fd;
	w->m[w->n++].what = WATCH_FILES;
}

void
watch_files(struct watch *w, const struct strlist *paths)
{
	struct strlist dirs = { 0 };
	struct stat st;
	const char *slash;
	char *d;
	size_t i;

	drop_files(w);
	for (i = 0; i < paths->n; i++) {
		slash = strrchr(paths->v[i], '/');
		if (slash == NULL)
			continue;
		d = xstrndup(paths->v[i], slash == paths->v[i] ? 1 :
		    (size_t)(slash - paths->v[i]));
		if (strlist_find(&dirs, d, 0) < 0) {
			if (strcmp(d, w->dir) == 0)
				w->m[0].what |= WATCH_FILES;
			else
				add_mon(w, AHA_MODDIR, d);
			strlist_push(&dirs, d);
		}
		free(d);
		/* A missing file is seen by its directory's monitor. */
		if (lstat(paths->v[i], &st) == 0 && S_ISREG(st.st_mode))
			add_mon(w, AHA_MODFILE, paths->v[i]);
	}
	strlist_clear(&dirs);
}

size_t
watch_fds(const struct watch *w, struct pollfd *pf, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < w->n && n < max; i++)
		if (w->m[i].fd >= 0) {
			pf[n].fd = w->m[i].fd;
			pf[n].events = POLLIN;
			pf[n++].revents = 0;
		}
	return n;
}

int
watch_scans(const struct watch *w)
{
	return w->m[0].fd < 0 || w->scans;
}

/* read_mon - the event pending on m: its bits, or -1 (gone). */
static int
read_mon(struct mon *m)
{
	char buf[4096];
	ssize_t n = pread(m->fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (strstr(buf, "REMOVE_SELF") != NULL ||
	    strstr(buf, "UNMOUNT") != NULL)
		return -1;
	return m->what;
}

int
watch_read(struct watch *w, const struct pollfd *pf, size_t n)
{
	size_t i, k;
	int r, changed = 0;

	for (k = 0; k < n; k++) {
		if (!(pf[k].revents & (POLLIN | POLLERR | POLLHUP)))
			continue;
		for (i = 0; i < w->n && w->m[i].fd != pf[k].fd; i++)
			;
		if (i == w->n)
			continue;
		if ((r = read_mon(&w->m[i])) >= 0) {
			changed |= r;
			continue;
		}
		if (i == 0)
			return -1;
		close(w->m[i].fd);	/* gone: scan until watched again */
		w->m[i].fd = -1;
		w->scans = 1;
		changed |= WATCH_FILES;
	}
	return changed;
}

void
watch_close(struct watch *w)
{
	if (w == NULL)
		return;
	drop_files(w);
	if (w->m[0].fd >= 0)
		close(w->m[0].fd);
	free(w->dir);
	free(w);
}

const char *
watch_name(void)
{
	return "ahafs";
}
