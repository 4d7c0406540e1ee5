/*
 * restore.c - a generation's bytes and desired state, through apply.
 *
 * Contract: see restore.h.  The policy (what is reinstated, what is
 * refused) is in choose_desired(); the transaction is apply.c's.
 */
#include "restore.h"
#include "dconf.h"
#include "fileio.h"
#include "msg.h"
#include "paths.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* load_conf - mailprovd.conf (its defaults when there is none). */
static struct dconf *
load_conf(const struct restore_opts *o, char **why)
{
	struct diags d;
	struct dconf *c;

	diags_init(&d, o->conf);
	if ((c = dconf_load_file(o->conf, !o->conf_given, DCONF_MOCK,
	    &d)) == NULL) {
		char *e = d.n ? diags_format(&d, 0) : xstrdup(o->conf);

		seterr(why, "%s (it says how mailprovd takes its desired "
		    "state)", e);
		free(e);
	}
	diags_free(&d);
	return c;
}

/* load_kept - the desired state sha from the store, into r. */
static int
load_kept(const char *state_dir, const char *sha, struct restore *r,
    char **why)
{
	struct diags d;

	if (history_bytes(state_dir, sha, &r->ds_buf, &r->ds_len, why) < 0)
		return -1;
	r->ds_kept = history_object(state_dir, sha);
	diags_init(&d, "the kept desired state");
	if ((r->ds = desired_load_buffer(r->ds_buf, r->ds_len, &d)) == NULL) {
		char *e = d.n ? diags_format(&d, 0) : xstrdup("invalid");

		seterr(why, "%s: this mailprov no longer accepts it", e);
		free(e);
	}
	diags_free(&d);
	return r->ds == NULL ? -1 : 0;
}

/* refuse - the restore would be undone by mailprovd's next run. */
static int
refuse(const struct restore *r, const struct dconf *c,
    const struct restore_opts *o, char **why)
{
	if (c->source.v != NULL)
		return seterr(why, "mailprovd takes its desired state from "
		    "%s: its next run would undo this restore; change the "
		    "source, or set mode: audit in %s, first; nothing was "
		    "changed", c->source.v, o->conf);
	return seterr(why, "no desired state is kept for the state %s "
	    "generation %s (the files then were not mailprov's), so "
	    "mailprovd's next run would undo this restore; set mode: audit "
	    "in %s first; nothing was changed", o->before ? "before" :
	    "after", r->g.id, o->conf);
}

/* same_path - a and root + b name one file (or both do not exist). */
static int
same_path(const char *a, const char *root, const char *b)
{
	char *full = xasprintf("%s%s", root, b);
	struct stat sa, sb;
	int same;

	if (stat(a, &sa) == 0 && stat(full, &sb) == 0)
		same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	else
		same = strcmp(a, full) == 0;
	free(full);
	return same;
}

/* choose_desired - what the restore puts in force (see restore.h). */
static int
choose_desired(const struct restore_opts *o, struct restore *r, char **why)
{
	const char *sha = o->before ? r->g.desired_before : r->g.desired;
	int known = strcmp(sha, HISTORY_NONE) != 0, audit;
	struct dconf *c = load_conf(o, why);
	struct diags d;

	if (c == NULL)
		return -1;
	audit = c->mode.v == DCONF_AUDIT;
	if ((c->source.v != NULL || !known) && !audit) {
		refuse(r, c, o, why);
		dconf_free(c);
		return -1;
	}
	r->desired_path = o->desired ? xstrdup(o->desired) :
	    xasprintf("%s%s", o->root, c->desired.v);
	r->history_path = xasprintf("%s/%s", o->state_dir, STATE_HISTORY);
	r->inst.desired = r->desired_path;
	r->inst.history = r->history_path;
	r->inst.keep = c->history.v;
	r->reinstate = known && c->source.v == NULL;
	r->audit = audit;
	if (!r->reinstate)
		r->note = xasprintf("mailprovd is in audit mode: %s is left "
		    "as it is, and mailprovd will report the restored files "
		    "as drift", c->source.v ? c->source.v : r->desired_path);
	else if (o->desired != NULL && !same_path(o->desired, o->root,
	    c->desired.v))
		r->note = xasprintf("%s is not the desired state %s names "
		    "(%s): where mailprovd runs, its next run puts that one "
		    "back; the restore holds only for runs with -f %s",
		    o->desired, o->conf, c->desired.v, o->desired);
	dconf_free(c);
	if (known)
		return load_kept(o->state_dir, sha, r, why);
	diags_init(&d, "(none)");
	r->ds = desired_load_buffer("version: 1\n", 11, &d);
	diags_free(&d);
	return 0;
}

int
restore_open(const struct restore_opts *o, struct restore *r, char **why)
{
	memset(r, 0, sizeof(*r));
	*why = NULL;
	if (history_load(o->state_dir, o->id, &r->g, why) < 0)
		return -1;
	r->restored = xasprintf("%s%s", r->g.id, o->before ? " --before" :
	    "");
	r->before = o->before;
	if (choose_desired(o, r, why) < 0)
		return -1;
	return history_target(o->state_dir, &r->g, o->before, &r->target,
	    why);
}

/* reinstate - the commit step: the desired state back in force. */
static int
reinstate(void *ctx, char **why)
{
	struct restore *r = ctx;
	const char *what = NULL;
	char *cur = NULL;
	size_t len = 0;
	int same;

	same = fileio_read(r->desired_path, DESIRED_MAX_BYTES,
	    FILEIO_NOFOLLOW, &cur, &len) == 0 && len == r->ds_len &&
	    memcmp(cur, r->ds_buf, len) == 0;
	free(cur);
	if (same)
		return 0;
	if (incoming_install(&r->inst, r->ds_buf, r->ds_len, &what) < 0)
		return seterr(why, "%s: %s: %s", what, r->desired_path,
		    strerror(errno));
	msg_info("reinstated the desired state of %s in %s", r->restored,
	    r->desired_path);
	return 0;
}

int
restore_holds(const struct restore *r, const struct apply_opts *ao,
    char **why)
{
	struct plan_env env;
	struct plan p;
	struct strlist files = { 0 };
	struct sbuf list = { 0 };
	char *e = NULL;
	size_t i;
	int rc = 0;

	if (!r->reinstate || r->audit)
		return 0;
	apply_plan_env(ao, &env);
	env.as_if = &r->target;
	if (plan_build(r->ds, &env, &p, &e) < 0)
		rc = seterr(why, "cannot tell whether the desired state of %s "
		    "keeps the restored files: %s; nothing was changed",
		    r->restored, e);
	else if (p.nchanged > 0) {
		for (i = 0; i < PLAN_NFILES; i++)
			if (p.f[i].changed)
				strlist_push(&files, p.f[i].label);
		for (i = 0; i < files.n; i++)
			sbuf_addf(&list, "%s%s", i ? ", " : "", files.v[i]);
		rc = seterr(why, "the desired state of %s, applied now, would "
		    "change %s again (those bytes are not what it makes from "
		    "this host today: %s), so mailprovd's next run would undo "
		    "this restore; set mode: audit in mailprovd.conf first, "
		    "or restore another generation; nothing was changed",
		    r->restored, list.s, r->before ? "a hand edit that run "
		    "repaired, or a file it reads that changed since, such "
		    "as auth.secret_file" : "a file it reads changed since, "
		    "such as auth.secret_file, or this mailprov edits "
		    "otherwise");
	}
	free(e);
	sbuf_free(&list);
	strlist_clear(&files);
	plan_free(&p);
	return rc;
}

int
restore_run(struct restore *r, struct apply_opts *ao, struct plan *p,
    char **why)
{
	if (r->note != NULL)
		msg_warn("%s", r->note);
	ao->target = &r->target;
	ao->restored = r->restored;
	/* The record keeps r->ds's bytes: the kept ones. */
	ao->commit = r->reinstate ? reinstate : NULL;
	ao->commit_ctx = r;
	ao->keep = r->ds->backups.keep.v;
	return apply_run(r->ds, ao, p, why);
}

void
restore_close(struct restore *r)
{
	history_gen_free(&r->g);
	plan_target_free(&r->target);
	desired_free(r->ds);
	free(r->ds_buf);
	free(r->ds_kept);
	free(r->desired_path);
	free(r->history_path);
	free(r->restored);
	free(r->note);
	memset(r, 0, sizeof(*r));
}
