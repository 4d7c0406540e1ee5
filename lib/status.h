/*
 * status.h - one description of a run, for every reader.
 *
 * A struct status says what a program (mailprov or mailprovd) did last
 * and where it stands.  It has one JSON form, written by status_json():
 * mailprovd's status.json and the report either program posts to a
 * collector are the same document with the same fields, so a collector
 * reads both alike.  status_lines() is the same facts as `lssrc -ls
 * mailprovd' shows them, and status_show() reads a status.json back for
 * `mailprov status'.
 *
 * The document (every field always present):
 *   host, program, version, pid, root, started, desired (the file read),
 *   source (where it came from: that file or a URL), desired_sha256,
 *   last_run { reason, start, end, outcome, files_changed, src_actions,
 *   error, drift, diff, diff_truncated, notes, backups }, mode, runs,
 *   drift_repairs, intent_changes, drift_found, last_drift { time, files },
 *   failures,
 *   incoming_accepted, incoming_rejected, watch, watched_files (the
 *   files whose changes start a run; mailprovd only), quick_checks
 *   (interval checks that found every watched file as the last run left
 *   it and so neither read nor planned), next_run, sendmail (the
 *   binary that runs and its capabilities, "" unknown), tls_cert_days
 *   (days until tls.cert expires; null when TLS is not managed).
 * Times are local ISO 8601 ("2026-11-29T22:19:43+0000") or "never".
 */
#ifndef MAILPROV_STATUS_H
#define MAILPROV_STATUS_H

#include <stdio.h>
#include <time.h>

#include "util.h"

struct status_run {
	const char	*reason;	/* "apply", "start", "interval", ... */
	time_t		 start, end;
	char		 outcome[64];	/* changed, converged, failed, ... */
	struct strlist	 files_changed;	/* paths inside the root */
	struct strlist	 src_actions;	/* as an admin would type them */
	char		*error;		/* NULL: none */
	char		*diff;		/* current -> desired; NULL: none */
	int		 diff_truncated;	/* cut at STATUS_DIFF_MAX */
	struct strlist	 notes;		/* the plan's warnings and notes */
	struct strlist	 backups;	/* hold the bytes this run replaced */
	int		 drift;		/* the files had left a desired state
					   already in force */
};

#define STATUS_DIFF_MAX	(64 * 1024)

struct status {
	const char	*program;	/* "mailprov" or "mailprovd" */
	const char	*root;		/* "" for none */
	time_t		 started;
	const char	*desired;	/* the desired state's file */
	const char	*source;	/* that file, or the URL it came from */
	char		 sha[65];	/* of the desired state; "" unknown */
	struct status_run last;
	long		 runs, drift, intent, failures;
	long		 accepted, rejected;	/* incoming drops */
	const char	*watch;		/* how incoming is watched; "none" */
	const char	*mode;		/* "enforce" or "audit" */
	long		 drift_found;	/* audit runs that found drift */
	time_t		 last_drift;	/* 0: never */
	struct strlist	 last_drift_files;
	const struct strlist *watched;	/* files watched; NULL: none */
	long		 quick;		/* interval checks that skipped */
	time_t		 next_run;	/* 0: none */
	char		 sendmail[256];	/* smcaps_describe; "" unknown */
	int		 have_cert;	/* cert_days is known */
	long		 cert_days;	/* tls.cert: days left */
	/* Only in the lssrc -l lines: */
	const char	*incoming;	/* the incoming directory */
	const char	*write_error;	/* status.json could not be written */
	int		 trace;
};

struct smcaps;
/*
 * status_sendmail - the binary's line (NULL: not asked) and, with tls,
 * the days tls.cert has left.
 */
void	status_sendmail(struct status *st, const struct smcaps *c, int tls,
	    long cert_days);
struct plan;
struct desired;
/*
 * status_from_plan - what a run did (planned 0: files replaced, SRC
 * steps run, backups) or would do (planned 1: files that differ, steps
 * it would take), with the diff (bounded) and the plan's notes.
 */
void	status_from_plan(struct status_run *r, const struct plan *p,
	    const struct desired *ds, int planned);
/* status_free - what st owns besides its last run. */
void	status_free(struct status *st);
/* status_run_reset - empty last for a new run of reason, starting now. */
void	status_run_reset(struct status_run *last, const char *reason);
void	status_run_free(struct status_run *last);
/* status_json - the document, appended to out. */
void	status_json(const struct status *st, struct sbuf *out);
/* status_lines - the long status for lssrc -l, the first line a header. */
void	status_lines(const struct status *st, struct strlist *l);
/*
 * status_show - print the status.json at path for an admin; 0 when its
 * last run succeeded, 1 when it failed or there is no status (after a
 * message on stderr).
 */
int	status_show(const char *path, FILE *out);

#endif
