/*
 * restore.h - mailprov restore: the files of a generation back, through
 * the same transaction as apply, and its desired state back in force.
 *
 * restore_open() reads generation id (or a unique start of one), the
 * bytes every file held right after it (before: right before it, the
 * undo of that run) from the store, and decides which desired state the
 * restore puts in force, so that mailprovd's next run does not undo it:
 * - the one that generation applied (before: the one in force before
 *   it), kept in the store, is reinstated in the desired-state file
 *   (the file mailprovd.conf names, or desired when given) as the last
 *   step of the transaction, the previous one kept in history/ as a
 *   dropped file's is;
 * - when mailprovd takes its desired state from a URL, or no desired
 *   state is kept for that point (the files then were not mailprov's),
 *   the restore is refused unless mailprovd.conf says mode: audit (then
 *   nothing would undo it: it goes ahead, the desired-state file left
 *   alone, and *note says so).
 * The sendmail check, the service steps and the link use that desired
 * state (a minimal one when there is none).  restore_run() is apply_run()
 * with the target bytes; it records the restore as a generation.
 * Convention: 0 / -1 with a one-line reason in *why (caller frees).
 */
#ifndef MAILPROV_RESTORE_H
#define MAILPROV_RESTORE_H

#include "apply.h"
#include "history.h"
#include "incoming.h"

struct restore_opts {
	const char	*id;
	int		 before;	/* --before */
	const char	*root;		/* "" for none */
	const char	*state_dir;
	const char	*conf;		/* mailprovd.conf, root prefixed */
	int		 conf_given;	/* it must exist */
	const char	*desired;	/* NULL: the one mailprovd.conf names */
};

struct restore {
	struct history_gen	 g;
	struct plan_target	 target;
	struct desired		*ds;		/* what the restore puts in force */
	char			*ds_buf;	/* its bytes; NULL: none */
	size_t			 ds_len;
	char			*ds_kept;	/* where the store keeps them */
	int			 reinstate;	/* into inst.desired */
	struct incoming_cfg	 inst;
	char			*desired_path, *history_path;
	char			*restored;	/* "ID" or "ID --before" */
	int			 before;	/* --before */
	int			 audit;		/* mailprovd undoes nothing */
	char			*note;		/* for the admin, or NULL */
};

int	restore_open(const struct restore_opts *o, struct restore *r,
	    char **why);
/*
 * restore_holds - when the restore puts its desired state in force and
 * mailprovd enforces, that state must leave the restored bytes as they
 * are (planned as if the files held them), or mailprovd's next run would
 * undo the restore: -1, naming the files, when it would not.  So it is
 * with --before of a drift repair (the bytes before it were a hand edit
 * its desired state repairs), and with a generation whose access map
 * held another password than auth.secret_file holds now.  Read only; ao
 * gives the root, sendmail and SRC to plan with.
 */
int	restore_holds(const struct restore *r, const struct apply_opts *ao,
	    char **why);
/* restore_run - apply_run(r->ds, ao) with r's bytes; ao is amended. */
int	restore_run(struct restore *r, struct apply_opts *ao, struct plan *p,
	    char **why);
void	restore_close(struct restore *r);

#endif
