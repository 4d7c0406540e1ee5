/*
 * mailprov - the command-line tool: validate, plan, apply, status, import.
 *
 * A thin main: the options come from one table (cliopt), the run options
 * from runopts, the work from the library (plan, apply, status, import).  Exit
 * codes: 0 success or converged, 1 error (nothing changed), 2 plan found
 * changes.  What the library says goes through msg: progress on stdout,
 * warnings and errors on stderr, each line "mailprov: ...".
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "cliopt.h"
#include "dconf.h"
#include "desired.h"
#include "diag.h"
#include "digest.h"
#include "fetch.h"
#include "fileio.h"
#include "import.h"
#include "history.h"
#include "msg.h"
#include "paths.h"
#include "plan.h"
#include "restore.h"
#include "runopts.h"
#include "status.h"
#include "util.h"
#include "version.h"

struct opts {
	const char	*file;		/* -f: taken as given */
	const char	*root;		/* --root: prefixes the managed paths */
	const char	*state_dir;	/* --state-dir: taken as given */
	const char	*conf;		/* --conf: mailprovd.conf, as given */
	const char	*sendmail;
	int		 validate;	/* --no-validate clears it */
	int		 lock_wait;	/* seconds */
	int		 timeout;	/* seconds, 0: defaults */
	const char	*src_backend;
	const char	*src_state;
	const char	*src_bindir;
	const char	*verify_port;	/* HOST:PORT|none */
	const char	*verify_bv;	/* yes|no */
	const char	*url;		/* the desired state from here */
	const char	*report_url;
	struct fetch_cfg fetch;		/* TLS options of both */
	int		 json;		/* --json: one document on stdout */
	const char	*output;	/* import -o: taken as given */
	int		 all_aliases;	/* import --all-aliases */
	int		 force;		/* import --force: replace -o FILE */
	const char	*id;		/* history ID, restore ID */
	int		 before;	/* restore --before */
	int		 dry_run;	/* restore --dry-run */
};

static const char *const backends[] = { "exec", "mock", NULL };
static const char *const yesno[] = { "yes", "no", NULL };

#define O(f)	offsetof(struct opts, f)
static const struct cliopt options[] = {
	{ .name = "--file", .alias = "-f", .kind = CLIOPT_STR, .off = O(file),
	    .metavar = "desired.yaml" },
	{ .name = "--root", .kind = CLIOPT_STR, .off = O(root),
	    .metavar = "DIR" },
	{ .name = "--state-dir", .kind = CLIOPT_STR, .off = O(state_dir),
	    .metavar = "DIR" },
	{ .name = "--conf", .kind = CLIOPT_STR, .off = O(conf),
	    .metavar = "mailprovd.conf" },
	{ .name = "--sendmail", .kind = CLIOPT_STR, .off = O(sendmail),
	    .metavar = "PATH" },
	{ .name = "--no-validate", .kind = CLIOPT_FLAG, .off = O(validate),
	    .value = 0 },
	{ .name = "--lock-wait", .kind = CLIOPT_SECONDS, .off = O(lock_wait),
	    .metavar = "SECONDS", .min = 0, .max = 9999 },
	{ .name = "--timeout", .kind = CLIOPT_SECONDS, .off = O(timeout),
	    .metavar = "SECONDS", .min = 1, .max = TIMEOUT_MAX_S },
	{ .name = "--src-backend", .kind = CLIOPT_CHOICE, .off = O(src_backend),
	    .metavar = "exec|mock", .choices = backends },
	{ .name = "--src-state", .kind = CLIOPT_STR, .off = O(src_state),
	    .metavar = "DIR" },
	{ .name = "--src-bindir", .kind = CLIOPT_STR, .off = O(src_bindir),
	    .metavar = "DIR" },
	{ .name = "--verify-port", .kind = CLIOPT_STR, .off = O(verify_port),
	    .metavar = "HOST:PORT|none" },
	{ .name = "--verify-bv", .kind = CLIOPT_CHOICE, .off = O(verify_bv),
	    .metavar = "yes|no", .choices = yesno },
	{ .name = "--url", .kind = CLIOPT_STR, .off = O(url),
	    .metavar = "URL" },
	{ .name = "--report-url", .kind = CLIOPT_STR, .off = O(report_url),
	    .metavar = "URL" },
	{ .name = "--ca-file", .kind = CLIOPT_STR, .off = O(fetch.ca_file),
	    .metavar = "F" },
	{ .name = "--ca-path", .kind = CLIOPT_STR, .off = O(fetch.ca_path),
	    .metavar = "D" },
	{ .name = "--cert", .kind = CLIOPT_STR, .off = O(fetch.cert),
	    .metavar = "F" },
	{ .name = "--key", .kind = CLIOPT_STR, .off = O(fetch.key),
	    .metavar = "F" },
	{ .name = "--sha256", .kind = CLIOPT_STR, .off = O(fetch.sha256),
	    .metavar = "HEX" },
	{ .name = "--insecure", .kind = CLIOPT_FLAG, .off = O(fetch.insecure),
	    .value = 1 },
	{ .name = "--json", .kind = CLIOPT_FLAG, .off = O(json), .value = 1 },
	{ .name = "--output", .alias = "-o", .kind = CLIOPT_STR,
	    .off = O(output), .metavar = "FILE" },
	{ .name = "--all-aliases", .kind = CLIOPT_FLAG, .off = O(all_aliases),
	    .value = 1 },
	{ .name = "--force", .kind = CLIOPT_FLAG, .off = O(force),
	    .value = 1 },
	{ .name = "--before", .kind = CLIOPT_FLAG, .off = O(before),
	    .value = 1 },
	{ .name = "--dry-run", .kind = CLIOPT_FLAG, .off = O(dry_run),
	    .value = 1 },
	{ .name = "--help", .alias = "-h", .kind = CLIOPT_HELP },
	{ .name = "--version", .kind = CLIOPT_VERSION },
	{ .name = NULL }
};

static const struct cliopt_prog prog = {
	.name = "mailprov", .version = MAILPROV_VERSION,
	.commands = "validate|plan|apply|status|import|history [ID]|"
	    "restore ID", .max_args = 2, .arg_off = O(id), .opts = options
};

/* One run of the tool: the options and what main worked out from them. */
struct cli {
	struct opts	 o;
	const char	*cmd;
	char		*root;		/* realpath of --root, or "" */
	char		*state_dir;
	char		*conf;		/* mailprovd.conf (--conf, or under
					   the root) */
	char		*helper;	/* mailprov-fetch */
	struct sbuf	 desired;	/* the file to read */
	char		*error;		/* --json: why the run failed */
};

/* summary - one line saying what the valid desired state manages. */
static void
summary(const char *path, const struct desired *ds)
{
	const struct desired_sendmail *sm = &ds->sendmail;
	const struct desired_service *sv = &ds->service;
	struct sbuf b = { 0 };

	sbuf_addf(&b, "%s: valid (version %d)", path, ds->version.v);
	if (sm->sect.set) {
		sbuf_addf(&b, "; %s", sm->config.v);
		if (sm->hostname.v != NULL)
			sbuf_addf(&b, ": host %s.%s", sm->hostname.v,
			    sm->domain.v);
		if (sm->smart_host.v != NULL)
			sbuf_addf(&b, ", smart host %s%s", *sm->smart_host.v ?
			    sm->smart_host.v : "(none)", sm->relay_all.v ?
			    " for all mail" : "");
		if (sm->accept_names.set)
			sbuf_addf(&b, ", %zu accepted names",
			    sm->accept_names.l.n);
		if (sm->relay_domains.set)
			sbuf_addf(&b, ", %zu relay domains",
			    sm->relay_domains.l.n);
		if (sm->aliases.sect.set)
			sbuf_addf(&b, ", %zu aliases (%s)", sm->aliases.n,
			    sm->aliases.mode.v == ALIASES_EXACT ? "exact" :
			    "merge");
	}
	if (sv->sect.set)
		sbuf_addf(&b, "; subsystem %s %s, args \"%s\"%s",
		    sv->subsystem.v, sv->state.v == SERVICE_RUNNING ?
		    "running" : "stopped", sv->args.v, sv->persist.v ?
		    ", persisted for boot" : "");
	printf("%s\n", b.s);
	sbuf_free(&b);
}

/*
 * load - the desired state, or NULL after printing its errors (with
 * --json, they are the document's error too).
 */
static struct desired *
load(struct cli *c)
{
	struct diags d;
	struct desired *ds;

	diags_init(&d, c->desired.s);
	ds = desired_load_file(c->desired.s, &d);
	diags_print(&d, stderr);
	if (ds == NULL && c->o.json) {
		free(c->error);
		c->error = d.n ? diags_format(&d, 0) : xstrdup("invalid");
	}
	diags_free(&d);
	return ds;
}

/* report - a run's error, at its desired-state key when it has one. */
static void
report(struct cli *c, const struct plan *p, const char *why)
{
	free(c->error);
	if (p->errpos.line > 0)
		c->error = xasprintf("%s:%u:%u: %s", c->desired.s,
		    p->errpos.line, p->errpos.col, why);
	else
		c->error = xasprintf("mailprov: %s: %s", c->cmd, why);
	fprintf(stderr, "%s\n", c->error);
}

/* open_run - the run options (keep: backups per file); -1 after a message. */
static int
open_run(const struct cli *c, int keep, struct runopts *ro)
{
	const struct opts *o = &c->o;
	struct runopts_in in;
	char *why = NULL;

	memset(&in, 0, sizeof(in));
	in.root = c->root;
	in.state_dir = c->state_dir;
	in.sendmail = o->sendmail;
	in.backend = o->src_backend;
	in.src_bindir = o->src_bindir;
	in.src_state = o->src_state;
	in.verify_port = o->verify_port;
	in.verify_bv = o->verify_bv ? strcmp(o->verify_bv, "yes") == 0 : -1;
	in.timeout_s = o->timeout;
	in.validate = o->validate;
	in.lock_wait = o->lock_wait;
	in.keep = keep;
	if (runopts_open(&in, ro, &why) == 0)
		return 0;
	fprintf(stderr, "mailprov: %s\n", why);
	free(why);
	return -1;
}

static int
cmd_validate(struct cli *c)
{
	struct desired *ds = load(c);

	if (ds == NULL)
		return 1;
	summary(c->desired.s, ds);
	desired_free(ds);
	return 0;
}

/* to_stderr - the --json sink: every line on stderr. */
static void
to_stderr(enum msg_level level, const char *text, void *ctx)
{
	(void)level;
	fprintf(stderr, "%s: %s\n", (const char *)ctx, text);
}

/* fetch_cfg_of - the helper beside this program, state in state_dir. */
static void
fetch_cfg_of(const struct cli *c, struct fetch_cfg *fc)
{
	*fc = c->o.fetch;
	fc->helper = c->helper;
	fc->state_dir = c->state_dir;
	fc->retries = -1;
}

/* send_report - the run as the status document, to --report-url. */
static void
send_report(const struct cli *c, const struct status *st)
{
	struct sbuf b = { 0 };
	struct fetch_cfg fc;
	char *why = NULL;
	long dropped = 0;

	status_json(st, &b);
	fetch_cfg_of(c, &fc);
	if (fetch_report(&fc, c->o.report_url, b.s, b.len, &dropped, &why) < 0)
		msg_warn("report to %s queued: %s", c->o.report_url, why ? why :
		    "failed");
	if (dropped > 0)
		msg_warn("report queue full: dropped %ld oldest", dropped);
	free(why);
	sbuf_free(&b);
}

/*
 * record - what this run did (apply) or would do (plan: planned), as the
 * status document; p may be NULL when nothing was planned.
 */
static void
record(struct cli *c, struct status *st, const struct plan *p,
    const struct desired *ds, int planned)
{
	char *buf;
	size_t len;
	int did;

	memset(st, 0, sizeof(*st));
	st->program = "mailprov";
	st->root = c->root;
	st->desired = c->desired.s;
	st->source = c->o.url ? c->o.url : c->desired.s;
	st->watch = "none";
	st->mode = planned ? "audit" : "enforce";
	if (fileio_read(c->desired.s, DESIRED_MAX_BYTES, FILEIO_NOFOLLOW, &buf,
	    &len) == 0) {
		digest_sha256_hex(buf, len, st->sha);
		free(buf);
	}
	st->last.reason = planned ? "plan" : "apply";
	if (p != NULL) {
		status_from_plan(&st->last, p, ds, planned);
		status_sendmail(st, p->have_caps ? &p->caps : NULL,
		    p->cert_known, p->cert_days);
	}
	did = st->last.files_changed.n || st->last.src_actions.n ||
	    (p != NULL && plan_pending(p));
	snprintf(st->last.outcome, sizeof(st->last.outcome), "%s",
	    c->error ? "failed" : !did ? (planned ? "no changes" :
	    "converged") : planned ? "changes planned" : "changed");
	st->last.error = c->error;
	c->error = NULL;
	st->runs = 1;
	st->failures = st->last.error != NULL;
	if (!planned && did && st->last.error == NULL)
		st->intent = 1;
}

/* finish_run - the document: to stdout (--json), to --report-url. */
static void
finish_run(struct cli *c, const struct plan *p, const struct desired *ds,
    int planned, time_t t0)
{
	struct status st;
	struct sbuf b = { 0 };

	if (!c->o.json && (planned || c->o.report_url == NULL))
		return;
	record(c, &st, p, ds, planned);
	st.started = st.last.start = t0;
	st.last.end = time(NULL);
	if (c->o.json) {
		status_json(&st, &b);
		fputs(b.s, stdout);
		sbuf_free(&b);
	}
	if (!planned && c->o.report_url != NULL)
		send_report(c, &st);
	status_run_free(&st.last);
	status_free(&st);
}

/* cmd_plan - diffs and actions; writes nothing.  0 none, 2 changes. */
static int
cmd_plan(struct cli *c)
{
	struct desired *ds = load(c);
	struct runopts ro;
	struct plan p;
	struct plan_env env;
	char *why = NULL;
	time_t t0 = time(NULL);
	size_t i;
	int r = 1;

	memset(&p, 0, sizeof(p));
	if (ds == NULL || open_run(c, ds->backups.keep.v, &ro) < 0) {
		finish_run(c, NULL, ds, 1, t0);
		desired_free(ds);
		return 1;
	}
	apply_plan_env(&ro.apply, &env);
	if (plan_build(ds, &env, &p, &why) < 0)
		report(c, &p, why);
	else if (!plan_pending(&p)) {
		for (i = 0; i < p.warnings.n && !c->o.json; i++)
			printf("warning: %s\n", p.warnings.v[i]);
		if (!c->o.json)
			printf("mailprov: no changes\n");
		r = 0;
	} else {
		if (!c->o.json)
			plan_print(&p, ds, stdout);
		r = 2;
	}
	finish_run(c, &p, ds, 1, t0);
	free(why);
	plan_free(&p);
	runopts_close(&ro);
	desired_free(ds);
	return r;
}

/* who - who a generation names: "mailprov CMD by USER (login NAME)". */
static char *
who(const char *cmd)
{
	struct passwd pw, *pwp = NULL;
	char buf[4096], login[256];
	struct sbuf b = { 0 };

	sbuf_addf(&b, "mailprov %s by ", cmd);
	if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &pwp) == 0 &&
	    pwp != NULL)
		sbuf_adds(&b, pw.pw_name);
	else
		sbuf_addf(&b, "uid %ld", (long)getuid());
	if (getlogin_r(login, sizeof(login)) == 0 && (pwp == NULL ||
	    strcmp(login, pw.pw_name) != 0))
		sbuf_addf(&b, " (login %s)", login);
	return b.s;
}

static int
cmd_apply(struct cli *c)
{
	struct desired *ds = load(c);
	struct runopts ro;
	struct plan p;
	char *why = NULL;
	time_t t0 = time(NULL);
	int r = 1;

	memset(&p, 0, sizeof(p));
	if (ds != NULL && open_run(c, ds->backups.keep.v, &ro) == 0) {
		char *w = who(c->cmd);

		ro.apply.who = w;
		if (apply_run(ds, &ro.apply, &p, &why) < 0)
			report(c, &p, why);
		else
			r = 0;
		free(w);
		runopts_close(&ro);
	}
	finish_run(c, ds != NULL ? &p : NULL, ds, 0, t0);
	free(why);
	plan_free(&p);
	desired_free(ds);
	return r;
}

/* cmd_history - the generations, newest first; with an ID its diffs. */
static int
cmd_history(struct cli *c)
{
	struct history_gen *v = NULL, g;
	struct sbuf d = { 0 };
	char *why = NULL;
	size_t n = 0, i;
	int r = 1;

	if (c->o.id == NULL && history_list(c->state_dir, &v, &n, &why) == 0) {
		history_print(v, n, c->o.json, stdout);
		r = 0;
	} else if (c->o.id != NULL && history_load(c->state_dir, c->o.id, &g,
	    &why) == 0) {
		history_print(&g, 1, c->o.json, stdout);
		if (!c->o.json && (r = history_diff(c->state_dir, &g, &d,
		    &why)) == 0)
			fputs(d.s, stdout);
		r = r < 0;
		history_gen_free(&g);
	}
	if (why != NULL)
		fprintf(stderr, "mailprov: history: %s\n", why);
	for (i = 0; i < n; i++)
		history_gen_free(&v[i]);
	free(v);
	sbuf_free(&d);
	free(why);
	return r;
}

/* restore_dry - what the restore would do, as plan says it; 0 or 2. */
static int
restore_dry(struct cli *c, const struct restore *rs, struct runopts *ro)
{
	struct plan_env env;
	struct plan p;
	char *why = NULL;
	int r = 1;

	apply_plan_env(&ro->apply, &env);
	if (plan_build_target(rs->ds, &env, &rs->target, &p, &why) < 0)
		report(c, &p, why);
	else {
		plan_print(&p, rs->ds, stdout);
		if (rs->reinstate)
			printf("action: reinstate the desired state of %s in "
			    "%s\n", rs->restored, rs->desired_path);
		if (rs->note != NULL)
			printf("note: %s\n", rs->note);
		r = plan_pending(&p) ? 2 : 0;
	}
	plan_free(&p);
	free(why);
	return r;
}

/* cmd_restore - a generation's files back, through apply. */
static int
cmd_restore(struct cli *c)
{
	struct restore_opts o;
	struct restore rs;
	struct runopts ro;
	struct plan p;
	char *why = NULL, *w = NULL;
	int r = 1;

	memset(&o, 0, sizeof(o));
	memset(&p, 0, sizeof(p));
	o.id = c->o.id;
	o.before = c->o.before;
	o.root = c->root;
	o.state_dir = c->state_dir;
	o.conf = c->conf;
	o.conf_given = c->o.conf != NULL;
	o.desired = c->o.file;
	if (o.id == NULL)
		why = xstrdup("which generation? (mailprov history lists "
		    "them)");
	else if (restore_open(&o, &rs, &why) == 0 &&
	    open_run(c, rs.ds->backups.keep.v, &ro) == 0) {
		if (restore_holds(&rs, &ro.apply, &why) < 0)
			r = 1;
		else if (c->o.dry_run)
			r = restore_dry(c, &rs, &ro);
		else {
			ro.apply.who = w = who(c->cmd);
			r = restore_run(&rs, &ro.apply, &p, &why) < 0;
		}
		runopts_close(&ro);
	}
	if (why != NULL)
		report(c, &p, why);
	if (o.id != NULL)
		restore_close(&rs);
	plan_free(&p);
	free(why), free(w);
	return r;
}

/*
 * write_output - the imported text into -o FILE, atomically: a new file
 * is private to its owner (0600), an existing one (--force) keeps its
 * owner and mode.
 */
static int
write_output(const char *path, const struct sbuf *b)
{
	struct stat st;
	int exists = lstat(path, &st) == 0;

	if (!exists) {
		memset(&st, 0, sizeof(st));
		st.st_uid = getuid();
		st.st_gid = getgid();
		st.st_mode = S_IFREG | 0600;
	}
	if (fileio_replace(path, b->s, b->len, exists ? NULL : &st) == -1) {
		fprintf(stderr, "mailprov: import: writing %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	printf("mailprov: wrote %s\n", path);
	return 0;
}

/*
 * cmd_import - the host as a desired state, on stdout or in -o FILE
 * (never replaced without --force).  Nothing on the host is written.
 */
static int
cmd_import(struct cli *c)
{
	struct import_opts io;
	struct runopts ro;
	struct sbuf out = { 0 };
	struct stat st;
	char *why = NULL;
	int r = 1;

	if (c->o.output != NULL && !c->o.force && lstat(c->o.output, &st) ==
	    0) {
		fprintf(stderr, "mailprov: import: %s exists; give --force to "
		    "replace it\n", c->o.output);
		return 1;
	}
	if (open_run(c, DEF_BACKUPS_KEEP, &ro) < 0)
		return 1;
	memset(&io, 0, sizeof(io));
	io.root = c->root;
	io.sendmail = c->o.sendmail;
	io.src = ro.apply.src;
	io.all_aliases = c->o.all_aliases;
	io.timeout_ms = c->o.timeout * 1000;
	if (import_host(&io, &out, &why) < 0)
		fprintf(stderr, "mailprov: import: %s\n", why);
	else if (c->o.output != NULL)
		r = write_output(c->o.output, &out) < 0;
	else
		r = fwrite(out.s, 1, out.len, stdout) != out.len ||
		    fflush(stdout) != 0;
	free(why);
	sbuf_free(&out);
	runopts_close(&ro);
	return r;
}

/*
 * fetch_url - the desired state from --url: the new one, or the last good
 * one with a warning; NULL (after a message) when there is none.
 */
static char *
fetch_url(const struct cli *c)
{
	struct fetch_cfg fc;
	char *path = NULL, *why = NULL;
	enum fetch_outcome out;

	if (c->o.fetch.insecure)
		msg_warn("WARNING: --insecure: TLS verification is off or "
		    "plain http is allowed");
	fetch_cfg_of(c, &fc);
	out = fetch_desired(&fc, c->o.url, &path, &why);
	if (out == FETCH_NEW)
		msg_info("fetched a new desired state from %s", c->o.url);
	else if (out == FETCH_SAME)
		msg_info("%s: not modified", c->o.url);
	else if (out == FETCH_KEPT)
		msg_warn("WARNING: %s; using the last good desired state %s",
		    why, path);
	else
		msg_error("%s; no desired state fetched before: nothing was "
		    "changed", why);
	free(why);
	return path;
}

/*
 * state_dir - --state-dir as given, else mailprovd.conf's state_dir under
 * the root (the defaults when there is no such file), so that the tool and
 * the daemon share one lock and one status; NULL after a message.
 */
static char *
state_dir(const struct cli *c)
{
	struct diags d;
	struct dconf *conf;
	char *path, *dir = NULL;
	size_t i;

	if (c->o.state_dir != NULL)
		return xstrdup(c->o.state_dir);
	path = c->conf;
	diags_init(&d, path);
	conf = dconf_load_file(path, c->o.conf == NULL, DCONF_MOCK, &d);
	if (conf != NULL)
		dir = xasprintf("%s%s", c->root, conf->state_dir.v);
	else
		for (i = 0; i < d.n; i++) {
			char *e = diags_format(&d, i);

			fprintf(stderr, "mailprov: %s: %s (the state directory "
			    "is named there: mend it or give --state-dir)\n",
			    c->cmd, e);
			free(e);
		}
	dconf_free(conf);
	diags_free(&d);
	return dir;
}

/* setup - the paths every command needs; -1 after a message. */
static int
setup(struct cli *c, const char *argv0)
{
	/* Child commands run elsewhere: give them absolute paths. */
	if (*c->o.root == '\0')
		c->root = xstrdup("");
	else if ((c->root = realpath(c->o.root, NULL)) == NULL) {
		fprintf(stderr, "mailprov: --root %s: %s\n", c->o.root,
		    strerror(errno));
		return -1;
	}
	c->conf = c->o.conf ? xstrdup(c->o.conf) : xasprintf("%s%s", c->root,
	    DEF_DAEMON_CONF);
	if ((c->state_dir = state_dir(c)) == NULL)
		return -1;
	c->helper = runopts_helper(argv0);
	if (c->o.file != NULL)
		sbuf_adds(&c->desired, c->o.file);
	else
		sbuf_addf(&c->desired, "%s%s", c->root, DEF_DESIRED);
	if (c->o.url != NULL && (strcmp(c->cmd, "plan") == 0 ||
	    strcmp(c->cmd, "apply") == 0)) {
		char *got = fetch_url(c);

		if (got == NULL)
			return -1;
		c->desired.len = 0;
		sbuf_adds(&c->desired, got);
		free(got);
	}
	return 0;
}

/* check_opts - what the table cannot check; -1 after a message. */
static int
check_opts(const struct opts *o)
{
	char *host = NULL;
	int port;

	if (o->verify_port != NULL && service_port_spec(o->verify_port, &host,
	    &port) < 0) {
		fprintf(stderr, "mailprov: --verify-port takes HOST:PORT or "
		    "none, not '%s'\n", o->verify_port);
		return -1;
	}
	free(host);
	return 0;
}

static const struct {
	const char	*name;
	int		(*run)(struct cli *);
} commands[] = {
	{ "validate", cmd_validate },
	{ "plan", cmd_plan },
	{ "apply", cmd_apply },
	{ "history", cmd_history },
	{ "restore", cmd_restore },
	{ "status", NULL },		/* below: it needs no desired state */
	{ "import", cmd_import },
	{ NULL, NULL }
};

int
main(int argc, char **argv)
{
	struct cli c;
	size_t i;
	int r = 1;

	memset(&c, 0, sizeof(c));
	c.o.root = "";
	c.o.validate = 1;
	c.o.lock_wait = DEF_LOCK_WAIT_S;
	c.o.fetch.retries = -1;
	/* A child that stops reading must not kill us (see proc.h). */
	(void)signal(SIGPIPE, SIG_IGN);
	msg_set_sink(msg_stdio_sink, (void *)(uintptr_t)"mailprov");
	switch (cliopt_parse(&prog, argc, argv, &c.o, &c.cmd)) {
	case CLIOPT_DONE:
		return 0;
	case CLIOPT_BAD:
		return 1;
	case CLIOPT_GO:
		break;
	}
	/* --json: stdout holds the document alone; progress goes to stderr. */
	if (c.o.json)
		msg_set_sink(to_stderr, (void *)(uintptr_t)"mailprov");
	if (c.o.json && strcmp(c.cmd, "plan") != 0 &&
	    strcmp(c.cmd, "apply") != 0 && strcmp(c.cmd, "history") != 0) {
		fprintf(stderr, "mailprov: --json is for plan, apply and "
		    "history\n");
		return 1;
	}
	if (c.o.id != NULL && strcmp(c.cmd, "history") != 0 &&
	    strcmp(c.cmd, "restore") != 0) {
		fprintf(stderr, "mailprov: unexpected argument '%s'\n", c.o.id);
		return 1;
	}
	for (i = 0; commands[i].name != NULL; i++)
		if (strcmp(c.cmd, commands[i].name) == 0)
			break;
	if (commands[i].name == NULL) {
		fprintf(stderr, "mailprov: unknown command '%s'\n", c.cmd);
		cliopt_usage(&prog, stderr);
	} else if (check_opts(&c.o) == 0 && setup(&c, argv[0]) == 0) {
		if (commands[i].run != NULL)
			r = commands[i].run(&c);
		else {
			char *path = xasprintf("%s/%s", c.state_dir,
			    STATE_STATUS);

			r = status_show(path, stdout);
			free(path);
		}
	}
	sbuf_free(&c.desired);
	free(c.root), free(c.state_dir), free(c.helper), free(c.error);
	free(c.conf);
	return r;
}
