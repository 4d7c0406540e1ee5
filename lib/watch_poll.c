/*
 * watch_poll.c - no notification: the daemon rescans the incoming
 * directory (a readdir and a stat per file) and stats the watched files
 * every `poll` seconds.
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

/* The daemon keeps the list and its stamps: nothing to note here. */
void
watch_files(struct watch *w, const struct strlist *paths)
{
	(void)w;
	(void)paths;
}

size_t
watch_fds(const struct watch *w, struct pollfd *pf, size_t max)
{
	(void)w;
	(void)pf;
	(void)max;
	return 0;
}

int
watch_scans(const struct watch *w)
{
	(void)w;
	return 1;
}

int
watch_read(struct watch *w, const struct pollfd *pf, size_t n)
{
	(void)w;
	(void)pf;
	(void)n;
	return WATCH_INCOMING | WATCH_FILES;
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
