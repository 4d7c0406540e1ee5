/*
 * fetch.c - run mailprov-fetch for desired states and reports.
 *
 * Contract: see fetch.h.
 */
#include "fetch.h"
#include "desired.h"
#include "digest.h"
#include "fileio.h"
#include "msg.h"
#include "paths.h"
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>


/* helper_args - argv for mailprov-fetch: verb, positional, then options. */
static void
helper_args(const struct fetch_cfg *c, struct strlist *a)
{
	if (c->ca_file)
		strlist_push(a, "--ca-file"), strlist_push(a, c->ca_file);
	if (c->ca_path)
		strlist_push(a, "--ca-path"), strlist_push(a, c->ca_path);
	if (c->cert)
		strlist_push(a, "--cert"), strlist_push(a, c->cert);
	if (c->key)
		strlist_push(a, "--key"), strlist_push(a, c->key);
	if (c->insecure)
		strlist_push(a, "--insecure");
	if (c->retries >= 0) {
		strlist_push(a, "--retries");
		strlist_take(a, xasprintf("%d", c->retries));
	}
	if (c->timeout > 0) {
		strlist_push(a, "--timeout");
		strlist_take(a, xasprintf("%d", c->timeout));
	}
}

/* run_helper - status of the helper (-1 if it could not run), *msg its
 * last stderr line. */
/* say_lines - the helper's progress lines, one msg_info each. */
static void
say_lines(const char *s, size_t n)
{
	const char *end = s + n, *nl;

	for (; s < end; s = nl + 1) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		if (nl > s)
			msg_info("%.*s", (int)(nl - s), s);
	}
}

static int
run_helper(const struct fetch_cfg *c, struct strlist *a, char **msg)
{
	struct proc_result r;
	int st;
	char *p;

	strlist_take(a, NULL);	/* argv end */
	if (proc_run(a->v, NULL, 0, DEF_FETCH_TIMEOUT_MS, &r) < 0) {
		*msg = xasprintf("cannot run %s: %s", c->helper, strerror(errno));
		a->n--;
		return -1;
	}
	a->n--;
	/*
	 * The last line it printed says what went wrong; the others are
	 * progress (retries), said as they are.
	 */
	while (r.err.len > 0 && r.err.s[r.err.len - 1] == '\n')
		r.err.s[--r.err.len] = '\0';
	p = strrchr(r.err.s, '\n');
	*msg = xstrdup(p ? p + 1 : r.err.s);
	if (p != NULL)
		say_lines(r.err.s, (size_t)(p - r.err.s));
	else if (r.status == 0 && r.err.len > 0)
		say_lines(r.err.s, r.err.len);
	st = r.timed_out ? 1 : r.status;
	proc_result_free(&r);
	return st;
}

/* fetch_paths - the files of a fetch, under the state directory. */
struct fetch_paths {
	char	*good;	/* fetched.yaml: the last good state */
	char	*tmp;	/* .fetched.new: the body, unchecked */
	char	*state;	/* fetched.state: the good one's validators */
};

/*
 * take_body - check the fetched body and keep it as the last good state:
 * FETCH_NEW or FETCH_SAME, or FETCH_KEPT with *why when it is refused or
 * cannot be kept.
 */
static enum fetch_outcome
take_body(const struct fetch_cfg *c, const char *url,
    const struct fetch_paths *f, char **why)
{
	char *buf = NULL, *old = NULL, hex[65];
	enum fetch_outcome out = FETCH_KEPT;
	size_t len, olen;
	struct diags d;
	struct desired *ds;

	if (fileio_read(f->tmp, DESIRED_MAX_BYTES, FILEIO_NOFOLLOW, &buf,
	    &len) < 0) {
		*why = xasprintf("%s: %s", f->tmp, strerror(errno));
		return FETCH_KEPT;
	}
	unlink(f->tmp);
	if (c->sha256 != NULL) {
		digest_sha256_hex(buf, len, hex);
		if (strcasecmp(hex, c->sha256) != 0) {
			*why = xasprintf("%s: sha256 %s, not the pinned %s",
			    url, hex, c->sha256);
			/* Do not let a 304 vouch for it. */
			unlink(f->state);
			goto done;
		}
	}
	diags_init(&d, url);
	ds = desired_load_buffer(buf, len, &d);
	if (ds == NULL) {
		*why = d.n ? diags_format(&d, 0) : xstrdup("invalid");
		diags_free(&d);
		/* The next fetch must not be conditional. */
		unlink(f->state);
		goto done;
	}
	desired_free(ds);
	diags_free(&d);
	if (fileio_read(f->good, DESIRED_MAX_BYTES, FILEIO_NOFOLLOW, &old,
	    &olen) == 0 && olen == len && memcmp(old, buf, len) == 0)
		out = FETCH_SAME;
	else if (fileio_replace(f->good, buf, len, NULL) < 0)
		*why = xasprintf("%s: %s", f->good, strerror(errno));
	else
		out = FETCH_NEW;
done:
	free(buf), free(old);
	return out;
}

/*
 * use_good - *path to the last good state.  After a failure (FETCH_KEPT)
 * FETCH_NONE if there is none; after a success FETCH_NONE, with *why, if
 * it has gone.
 */
static enum fetch_outcome
use_good(const char *url, const struct fetch_paths *f,
    enum fetch_outcome out, char **path, char **why)
{
	if (access(f->good, R_OK) != 0) {
		if (out == FETCH_KEPT)
			return FETCH_NONE;
		/* 304 for a state we no longer have: ask again in full. */
		unlink(f->state);
		*why = xasprintf("%s: not modified, but %s is gone", url,
		    f->good);
		return FETCH_NONE;
	}
	*path = xstrdup(f->good);
	return out;
}

enum fetch_outcome
fetch_desired(const struct fetch_cfg *c, const char *url, char **path,
    char **why)
{
	struct strlist a = { 0 };
	struct fetch_paths f;
	char *msg = NULL;
	enum fetch_outcome out;
	int st;

	*path = NULL;
	*why = NULL;
	f.good = xasprintf("%s/%s", c->state_dir, STATE_FETCHED);
	f.tmp = xasprintf("%s/%s", c->state_dir, STATE_FETCH_TMP);
	f.state = xasprintf("%s/%s", c->state_dir, STATE_FETCH_STATE);
	fileio_mkdirs(c->state_dir, 0700);
	strlist_push(&a, c->helper);
	strlist_push(&a, "get");
	strlist_push(&a, url);
	strlist_push(&a, f.tmp);
	strlist_push(&a, f.state);
	helper_args(c, &a);
	st = run_helper(c, &a, &msg);
	strlist_clear(&a);
	if (st == 3)
		out = FETCH_SAME;
	else if (st != 0) {
		*why = msg;
		msg = NULL;
		out = FETCH_KEPT;
	} else
		out = take_body(c, url, &f, why);
	out = use_good(url, &f, out, path, why);
	unlink(f.tmp);
	free(msg);
	free(f.good), free(f.tmp), free(f.state);
	return out;
}

/* queue_names - the queued reports, oldest first. */
static void
queue_names(const char *dir, struct strlist *l)
{
	struct dirent *de;
	DIR *dp = opendir(dir);
	size_t i, j;

	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL)
		if (strspn(de->d_name, "0123456789") == 20 &&
		    strcmp(de->d_name + 20, ".json") == 0)
			strlist_push(l, de->d_name);
	closedir(dp);
	for (i = 1; i < l->n; i++)	/* few names: insertion sort */
		for (j = i; j > 0 && strcmp(l->v[j - 1], l->v[j]) > 0; j--) {
			char *t = l->v[j];

			l->v[j] = l->v[j - 1];
			l->v[j - 1] = t;
		}
}

/* post - one file to url: 0 sent. */
static int
post(const struct fetch_cfg *c, const char *url, const char *file,
    char **why)
{
	struct strlist a = { 0 };
	char *msg = NULL;
	int st;

	strlist_push(&a, c->helper);
	strlist_push(&a, "post");
	strlist_push(&a, url);
	strlist_push(&a, file);
	helper_args(c, &a);
	st = run_helper(c, &a, &msg);
	strlist_clear(&a);
	if (st == 0) {
		free(msg);
		return 0;
	}
	free(*why);
	*why = msg;
	return -1;
}

int
fetch_report(const struct fetch_cfg *c, const char *url, const char *json,
    size_t len, long *dropped, char **why)
{
	struct strlist q = { 0 };
	char *dir = xasprintf("%s/%s", c->state_dir, STATE_REPORTS), *f;
	static unsigned long seq;
	size_t i;
	int rc = 0;

	*why = NULL;
	fileio_mkdirs(dir, 0700);
	/* Queue this one first: a crash during sending loses nothing. */
	/* Seconds, pid, sequence: in order, and unique across processes. */
	f = xasprintf("%s/%010ld%07ld%03lu.json", dir, (long)time(NULL),
	    (long)getpid() % 10000000, seq++ % 1000);
	fileio_replace(f, json, len, NULL);
	free(f);
	queue_names(dir, &q);
	for (i = 0; i + FETCH_REPORT_QUEUE_MAX < q.n; i++) {
		f = xasprintf("%s/%s", dir, q.v[i]);
		unlink(f);
		free(f);
		(*dropped)++;
	}
	for (; i < q.n; i++) {
		f = xasprintf("%s/%s", dir, q.v[i]);
		if (post(c, url, f, why) < 0) {
			free(f);
			rc = -1;
			break;	/* keep the order: the rest waits too */
		}
		unlink(f);
		free(f);
	}
	strlist_clear(&q);
	free(dir);
	return rc;
}
