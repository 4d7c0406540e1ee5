/*
 * candidate.h - ask the real sendmail about the configuration a plan
 * would write, before anything is written.
 *
 * candidate_check() writes a private copy of the new sendmail.cf whose F
 * lines read private copies of the new list files, in a fresh check
 * directory under the state directory, runs smcheck on it (sendmail -bt:
 * it loads cleanly, the identity macros, $=w and the routing of a local,
 * a remote and a domain address are what the desired state says) and
 * removes the copies.  So sendmail answers for exactly the set of files
 * about to be written.  When the aliases change, sendmail also builds an
 * alias database from a copy of the new aliases file, in the same
 * directory.  Convention: 0 / -1 with the reason in *why.
 */
#ifndef MAILPROV_CANDIDATE_H
#define MAILPROV_CANDIDATE_H

#include "desired.h"
#include "plan.h"

struct candidate_opts {
	const char	*root;		/* for messages: paths inside it */
	const char	*state_dir;	/* check directories go here */
	const char	*sendmail;
	int		 timeout_ms;	/* 0: the default */
};

int	candidate_check(const struct desired *ds, const struct plan *p,
	    const struct candidate_opts *o, char **why);
/*
 * candidate_remove_stale - check directories a killed run left in
 * state_dir; how many were removed.  The caller holds the lock.
 */
int	candidate_remove_stale(const char *state_dir);

#endif
