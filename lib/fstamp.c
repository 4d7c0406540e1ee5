/*
 * fstamp.c - stamps of files from lstat.
 *
 * Contract: see fstamp.h.  lstat, not stat: a symbolic link that is
 * pointed elsewhere (the /usr/lib/sendmail link) changes the link's own
 * stamp; the other managed paths are already resolved.
 */
#include "fstamp.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* take - the stamp of path now; absent for any error. */
static void
take(const char *path, struct fstamp *f)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	if (lstat(path, &st) < 0)
		return;
	f->exists = 1;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->mode = st.st_mode;
	f->size = st.st_size;
	f->msec = (long long)st.st_mtim.tv_sec;
	f->mnsec = (long)st.st_mtim.tv_nsec;
	f->csec = (long long)st.st_ctim.tv_sec;
	f->cnsec = (long)st.st_ctim.tv_nsec;
}

static int
same(const struct fstamp *a, const struct fstamp *b)
{
	if (a->exists != b->exists)
		return 0;
	return !a->exists || (a->dev == b->dev && a->ino == b->ino &&
	    a->mode == b->mode && a->size == b->size && a->msec == b->msec &&
	    a->mnsec == b->mnsec && a->csec == b->csec && a->cnsec == b->cnsec);
}

void
fstamps_record(struct fstamps *s, const struct strlist *paths)
{
	fstamps_carry(s, paths, NULL, NULL);
}

void
fstamps_carry(struct fstamps *s, const struct strlist *paths,
    const struct fstamps *before, const struct strlist *written)
{
	long j;
	size_t i;

	if (paths != &s->paths) {
		strlist_clear(&s->paths);
		for (i = 0; i < paths->n; i++)
			strlist_push(&s->paths, paths->v[i]);
	}
	free(s->st);
	s->st = xcalloc(s->paths.n + 1, sizeof(*s->st));
	for (i = 0; i < s->paths.n; i++) {
		if (before != NULL && (written == NULL ||
		    strlist_find(written, s->paths.v[i], 0) < 0) &&
		    (j = strlist_find(&before->paths, s->paths.v[i], 0)) >= 0)
			s->st[i] = before->st[j];
		else
			take(s->paths.v[i], &s->st[i]);
	}
}

long
fstamps_changed(const struct fstamps *s)
{
	struct fstamp now;
	size_t i;

	for (i = 0; i < s->paths.n; i++) {
		take(s->paths.v[i], &now);
		if (!same(&now, &s->st[i]))
			return (long)i;
	}
	return -1;
}

void
fstamps_free(struct fstamps *s)
{
	strlist_clear(&s->paths);
	free(s->st);
	s->st = NULL;
}
