/*
 * fstamp.h - what lstat says of a list of files, to tell cheaply whether
 * any of them changed since it was recorded.
 *
 * A stamp is the device, inode, type and mode, size, modification and
 * change times with nanoseconds, or "absent".  mailprovd stamps the
 * files it watches before a run reads them, and after the run stamps
 * anew only the files the run wrote itself (fstamps_carry), so that its
 * own replacements are part of the record and a hand edit made while
 * the run was in progress is not.  An editor's rename over a file (a
 * new inode), an append (size, mtime), a chmod or chown (ctime), a
 * removal all show.  What stat cannot see (the same size written within
 * one timestamp tick, or a change with its times set back and the inode
 * kept) is left to the full plan that mailprovd makes at least every
 * full_interval.
 */
#ifndef MAILPROV_FSTAMP_H
#define MAILPROV_FSTAMP_H

#include <sys/types.h>

#include "util.h"

struct fstamp {
	int		 exists;
	dev_t		 dev;
	ino_t		 ino;
	mode_t		 mode;
	off_t		 size;
	long long	 msec, csec;
	long		 mnsec, cnsec;
};

struct fstamps {
	struct strlist	 paths;
	struct fstamp	*st;		/* one per path */
};

/* fstamps_record - stamp every file of paths now (a copy is kept). */
void	fstamps_record(struct fstamps *s, const struct strlist *paths);
/*
 * fstamps_carry - fstamps_record, except that a path before stamped and
 * not in written (NULL: none) keeps its stamp from before.  s and before
 * must differ.
 */
void	fstamps_carry(struct fstamps *s, const struct strlist *paths,
	    const struct fstamps *before, const struct strlist *written);
/* fstamps_changed - the index of the first file whose stamp differs, -1. */
long	fstamps_changed(const struct fstamps *s);
void	fstamps_free(struct fstamps *s);

#endif
