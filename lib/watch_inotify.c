/*
 * watch_inotify.c - the incoming directory through Linux inotify.
 *
 * Contract: see watch.h.  A file counts as arrived when it is closed
 * after writing or moved in; the directory's own removal or move is
 * reported as -1 so the daemon can recreate and re-watch it.
 */
#include "watch.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <unistd.h>

struct watch {
	int	fd;
};

struct watch *
watch_open(const char *dir)
{
	struct watch *w;
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	if (fd < 0)
		return NULL;
	/* Written and closed, or renamed in: not merely created. */
	if (inotify_add_watch(fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO |
	    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	return w;
}

int
watch_fd(const struct watch *w)
{
	return w->fd;
}

int
watch_read(struct watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n, off;
	int changed = 0;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += (ssize_t)sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF |
			    IN_IGNORED))
				return -1;
			changed = 1;
		}
	return changed;
}

void
watch_close(struct watch *w)
{
	if (w == NULL)
		return;
	close(w->fd);
	free(w);
}

const char *
watch_name(void)
{
	return "inotify";
}
