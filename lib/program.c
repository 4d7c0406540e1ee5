/*
 * program.c - read, replace and restore the /usr/lib/sendmail link.
 *
 * Contract: see program.h.  The link's target is written as the desired
 * state names it (an absolute path as seen on the host), never with the
 * test root in front: the root only says where the link itself lives.
 */
#include "program.h"
#include "fileio.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* read_link - the target of path, or NULL (errno ENOENT: no link). */
static char *
read_link(const char *path)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

int
program_plan(const char *root, const char *link, const char *want,
    struct program_link *l, char **why)
{
	struct stat st;
	char *target;

	memset(l, 0, sizeof(*l));
	if (want == NULL)
		return 0;
	l->managed = 1;
	l->path = xasprintf("%s%s", root, link);
	l->label = xstrdup(link);
	l->want = xstrdup(want);
	target = xasprintf("%s%s", root, want);
	if (stat(target, &st) < 0 || !S_ISREG(st.st_mode) ||
	    access(target, X_OK) < 0) {
		free(target);
		return seterr(why, "sendmail.program %s is not an executable "
		    "file on this host; is the fileset that ships it "
		    "installed?", want);
	}
	free(target);
	/* It will run as root: only root may have written it. */
	if (st.st_uid != 0 || (st.st_mode & 022) != 0)
		return seterr(why, "sendmail.program %s is %s; it runs as "
		    "root, so only root may write it (chown root %s; chmod "
		    "go-w %s)", want, st.st_uid != 0 ? "not owned by root" :
		    "writable by group or others", want, want);
	if (lstat(l->path, &st) < 0) {
		if (errno != ENOENT)
			return seterr(why, "%s: %s", link, strerror(errno));
	} else if (!S_ISLNK(st.st_mode))
		return seterr(why, "%s is not a symbolic link (it is a %s); "
		    "mailprov replaces only a link, never a binary: move it "
		    "aside and link it to %s by hand", link,
		    S_ISREG(st.st_mode) ? "regular file" : "special file",
		    want);
	else if ((l->old = read_link(l->path)) == NULL)
		return seterr(why, "%s: cannot read the link: %s", link,
		    strerror(errno));
	l->changed = l->old == NULL || strcmp(l->old, want) != 0;
	return 0;
}

int
program_replace(struct program_link *l, char **why)
{
	int r;

	if (!l->changed)
		return 0;
	r = fileio_relink(l->path, l->want);
	if (r == 0 || r == FILEIO_UNSYNCED)
		l->replaced = 1;
	if (r < 0)
		return seterr(why, "linking %s to %s: %s%s", l->label, l->want,
		    r == FILEIO_UNSYNCED ? "syncing its directory: " : "",
		    strerror(errno));
	return 0;
}

int
program_restore(struct program_link *l, char **why)
{
	int r;

	if (!l->replaced)
		return 0;
	r = l->old != NULL ? fileio_relink(l->path, l->old) : unlink(l->path);
	if (r < 0 && r != FILEIO_UNSYNCED && l->old != NULL)
		return seterr(why, "ROLLBACK FAILED for %s: %s; make it point "
		    "at %s again (ln -sf %s %s)", l->label, strerror(errno),
		    l->old, l->old, l->label);
	if (r < 0 && r != FILEIO_UNSYNCED)
		return seterr(why, "ROLLBACK FAILED for %s: %s; there was no "
		    "link before this run: rm %s", l->label, strerror(errno),
		    l->label);
	l->replaced = 0;
	return 0;
}

void
program_free(struct program_link *l)
{
	free(l->path);
	free(l->label);
	free(l->old);
	free(l->want);
	memset(l, 0, sizeof(*l));
}
