/*
 * history.h - generations: every run that changed the mail files, kept
 * so that an admin can list them, compare them and go back to one.
 *
 * A generation is one file, STATE_GENERATIONS/ID in the state directory,
 * written atomically (fileio_replace) by the run that changed the files,
 * after its files, databases and service steps agree and before the
 * applying marker goes: a run killed before that point leaves no
 * generation, one killed after it a complete one.  It holds its id
 * (UTC "YYYYMMDD-HHMMSS-NNN", sortable, NNN counting within the second
 * and always above the newest id), the time, who ran it ("mailprov apply
 * by root", "mailprovd (interval)", "mailprov restore by root"), what a
 * restore restored, the sha256 of the desired state it applied and of
 * the one in force before it, the access map's class, and for every
 * managed file its path and the sha256 of its bytes before and after
 * ("-": no such file), with the name of the FILE.YYYYMMDD-HHMMSS backup
 * the run made.
 *
 * The bytes are kept in a content-addressed store beside the records,
 * STATE_GENERATIONS/STATE_OBJECTS/SHA256: each distinct content once
 * (written atomically, never rewritten), every before and after of
 * every kept generation and both desired states, so any kept generation
 * can be rebuilt byte for byte whatever happened to the files and their
 * backups since.  The FILE.STAMP backups beside the files stay as they
 * were (the admin's copies; pruned per file), and no generation depends
 * on them.  Retention: the newest `keep` generations stay; then every
 * object no kept generation names is deleted, and nothing else.  A
 * damaged record stops the deletion (never delete what a generation may
 * need).  Reading an object checks its sha256.
 *
 * Convention: 0 / -1 with a one-line reason in *why (caller frees).
 * history_record and history_remove_stale are for a caller that holds
 * the state directory's lock.
 */
#ifndef MAILPROV_HISTORY_H
#define MAILPROV_HISTORY_H

#include <stdio.h>
#include <time.h>

#include "plan.h"

#define HISTORY_ID_SIZE		32
#define HISTORY_NONE		"-"	/* no such file, no desired state */

struct history_file {
	char	*label;			/* path inside root; NULL: unmanaged */
	char	 before[65];		/* sha256 or HISTORY_NONE */
	char	 after[65];
	char	*backup;		/* the FILE.STAMP backup, or NULL */
};

struct history_gen {
	char			 id[HISTORY_ID_SIZE];
	time_t			 time;
	char			*who;
	char			*restored;	/* "ID" or "ID --before" */
	char			 desired[65];	/* applied; HISTORY_NONE */
	char			 desired_before[65];	/* in force before */
	char			*map_class;	/* the access map's */
	struct history_file	 f[PLAN_NFILES];
};

/* What a run says about itself for its generation. */
struct history_note {
	const char	*who;
	const char	*desired;	/* the bytes applied; NULL: none */
	size_t		 desired_len;
	const char	*restored;	/* a restore: what it restored */
	int		 unless_same;	/* no record when every file is as
					   the newest generation left it */
};

/*
 * history_record - the generation of a run that changed files (p after
 * apply wrote them): its objects, then its record, last.  The id it got
 * goes into id (HISTORY_ID_SIZE bytes; "" when n->unless_same and
 * nothing differs from the newest generation: no record).  -1 when a
 * record cannot be read or the new one cannot be kept whole: then no
 * record of this run exists, and apply undoes the run (a change is never
 * left unrecorded).  A damaged record is said and left.  Nothing is
 * deleted here: a run that fails after its record is written keeps every
 * older generation (history_prune, once the run has settled).
 */
int	history_record(const char *state_dir, const struct plan *p,
	    const struct history_note *n, char *id, char **why);
/*
 * history_prune - the retention, after a run settled: the oldest records
 * go so that keep remain (at least 1), then the objects none of them
 * names.  A damaged record stops the deletion of objects.
 */
void	history_prune(const char *state_dir, int keep);
/* history_forget - the record id goes (its run is being undone). */
void	history_forget(const char *state_dir, const char *id);
/*
 * history_remove_stale - temporaries of a killed run in the store, and
 * objects no generation names; how many files went.
 */
int	history_remove_stale(const char *state_dir);

/* history_list - every generation, newest first (*v: free each, then v). */
int	history_list(const char *state_dir, struct history_gen **v, size_t *n,
	    char **why);
/* history_load - the generation id (or the one id is a unique start of). */
int	history_load(const char *state_dir, const char *id,
	    struct history_gen *g, char **why);
void	history_gen_free(struct history_gen *g);
/* history_bytes - the object sha from the store, its sha256 checked. */
int	history_bytes(const char *state_dir, const char *sha, char **buf,
	    size_t *len, char **why);

/* history_object - where the object sha is kept (caller frees). */
char	*history_object(const char *state_dir, const char *sha);
/* history_print - one line per generation, newest first, or JSON. */
void	history_print(const struct history_gen *v, size_t n, int json,
	    FILE *out);
/* history_diff - the unified diffs of g, before -> after, onto out. */
int	history_diff(const char *state_dir, const struct history_gen *g,
	    struct sbuf *out, char **why);
/*
 * history_target - the bytes of every file g recorded, as they were
 * after it (before: as they were before it), for plan_build_target.
 */
int	history_target(const char *state_dir, const struct history_gen *g,
	    int before, struct plan_target *t, char **why);

#endif
