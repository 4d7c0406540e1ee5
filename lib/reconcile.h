/*
 * reconcile.h - desired state + current files -> plan -> applied files.
 *
 * rc_plan_build() reads the managed files under root and computes, for
 * each, the new bytes with the smallest edit (cf, listfile, aliases).  It
 * writes nothing.  rc_apply() takes the lock, builds the plan again under
 * it, asks the real sendmail whether the candidate configuration does what
 * the desired state says, then backs up and atomically replaces each
 * changed file; if anything fails after the first replacement, every file
 * already replaced is put back.  Convention: 0 success, -1 failure with a
 * one-line reason in *err (caller frees).
 */
#ifndef MAILPROV_RECONCILE_H
#define MAILPROV_RECONCILE_H

#include <stdio.h>
#include <sys/stat.h>

#include "cf.h"
#include "desired.h"
#include "service.h"
#include "src.h"
#include "util.h"

enum rc_kind {
	RC_LHN,		/* local-host-names (the Fw file) */
	RC_RELAY,	/* relay-domains (the FR file) */
	RC_ALIASES,	/* aliases */
	RC_CF,		/* sendmail.cf, written last */
	RC_NKINDS
};

struct rc_file {
	int		 managed;
	char		*path;		/* real path, root prefixed */
	const char	*label;		/* the path inside root (into path) */
	int		 exists;
	struct stat	 st;
	char		*old;
	size_t		 oldlen;
	struct sbuf	 new;
	int		 changed;
	char		*backup;	/* set by apply */
	int		 replaced;	/* set by apply */
};

struct rc_plan {
	struct rc_file		 f[RC_NKINDS];
	struct strlist		 notes;
	enum cf_relay_shape	 shape;
	int			 nchanged;
	struct dpos		 errpos;	/* desired key an error is about */
	struct strlist		 src_done;	/* SRC steps apply ran */
	int			 interrupted;	/* RC_MARKER was found */
};

/*
 * RC_MARKER (under the root) exists from just before an apply replaces
 * its first file until the files, the alias database and the subsystem
 * agree again (or a rollback put everything back).  Found by the next
 * plan or apply, it means a run was killed in between: files may be new
 * while aliases.db and the running sendmail are not, so that run rebuilds
 * the database and refreshes sendmail even when no file changes.
 */
#define RC_MARKER	"/var/mailprov/applying"

struct rc_opts {
	const char	*root;		/* "" for none */
	const char	*sendmail;	/* binary for -bt checks and -bi */
	int		 validate;	/* ask sendmail before writing */
	int		 keep;		/* backups kept per file */
	int		 lock_wait;	/* seconds */
	FILE		*out;		/* progress and results */
	struct src	*src;		/* SRC backend (service section) */
	struct svc_verify verify;	/* checks after the service steps */
	int		 timeout_ms;	/* any sendmail command; 0: defaults */
};

#define RC_MAX_FILE	(64 * 1024 * 1024)

int	rc_plan_build(const struct desired *ds, const char *root,
	    struct rc_plan *p, char **err);
/* rc_plan_print - unified diffs, notes and follow-up actions. */
void	rc_plan_print(const struct rc_plan *p, FILE *out);
/*
 * rc_apply - as above, then the service steps (svc_plan/svc_apply) and
 * their verification; a failed step or verification puts the files back
 * and refreshes (or restarts) the subsystem again.
 */
int	rc_apply(const struct desired *ds, const struct rc_opts *o,
	    struct rc_plan *p, char **err);
/*
 * rc_mail_changed - sendmail.cf or a list file changes (not aliases), or
 * an interrupted run may have left sendmail on older files.
 */
int	rc_mail_changed(const struct rc_plan *p);
/* rc_rebuild_needed - aliases change, or an interrupted run was found. */
int	rc_rebuild_needed(const struct rc_plan *p);
/* rc_pending - the plan has something to do (files or recovery). */
#define rc_pending(p)	((p)->nchanged > 0 || (p)->interrupted)
void	rc_plan_free(struct rc_plan *p);

#endif
