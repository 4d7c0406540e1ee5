/*
 * status.c - the status document, the lssrc -l lines, the reader.
 *
 * Contract: see status.h.
 */
#include "status.h"
#include "plan.h"
#include "smcaps.h"
#include "diag.h"
#include "fileio.h"
#include "version.h"
#include "yamltree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* iso - t as local ISO 8601, or "never" for 0. */
static void
iso(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (t == 0 || localtime_r(&t, &tm) == NULL)
		snprintf(buf, n, "never");
	else
		(void)strftime(buf, n, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

void
status_run_reset(struct status_run *last, const char *reason)
{
	status_run_free(last);
	last->reason = reason;
	last->start = time(NULL);
	snprintf(last->outcome, sizeof(last->outcome), "running");
}

void
status_run_free(struct status_run *last)
{
	strlist_clear(&last->files_changed);
	strlist_clear(&last->src_actions);
	strlist_clear(&last->notes);
	strlist_clear(&last->backups);
	free(last->error);
	free(last->diff);
	memset(last, 0, sizeof(*last));
}

void
status_free(struct status *st)
{
	strlist_clear(&st->last_drift_files);
}

/* bounded_diff - p's diff, cut at a line before STATUS_DIFF_MAX. */
static void
bounded_diff(struct status_run *r, const struct plan *p)
{
	struct sbuf d = { 0 };
	size_t cut;

	plan_diff(p, &d);
	if (d.len > STATUS_DIFF_MAX) {
		cut = STATUS_DIFF_MAX;
		while (cut > 0 && d.s[cut - 1] != '\n')
			cut--;
		d.len = cut;
		d.s[cut] = '\0';
		sbuf_addf(&d, "# diff truncated at %d KiB\n",
		    STATUS_DIFF_MAX / 1024);
		r->diff_truncated = 1;
	}
	free(r->diff);
	r->diff = d.len > 0 ? d.s : NULL;
	if (r->diff == NULL)
		sbuf_free(&d);
}

void
status_from_plan(struct status_run *r, const struct plan *p,
    const struct desired *ds, int planned)
{
	size_t i;

	strlist_clear(&r->files_changed);
	strlist_clear(&r->src_actions);
	strlist_clear(&r->notes);
	strlist_clear(&r->backups);
	if (planned) {
		for (i = 0; i < PLAN_NFILES; i++)
			if (p->f[i].changed)
				strlist_push(&r->files_changed, p->f[i].label);
		if (p->link.changed)
			strlist_push(&r->files_changed, p->link.label);
		if (ds != NULL)
			plan_actions(p, ds, &r->src_actions);
	} else {
		plan_changed_files(p, &r->files_changed);
		for (i = 0; i < p->src_done.n; i++)
			strlist_push(&r->src_actions, p->src_done.v[i]);
		for (i = 0; i < PLAN_NFILES; i++)
			if (p->f[i].replaced && p->f[i].backup != NULL)
				strlist_push(&r->backups, p->f[i].backup);
	}
	for (i = 0; i < p->warnings.n; i++)
		strlist_take(&r->notes, xasprintf("warning: %s",
		    p->warnings.v[i]));
	for (i = 0; i < p->notes.n; i++)
		strlist_take(&r->notes, xasprintf("note: %s", p->notes.v[i]));
	bounded_diff(r, p);
}

/* field - ",\n  "name": "value"" at the given indent. */
static void
field(struct sbuf *b, const char *indent, const char *name, const char *v,
    int first)
{
	sbuf_addf(b, "%s\n%s\"%s\": ", first ? "" : ",", indent, name);
	sbuf_json_str(b, v != NULL ? v : "");
}

/* last_run_json - the "last_run" object. */
static void
last_run_json(const struct status_run *r, struct sbuf *b)
{
	char t[40];

	sbuf_adds(b, ",\n  \"last_run\": {");
	field(b, "    ", "reason", r->reason, 1);
	iso(r->start, t, sizeof(t));
	field(b, "    ", "start", t, 0);
	iso(r->end, t, sizeof(t));
	field(b, "    ", "end", t, 0);
	field(b, "    ", "outcome", r->outcome, 0);
	sbuf_adds(b, ",\n    \"files_changed\": ");
	sbuf_json_list(b, &r->files_changed);
	sbuf_adds(b, ",\n    \"src_actions\": ");
	sbuf_json_list(b, &r->src_actions);
	field(b, "    ", "error", r->error, 0);
	sbuf_addf(b, ",\n    \"drift\": %s", r->drift ? "true" : "false");
	field(b, "    ", "diff", r->diff, 0);
	sbuf_addf(b, ",\n    \"diff_truncated\": %s", r->diff_truncated ?
	    "true" : "false");
	sbuf_adds(b, ",\n    \"notes\": ");
	sbuf_json_list(b, &r->notes);
	sbuf_adds(b, ",\n    \"backups\": ");
	sbuf_json_list(b, &r->backups);
	sbuf_adds(b, "\n  }");
}

void
status_sendmail(struct status *st, const struct smcaps *c, int tls,
    long cert_days)
{
	struct sbuf b = { 0 };

	st->sendmail[0] = '\0';
	if (c != NULL) {
		smcaps_describe(c, &b);
		snprintf(st->sendmail, sizeof(st->sendmail), "%s", b.s);
		sbuf_free(&b);
	}
	st->have_cert = tls;
	st->cert_days = cert_days;
}

/* watched_json - the watched files and the quick checks. */
static void
watched_json(const struct status *st, struct sbuf *b)
{
	static const struct strlist none;

	sbuf_adds(b, ",\n  \"watched_files\": ");
	sbuf_json_list(b, st->watched ? st->watched : &none);
	sbuf_addf(b, ",\n  \"quick_checks\": %ld", st->quick);
}

void
status_json(const struct status *st, struct sbuf *b)
{
	char host[256], t[40], pid[24];

	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	sbuf_adds(b, "{");
	field(b, "  ", "host", host, 1);
	field(b, "  ", "program", st->program, 0);
	field(b, "  ", "version", MAILPROV_VERSION, 0);
	sbuf_addf(b, ",\n  \"pid\": %s", pid);
	field(b, "  ", "root", st->root, 0);
	iso(st->started, t, sizeof(t));
	field(b, "  ", "started", t, 0);
	field(b, "  ", "desired", st->desired, 0);
	field(b, "  ", "source", st->source, 0);
	field(b, "  ", "desired_sha256", st->sha, 0);
	last_run_json(&st->last, b);
	field(b, "  ", "mode", st->mode ? st->mode : "enforce", 0);
	sbuf_addf(b, ",\n  \"runs\": %ld,\n  \"drift_repairs\": %ld,\n"
	    "  \"intent_changes\": %ld,\n  \"drift_found\": %ld,\n"
	    "  \"failures\": %ld,\n"
	    "  \"incoming_accepted\": %ld,\n  \"incoming_rejected\": %ld",
	    st->runs, st->drift, st->intent, st->drift_found, st->failures,
	    st->accepted, st->rejected);
	iso(st->last_drift, t, sizeof(t));
	sbuf_adds(b, ",\n  \"last_drift\": {");
	field(b, "    ", "time", t, 1);
	sbuf_adds(b, ",\n    \"files\": ");
	sbuf_json_list(b, &st->last_drift_files);
	sbuf_adds(b, "\n  }");
	field(b, "  ", "watch", st->watch, 0);
	watched_json(st, b);
	iso(st->next_run, t, sizeof(t));
	field(b, "  ", "next_run", t, 0);
	field(b, "  ", "sendmail", st->sendmail, 0);
	if (st->have_cert)
		sbuf_addf(b, ",\n  \"tls_cert_days\": %ld", st->cert_days);
	else
		sbuf_adds(b, ",\n  \"tls_cert_days\": null");
	sbuf_adds(b, "\n}\n");
}

/*
 * push_fact - "Name value" for the long status.  lssrc -l shows a word of
 * at most 29 characters and a text of at most 64 per line (one statcode
 * entry): longer values go on in lines that start with a blank.  A line
 * ends before a blank where one is in reach (the blank begins the next
 * line, after the marker), so words stay whole; dropping the one marker
 * blank of each continuation line and joining gives the value back.
 */
static void
push_fact(struct strlist *l, const char *name, const char *value)
{
	size_t n = strlen(value), at = 0, k, lim, p;
	int first = 1;

	do {
		lim = first ? 64 : 63;
		k = n - at > lim ? lim : n - at;
		if (at + k < n && value[at + k] != ' ') {
			for (p = at + k; p > at + 1 && value[p - 1] != ' '; p--)
				;
			if (p > at + 1)
				k = p - 1 - at;
		}
		if (first)
			strlist_take(l, xasprintf("%s %.*s", name, (int)k,
			    value + at));
		else
			strlist_take(l, xasprintf(" %.*s", (int)k, value + at));
		at += k;
		first = 0;
	} while (at < n);
}

/* push_list - a list as one fact, "none" when empty. */
static void
push_list(struct strlist *l, const char *name, const struct strlist *v,
    const char *sep)
{
	struct sbuf s = { 0 };
	size_t i;

	for (i = 0; i < v->n; i++)
		sbuf_addf(&s, "%s%s", i ? sep : "", v->v[i]);
	push_fact(l, name, s.len ? s.s : "none");
	sbuf_free(&s);
}

void
status_lines(const struct status *st, struct strlist *l)
{
	const struct status_run *r = &st->last;
	char t[40], buf[600];

	strlist_push(l, " Subsystem         Group            PID          "
	    "Status");
	snprintf(buf, sizeof(buf), " %-17s %-16s %-12ld %s", st->program, "",
	    (long)getpid(), "active");
	strlist_push(l, buf);
	push_fact(l, "Desired:", st->desired);
	push_fact(l, "sha256:", *st->sha ? st->sha : "(none)");
	iso(r->start, t, sizeof(t));
	snprintf(buf, sizeof(buf), "%s (%s)", t, r->reason ? r->reason :
	    "none yet");
	push_fact(l, "Last-run:", buf);
	iso(r->end, t, sizeof(t));
	push_fact(l, "Ended:", t);
	push_fact(l, "Outcome:", r->outcome);
	push_list(l, "Files-changed:", &r->files_changed, ", ");
	push_list(l, "SRC-actions:", &r->src_actions, "; ");
	snprintf(buf, sizeof(buf), "%ld (drift repairs %ld, new-intent changes "
	    "%ld, failures %ld)", st->runs, st->drift, st->intent,
	    st->failures);
	push_fact(l, "Runs:", buf);
	snprintf(buf, sizeof(buf), "accepted %ld, rejected %ld (watch: %s)",
	    st->accepted, st->rejected, st->watch);
	push_fact(l, "Incoming:", buf);
	push_fact(l, "Incoming-dir:", st->incoming ? st->incoming : "none");
	if (st->watched != NULL)
		push_list(l, "Watched:", st->watched, ", ");
	snprintf(buf, sizeof(buf), "%ld (nothing changed: not read, not "
	    "planned)", st->quick);
	push_fact(l, "Quick-checks:", buf);
	iso(st->next_run, t, sizeof(t));
	push_fact(l, "Next-run:", t);
	push_fact(l, "Last-error:", r->error ? r->error : "none");
	push_fact(l, "Mode:", st->mode ? st->mode : "enforce");
	iso(st->last_drift, t, sizeof(t));
	snprintf(buf, sizeof(buf), "%s (found %ld in audit, repaired %ld)",
	    t, st->drift_found, st->drift);
	push_fact(l, "Last-drift:", buf);
	push_list(l, "Drift-files:", &st->last_drift_files, ", ");
	push_fact(l, "Sendmail:", *st->sendmail ? st->sendmail : "not asked");
	if (st->have_cert)
		snprintf(buf, sizeof(buf), "%ld days left%s", st->cert_days,
		    st->cert_days < 30 ? " (renew it)" : "");
	push_fact(l, "TLS-cert:", st->have_cert ? buf : "not managed");
	push_fact(l, "Status-file:", st->write_error ? st->write_error :
	    "written");
	push_fact(l, "Trace:", st->trace ? "on" : "off");
}

/* jget - the scalar text of key in the mapping m (a.b for nested), or "". */
static const char *
jget(const struct ynode *m, const char *key, struct sbuf *list)
{
	const char *dot = strchr(key, '.');
	size_t i, j, kl = dot ? (size_t)(dot - key) : strlen(key);

	for (i = 0; m != NULL && m->kind == YN_MAP && i + 1 < m->n; i += 2) {
		const struct ynode *k = m->items[i], *v = m->items[i + 1];

		if (k->kind != YN_SCALAR || strlen(k->str) != kl ||
		    strncmp(k->str, key, kl) != 0)
			continue;
		if (dot != NULL)
			return jget(v, dot + 1, list);
		if (v->kind == YN_SCALAR)
			return v->str;
		if (v->kind != YN_SEQ)
			break;
		list->len = 0;
		sbuf_add(list, "", 0);
		for (j = 0; j < v->n; j++)
			if (v->items[j]->kind == YN_SCALAR)
				sbuf_addf(list, "%s%s", j ? "; " : "",
				    v->items[j]->str);
		return list->len ? list->s : "none";
	}
	return "";
}

/* show - the document j for an admin. */
static void
show(const struct ynode *j, FILE *out)
{
	struct sbuf l = { 0 };
	const char *err, *days;
	int known;

#define J(k)	jget(j, (k), &l)
	fprintf(out, "%s on %s (version %s, pid %s, started %s)\n",
	    *J("program") ? J("program") : "mailprovd", J("host"),
	    J("version"), J("pid"), J("started"));
	fprintf(out, "  desired state:  %s\n", J("desired"));
	fprintf(out, "  sha256:         %s\n", J("desired_sha256"));
	fprintf(out, "  last run:       %s", J("last_run.start"));
	fprintf(out, " to %s", J("last_run.end"));
	fprintf(out, " (%s)\n", J("last_run.reason"));
	fprintf(out, "  outcome:        %s\n", J("last_run.outcome"));
	fprintf(out, "  files changed:  %s\n", J("last_run.files_changed"));
	fprintf(out, "  SRC actions:    %s\n", J("last_run.src_actions"));
	fprintf(out, "  runs:           %s", J("runs"));
	fprintf(out, " (drift repairs %s", J("drift_repairs"));
	fprintf(out, ", new-intent changes %s", J("intent_changes"));
	fprintf(out, ", failures %s)\n", J("failures"));
	fprintf(out, "  incoming:       accepted %s", J("incoming_accepted"));
	fprintf(out, ", rejected %s", J("incoming_rejected"));
	fprintf(out, " (watch: %s)\n", J("watch"));
	fprintf(out, "  watched files:  %s\n", *J("watched_files") ?
	    J("watched_files") : "none");
	fprintf(out, "  quick checks:   %s\n", *J("quick_checks") ?
	    J("quick_checks") : "0");
	fprintf(out, "  next run:       %s\n", J("next_run"));
	err = J("last_run.error");
	fprintf(out, "  last error:     %s\n", *err ? err : "none");
	fprintf(out, "  sendmail:       %s\n", *J("sendmail") ? J("sendmail") :
	    "not asked");
	fprintf(out, "  mode:           %s\n", *J("mode") ? J("mode") :
	    "enforce");
	fprintf(out, "  last drift:     %s", J("last_drift.time"));
	fprintf(out, " (%s)\n", J("last_drift.files"));
	days = J("tls_cert_days");
	known = *days != '\0' && strcmp(days, "null") != 0;
	fprintf(out, "  TLS cert:       %s%s\n", known ? days : "not managed",
	    known ? " days left" : "");
	if (*J("last_run.diff") != '\0')
		fprintf(out, "  last run's diff (current -> desired):\n%s",
		    J("last_run.diff"));
#undef J
	sbuf_free(&l);
}

int
status_show(const char *path, FILE *out)
{
	static const struct ytree_limits lim = { 1 << 20, 100000, 8 };
	struct sbuf l = { 0 };
	struct diags d;
	struct ynode *j;
	const char *oc;
	char *buf;
	size_t len;
	int r;

	if (fileio_read(path, lim.max_bytes, FILEIO_NOFOLLOW, &buf, &len) < 0) {
		fprintf(stderr, "mailprov: %s: %s (has mailprovd run?)\n", path,
		    strerror(errno));
		return 1;
	}
	diags_init(&d, path);
	j = ytree_parse(buf, len, &lim, &d);
	free(buf);
	diags_free(&d);
	if (j == NULL || j->kind != YN_MAP) {
		fprintf(stderr, "mailprov: %s: not a status file\n", path);
		ynode_free(j);
		return 1;
	}
	show(j, out);
	oc = jget(j, "last_run.outcome", &l);
	r = strcmp(oc, "changed") == 0 || strcmp(oc, "converged") == 0 ||
	    strcmp(oc, "drift") == 0 ? 0 : 1;
	ynode_free(j);
	sbuf_free(&l);
	return r;
}
