/*
 * plan.h - desired state + current files and SRC state -> what to do.
 *
 * plan_build() reads the managed files under root and computes, for each,
 * the new bytes with the smallest edit (cf, listfile, aliases); with a
 * service section it also reads SRC (never changes it) and lists the
 * service steps.  It writes nothing: `mailprov plan' is this and
 * plan_print(); apply builds the same plan again under its lock.
 * Convention: 0 / -1 with a one-line reason in *why (caller frees); an
 * error about one desired-state key leaves its position in p->errpos.
 */
#ifndef MAILPROV_PLAN_H
#define MAILPROV_PLAN_H

#include <stdio.h>
#include <sys/stat.h>

#include "cf.h"
#include "desired.h"
#include "program.h"
#include "service.h"
#include "smcaps.h"
#include "src.h"
#include "util.h"

enum plan_kind {
	PLAN_LOCAL_HOST_NAMES,	/* the Fw file */
	PLAN_RELAY_DOMAINS,	/* the FR file */
	PLAN_ALIASES,
	PLAN_ACCESS,		/* the access map's source (TLS_Srv:,
				   AuthInfo:) */
	PLAN_SENDMAIL_CF,	/* written last */
	PLAN_NFILES
};

/* Where a plan looks, and with what. */
struct plan_target;

struct plan_env {
	const char	*root;		/* "" for none */
	const char	*state_dir;	/* the marker, the capability cache */
	struct src	*src;		/* read for a service section; may be
					   NULL without one */
	const char	*sendmail;	/* the binary to ask and check with;
					   NULL: the program SRC starts */
	int		 timeout_ms;	/* 0: the default */
	/* plan_build only: plan as if the files held these bytes (a
	 * restore asks whether its desired state would keep them). */
	const struct plan_target *as_if;
};

struct plan_file {
	int		 managed;
	char		*path;		/* real path, root prefixed */
	const char	*label;		/* the path inside root (into path) */
	int		 exists;
	struct stat	 st;
	char		*old;		/* its bytes; "" for an aliases file
					   that stays as it is (skim_aliases) */
	size_t		 oldlen;
	struct sbuf	 new;
	int		 changed;
	int		 remove;	/* a restore: the file goes */
	char		*backup;	/* set by apply */
	int		 replaced;	/* set by apply */
	int		 unsynced;	/* restored, directory not synced */
};

struct plan {
	struct plan_file	 f[PLAN_NFILES];
	struct strlist		 notes;
	struct strlist		 warnings;	/* for the admin to look at */
	enum cf_relay_shape	 shape;
	int			 nchanged;
	struct dpos		 errpos;	/* the key an error is about */
	struct service_plan	 svc;		/* SRC steps (.managed: any) */
	struct strlist		 src_done;	/* SRC steps apply ran */
	char			*marker;	/* the applying marker's path */
	unsigned		*cf_origin;	/* new cf line i+1 was line
						   cf_origin[i] (0: inserted) */
	size_t			 cf_lines;
	int			 interrupted;	/* the marker was found */
	char			*binary;	/* the sendmail that runs (or
						   env->sendmail) */
	struct program_link	 link;		/* sendmail.program */
	struct smcaps		 caps;		/* of binary, when asked */
	int			 have_caps;
	const char		*root;		/* env->root */
	const struct plan_target *as_if;	/* env->as_if: read these
						   bytes, for a file it
						   names, not the file */
	char			*access_file;	/* the access map's source */
	char			*map_class;	/* the access map's (hash) */
	int			 tls;		/* TLS options managed */
	long			 cert_days;	/* tls.cert: days left */
	int			 cert_known;	/* cert_days was read */
	int			 access_db_made;	/* apply: makemap made
						   a map that was not there */
	int			 access_secret;	/* the new access bytes hold
						   mailprov's AuthInfo: */
	int			 access_tighten;	/* ... and the file is
						   readable by more than
						   root: written 0600 */
	int			 access_db_tighten;	/* ... and its map
						   is: rebuilt, made 0600 */
	char			*secret_file;	/* auth.secret_file, root
						   prefixed: read, so
						   mailprovd watches it */
};

#define PLAN_MAX_FILE	(64 * 1024 * 1024)

/*
 * plan_build - the plan for ds on the files under env->root; the state
 * directory holds the applying marker (see apply.h).
 */
int	plan_build(const struct desired *ds, const struct plan_env *env,
	    struct plan *p, char **why);
/*
 * A restore's plan: for each kind, the bytes the file must hold (label
 * NULL: the file is left alone; absent: it must not exist), and the
 * access map's class.  plan_build_target() makes the same plan as
 * plan_build() with these bytes in place of the desired state's edits
 * (the link, the binary and the service steps still come from ds), so
 * apply checks, backs up, replaces, rebuilds, refreshes and rolls back
 * a restore as any run.
 */
struct plan_target {
	struct {
		char	*label;		/* the path inside root */
		char	*bytes;
		size_t	 len;
		int	 absent;
	} f[PLAN_NFILES];
	char	*map_class;
};

int	plan_build_target(const struct desired *ds, const struct plan_env *env,
	    const struct plan_target *t, struct plan *p, char **why);
void	plan_target_free(struct plan_target *t);

/*
 * plan_diff_file - the unified diff of one file of kind (a plan_kind)
 * onto out, labelled a<label> and b<label>; the access file's AuthInfo:
 * passwords masked (accessfile_mask).  Every diff mailprov shows (plan,
 * apply, status.json, history, restore) is made here.
 */
void	plan_diff_file(int kind, const char *label, const char *a, size_t alen,
	    const char *b, size_t blen, struct sbuf *out);
/* plan_diff - the unified diff of every file that changes, onto out. */
void	plan_diff(const struct plan *p, struct sbuf *out);
/* plan_actions - what follows the files, as an admin would type it. */
void	plan_actions(const struct plan *p, const struct desired *ds,
	    struct strlist *out);
/* plan_print - unified diffs, notes, then the follow-up actions. */
void	plan_print(const struct plan *p, const struct desired *ds, FILE *out);
/*
 * plan_needs_refresh - sendmail must re-read its configuration: the cf or
 * a list file or the access map changes (not aliases), or an interrupted
 * run may have left sendmail on older files.
 */
int	plan_needs_refresh(const struct plan *p);
/* plan_needs_rebuild - aliases change, or an interrupted run was found. */
int	plan_needs_rebuild(const struct plan *p);
/* plan_needs_restart - the program changes: refresh cannot swap it. */
int	plan_needs_restart(const struct plan *p);
/* plan_access_db - the map file makemap writes for the access source. */
char	*plan_access_db(const struct plan *p);
/* plan_pending - anything to do: files, recovery or service steps. */
int	plan_pending(const struct plan *p);
/* plan_changed_files - the labels of the files apply replaced. */
void	plan_changed_files(const struct plan *p, struct strlist *out);
void	plan_free(struct plan *p);

/*
 * plan_load_file - resolve inner inside p->root and read it into f (or
 * take its bytes from p->as_if); a missing file is empty and not
 * "exists" (for plantls.c).
 */
int	plan_load_file(const struct plan *p, struct plan_file *f,
	    const char *inner, char **why);

#endif
