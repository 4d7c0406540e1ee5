/*
 * watch_ahafs.c - the incoming directory through AIX's event
 * infrastructure (AHAFS), with the timed scan as the fallback.
 *
 * Contract: see watch.h.  When /aha is mounted (bos.ahafs), a modDir
 * monitor is set up as IBM documents it: mirror the directory's path
 * under /aha/fs/modDir.monFactory, open NAME.mon there, write the wait
 * specification (NUL included), and poll() the descriptor; each event
 * is read with pread() at offset 0.  The event text carries
 * RC_FROM_EVPROD and, for the directory's own removal or unmount, a
 * REMOVE_SELF / UNMOUNT code: then the caller re-creates and re-watches.
 * Without AHAFS (not mounted, or any step failing) the descriptor is -1
 * and mailprovd scans every `poll` seconds, as watch_poll.c does.
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

#define AHA_MODDIR	"/aha/fs/modDir.monFactory"
#define AHA_SPEC	"CHANGED=YES;WAIT_TYPE=WAIT_IN_SELECT;INFO_LVL=1"

struct watch {
	int	fd;		/* the .mon file, or -1: scan instead */
};

/* mkdirs_under - every directory of dir, under AHA_MODDIR. */
static int
mkdirs_under(const char *dir)
{
	struct sbuf p = { 0 };
	const char *s;
	int rc = 0;

	sbuf_adds(&p, AHA_MODDIR);
	for (s = dir; *s != '\0' && rc == 0; ) {
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

struct watch *
watch_open(const char *dir)
{
	struct watch *w;
	struct stat st;
	char *mon;
	int fd = -1;

	if (stat(dir, &st) < 0)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->fd = -1;
	if (stat(AHA_MODDIR, &st) < 0 || mkdirs_under(dir) < 0)
		return w;		/* no AHAFS: scan */
	mon = xasprintf("%s%s%s.mon", AHA_MODDIR, dir[0] == '/' ? "" : "/",
	    dir);
	if ((fd = open(mon, O_CREAT | O_RDWR, 0600)) >= 0 &&
	    write(fd, AHA_SPEC, sizeof(AHA_SPEC)) < 0 && errno != EBUSY) {
		close(fd);
		fd = -1;
	}
	free(mon);
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
	char buf[4096];
	ssize_t n;

	if (w->fd < 0)
		return 1;		/* scanning: always look */
	n = pread(w->fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (strstr(buf, "REMOVE_SELF") != NULL ||
	    strstr(buf, "UNMOUNT") != NULL)
		return -1;
	return 1;
}

void
watch_close(struct watch *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}

const char *
watch_name(void)
{
	return "ahafs";
}
