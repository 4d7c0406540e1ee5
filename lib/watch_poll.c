/*
 * watch_poll.c - no notification: the daemon rescans the incoming
 * directory every `poll` seconds (a readdir and a stat per file).
 *
 * Contract: see watch.h.  Portable; used where inotify is not there.
 */
#include "watch.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

struct watch {
	int	unused;
};

struct watch *
watch_open(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	return xcalloc(1, sizeof(struct watch));
}

int
watch_fd(const struct watch *w)
{
	(void)w;
	return -1;
}

int
watch_read(struct watch *w)
{
	(void)w;
	return 1;
}

void
watch_close(struct watch *w)
{
	free(w);
}

const char *
watch_name(void)
{
	return "poll";
}
