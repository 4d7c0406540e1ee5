/*
 * watch_inotify.c - the incoming directory and the managed files'
 * directories through Linux inotify, on one descriptor.
 *
 * Contract: see watch.h.  In the incoming directory a file counts as
 * arrived when it is closed after writing or moved in; the directory's
 * own removal or move is reported as -1 so the daemon can recreate and
 * re-watch it.  In a managed file's directory only the events that name
 * a watched file count: a write (IN_MODIFY: truncate(2) by path and a
 * writer that keeps the file open close nothing; a burst of them is
 * merged by the daemon's watch_settle, and its own writes are stamped)
 * or a close after writing, a rename, creation, removal or attribute
 * change; the directory's removal drops its watch (it is
 * scanned until watch_files() can watch it again) and counts as a
 * change.  A file directory that is the incoming directory too adds its
 * events to that watch (IN_MASK_ADD) instead of replacing them.
 */
#include "watch.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#define IN_INCOMING	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF | \
			    IN_MOVE_SELF | IN_ONLYDIR)
#define IN_FILES	(IN_CLOSE_WRITE | IN_MODIFY | IN_MOVED_TO | \
			    IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB | \
			    IN_ONLYDIR | IN_MASK_ADD)

struct wdir {
	int		 wd;		/* -1: not watched, scanned */
	char		*dir;
	struct strlist	 names;		/* the files watched in it */
};

struct watch {
	int		 fd;
	int		 in_wd;		/* the incoming directory's */
	struct wdir	*d;
	size_t		 nd;
};

struct watch *
watch_open(const char *dir)
{
	struct watch *w;
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC), wd;

	if (fd < 0)
		return NULL;
	/* Written and closed, or renamed in: not merely created. */
	if ((wd = inotify_add_watch(fd, dir, IN_INCOMING)) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	w->in_wd = wd;
	return w;
}

/* add_file - path's name into its directory's entry of d (made if new). */
static void
add_file(struct wdir **d, size_t *nd, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t i, len;

	if (slash == NULL || slash[1] == '\0')
		return;
	len = slash == path ? 1 : (size_t)(slash - path);
	for (i = 0; i < *nd; i++)
		if (strlen((*d)[i].dir) == len &&
		    strncmp((*d)[i].dir, path, len) == 0)
			break;
	if (i == *nd) {
		*d = xreallocarray(*d, *nd + 1, sizeof(**d));
		memset(&(*d)[i], 0, sizeof(**d));
		(*d)[i].wd = -1;
		(*d)[i].dir = xstrndup(path, len);
		(*nd)++;
	}
	if (strlist_find(&(*d)[i].names, slash + 1, 0) < 0)
		strlist_push(&(*d)[i].names, slash + 1);
}

/* free_dirs - the entries d, removing the watches not in keep. */
static void
free_dirs(struct watch *w, struct wdir *d, size_t nd)
{
	size_t i, k;

	for (i = 0; i < nd; i++) {
		for (k = 0; k < w->nd && w->d[k].wd != d[i].wd; k++)
			;
		if (d[i].wd >= 0 && d[i].wd != w->in_wd && k == w->nd)
			(void)inotify_rm_watch(w->fd, d[i].wd);
		free(d[i].dir);
		strlist_clear(&d[i].names);
	}
	free(d);
}

void
watch_files(struct watch *w, const struct strlist *paths)
{
	struct wdir *old = w->d;
	size_t i, nold = w->nd;

	w->d = NULL;
	w->nd = 0;
	for (i = 0; i < paths->n; i++)
		add_file(&w->d, &w->nd, paths->v[i]);
	/* A directory watched already keeps its descriptor (and events). */
	for (i = 0; i < w->nd; i++)
		w->d[i].wd = inotify_add_watch(w->fd, w->d[i].dir, IN_FILES);
	free_dirs(w, old, nold);
}

size_t
watch_fds(const struct watch *w, struct pollfd *pf, size_t max)
{
	if (max == 0)
		return 0;
	pf[0].fd = w->fd;
	pf[0].events = POLLIN;
	pf[0].revents = 0;
	return 1;
}

int
watch_scans(const struct watch *w)
{
	size_t i;

	for (i = 0; i < w->nd; i++)
		if (w->d[i].wd < 0)
			return 1;
	return 0;
}

/* on_event - what one event means: WATCH_* bits, or -1. */
static int
on_event(struct watch *w, const struct inotify_event *ev)
{
	size_t i;
	int r = 0;

	if (ev->mask & IN_Q_OVERFLOW)
		return WATCH_INCOMING | WATCH_FILES;
	if (ev->wd == w->in_wd) {
		if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
			return -1;
		r = WATCH_INCOMING;
	}
	for (i = 0; i < w->nd; i++) {
		if (w->d[i].wd != ev->wd)
			continue;
		if (ev->mask & IN_IGNORED) {
			w->d[i].wd = -1;	/* gone: scan it */
			r |= WATCH_FILES;
		} else if (ev->len > 0 &&
		    strlist_find(&w->d[i].names, ev->name, 0) >= 0)
			r |= WATCH_FILES;
	}
	return r;
}

int
watch_read(struct watch *w, const struct pollfd *pf, size_t n)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t got, off;
	int r, changed = 0;

	if (n == 0 || !(pf[0].revents & POLLIN))
		return 0;
	while ((got = read(w->fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < got; off += (ssize_t)sizeof(*ev) +
		    ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			if ((r = on_event(w, ev)) < 0)
				return -1;
			changed |= r;
		}
	return changed;
}

void
watch_close(struct watch *w)
{
	struct wdir *d;
	size_t n;

	if (w == NULL)
		return;
	d = w->d, n = w->nd;
	w->d = NULL, w->nd = 0;
	free_dirs(w, d, n);
	close(w->fd);
	free(w);
}

const char *
watch_name(void)
{
	return "inotify";
}
