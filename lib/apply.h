/*
 * apply.h - the transaction: make the files and the subsystem match.
 *
 * apply_run() takes the lock, builds the plan again under it, asks the
 * real sendmail about the candidate (candidate.h), then backs up and
 * atomically replaces each changed file (the list files and the aliases
 * first, sendmail.cf last), rebuilds the alias database, runs the
 * service steps and verifies them, and only then persists the boot line.
 * If anything fails after the first replacement, every file already
 * replaced is put back and the subsystem is brought back to how it was.
 *
 * The applying marker (STATE_MARKER in the state directory) exists from
 * just before the first replacement until the files, the alias database
 * and the subsystem agree again (or a rollback put everything back).
 * Found by the next plan or apply, it means a run was killed in between:
 * files may be new while aliases.db and the running sendmail are not, so
 * that run rebuilds the database and refreshes sendmail even when no file
 * changes.
 *
 * A run that changed files records a generation (history.h) as its last
 * step, while the marker still exists, when o->who says who ran it; a
 * change that cannot be recorded is undone.  With
 * o->target, the plan is built from those bytes (a restore) instead of
 * the desired state's edits; o->commit, when set, is the last step
 * before the run settles (a restore reinstates its desired state there),
 * and its failure takes the generation back and undoes the run.
 * Convention: 0 / -1 with the reason in *why (caller frees).
 */
#ifndef MAILPROV_APPLY_H
#define MAILPROV_APPLY_H

#include "desired.h"
#include "plan.h"
#include "service.h"
#include "src.h"

struct apply_opts {
	const char	*root;		/* "" for none */
	const char	*state_dir;	/* lock, marker, check copies */
	const char	*sendmail;	/* binary for -bt checks and -bi; NULL:
					   the program SRC starts (plan.h) */
	int		 validate;	/* ask sendmail before writing */
	int		 keep;		/* backups kept per file */
	int		 lock_wait;	/* seconds */
	struct src	*src;		/* SRC backend (service section) */
	struct service_checks verify;	/* checks after the service steps */
	int		 timeout_ms;	/* any sendmail command; 0: defaults */
	int		 audit;		/* plan and stop: nothing is written,
					   no SRC call changes anything */
	const char	*who;		/* a generation is recorded for a run
					   that changes files: who ran it;
					   NULL: none */
	const char	*restored;	/* a restore: of what ("ID") */
	const struct plan_target *target;	/* restore: these bytes */
	int		(*commit)(void *ctx, char **why);
	void		*commit_ctx;
};

/*
 * apply_run - as above.  p is filled (plan_free it) whatever the result:
 * what changed, which SRC steps ran, where an error is in the desired
 * state (p->errpos).
 */
/* apply_plan_env - where and with what a plan of these options looks. */
void	apply_plan_env(const struct apply_opts *o, struct plan_env *env);
int	apply_run(const struct desired *ds, const struct apply_opts *o,
	    struct plan *p, char **why);

#endif
