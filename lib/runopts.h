/*
 * runopts.h - the options of one run, built in one place for both
 * programs.
 *
 * The CLI (command-line options) and mailprovd (mailprovd.conf) each fill
 * a struct runopts_in with what their user said, leaving unset what was
 * not said; runopts_open() applies the defaults (paths.h), opens the SRC
 * backend and makes the apply options.  The defaults that depend on the
 * backend are decided here and nowhere else: a real SRC (exec) starts a
 * real sendmail, so its port and "sendmail -bv postmaster" are checked
 * after the service steps; the mock starts nothing, so only lssrc is.
 */
#ifndef MAILPROV_RUNOPTS_H
#define MAILPROV_RUNOPTS_H

#include "apply.h"
#include "fetch.h"

struct runopts_in {
	const char	*root;		/* "" for none */
	const char	*state_dir;	/* the state directory, as a path */
	const char	*sendmail;	/* NULL: DEF_SENDMAIL */
	const char	*backend;	/* "exec", "mock"; NULL: the build's */
	const char	*src_bindir;	/* NULL: DEF_SRC_BINDIR */
	const char	*src_state;	/* NULL: STATE_SRC in state_dir */
	const char	*verify_port;	/* HOST:PORT, none; NULL: by backend */
	int		 verify_bv;	/* 1, 0; -1: by backend */
	int		 timeout_s;	/* 0: each command's default */
	int		 validate;
	int		 lock_wait;	/* seconds */
	int		 keep;		/* backups per file */
};

struct runopts {
	struct apply_opts	 apply;		/* what apply_run takes */
	char			*verify_host;	/* owned: apply.verify.host */
	char			*src_state;	/* owned */
};

/* runopts_open - 0, or -1 with *why (a bad backend or port spec). */
int	runopts_open(const struct runopts_in *in, struct runopts *ro,
	    char **why);
void	runopts_close(struct runopts *ro);
/*
 * runopts_state_dir - the state directory: dir when given, else the
 * default under root (caller frees).
 */
char	*runopts_state_dir(const char *root, const char *dir);
/* runopts_helper - mailprov-fetch beside argv0, else the installed one. */
char	*runopts_helper(const char *argv0);

#endif
