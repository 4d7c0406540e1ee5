/*
 * fetch.h - a desired state from an HTTPS URL, and run reports to a
 * collector, through the mailprov-fetch helper (the only program that
 * links libcurl).
 *
 * fetch_desired() keeps, under the state directory, the last good state
 * fetched (fetched.yaml) and the validators of that fetch (fetched.state:
 * ETag, Last-Modified) for a conditional request.  A fetched body is
 * validated like a dropped file; only a good one replaces fetched.yaml.
 * When the fetch or the validation fails, the last good state stays in
 * force and the reason is returned as a warning.
 *
 * fetch_report() posts a JSON document; when the collector cannot be
 * reached it is kept in a bounded queue (reports/, oldest dropped and
 * counted) and sent before the next report.
 */
#ifndef MAILPROV_FETCH_H
#define MAILPROV_FETCH_H

#include <stddef.h>
#include <stdio.h>

#include "util.h"

struct fetch_cfg {
	const char	*helper;	/* path of mailprov-fetch */
	const char	*state_dir;	/* under the root */
	const char	*ca_file, *ca_path, *cert, *key;
	int		 insecure;
	const char	*sha256;	/* expected body digest, or NULL */
	int		 retries;	/* -1: the helper's default */
	int		 timeout;	/* seconds, 0: the helper's default */
};

enum fetch_outcome {
	FETCH_NEW,		/* a new good state was fetched */
	FETCH_SAME,		/* 304, or the same bytes again */
	FETCH_KEPT,		/* failed: the last good state is used */
	FETCH_NONE		/* failed and there is no last good state */
};

/*
 * fetch_desired - fetch url; *path gets the file to use as the desired
 * state (caller frees), *why the reason when the outcome is KEPT or NONE
 * (caller frees).
 */
enum fetch_outcome fetch_desired(const struct fetch_cfg *c, const char *url,
		    char **path, char **why);

#define FETCH_REPORT_QUEUE_MAX	100

/*
 * fetch_report - post json to url, after the queued ones.  0 when all went
 * out, -1 when some are queued (*why says why; caller frees).
 * *dropped counts reports given up because the queue was full.
 */
int	fetch_report(const struct fetch_cfg *c, const char *url,
	    const char *json, size_t len, long *dropped, char **why);

#endif
