/*
 * mailprov - the command-line tool: validate, plan, apply, status.
 *
 * A thin main: it parses the command line and maps each command to the
 * library.  Exit codes: 0 success or converged, 1 error (nothing
 * changed), 2 plan found changes.  Options are parsed by hand because
 * getopt_long is not in POSIX or AIX's libc.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "desired.h"
#include "diag.h"
#include "digest.h"
#include "fetch.h"
#include "fileio.h"
#include "yamltree.h"
#include "reconcile.h"
#include "service.h"
#include "src.h"
#include "util.h"
#include "version.h"

#define DEFAULT_DESIRED		"/etc/mailprov/desired.yaml"
#define DEFAULT_SENDMAIL	"/usr/sbin/sendmail"
#define LOCK_WAIT_S		30
#ifndef MAILPROV_FETCH_HELPER
#define MAILPROV_FETCH_HELPER	"/usr/sbin/mailprov-fetch"
#endif
#ifndef MAILPROV_SRC_DEFAULT
#define MAILPROV_SRC_DEFAULT	"mock"	/* the Makefile says exec on AIX */
#endif

struct opts {
	const char	*cmd;
	const char	*file;		/* -f: taken as given */
	const char	*root;		/* --root: prefixes the managed paths */
	const char	*sendmail;	/* --sendmail */
	int		 validate;	/* --no-validate clears it */
	int		 lock_wait;	/* --lock-wait seconds */
	int		 timeout;	/* --timeout seconds, 0: defaults */
	const char	*src_backend;	/* --src-backend exec|mock */
	const char	*src_state;	/* --src-state DIR */
	const char	*src_bindir;	/* --src-bindir DIR (exec) */
	const char	*verify_port;	/* --verify-port HOST:PORT|none */
	const char	*verify_bv;	/* --verify-bv yes|no */
	const char	*url;		/* --url: the desired state from here */
	const char	*report_url;	/* --report-url */
	struct fetch_cfg fetch;		/* TLS options of both */
	const char	*argv0;
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: mailprov validate|plan|apply|status "
	    "[-f desired.yaml] [--root DIR]\n"
	    "                [--sendmail PATH] [--no-validate] "
	    "[--lock-wait SECONDS]\n"
	    "                [--timeout SECONDS] "
	    "                [--src-backend exec|mock] [--src-state DIR] "
	    "[--src-bindir DIR]\n"
	    "                [--verify-port HOST:PORT|none] "
	    "[--verify-bv yes|no]\n"
	    "                [--url URL] [--report-url URL] [--ca-file F] "
	    "[--ca-path D]\n"
	    "                [--cert F] [--key F] [--sha256 HEX] "
	    "[--insecure]\n"
	    "       mailprov --version | --help\n");
}

/* parse_args - 0 to go on, or the exit code (+1) when done. */
static int
parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 1;
		}
		if (strcmp(a, "--version") == 0) {
			printf("mailprov %s\n", MAILPROV_VERSION);
			return 1;
		}
		if (strcmp(a, "--no-validate") == 0) {
			o->validate = 0;
			continue;
		}
		if (strcmp(a, "--insecure") == 0) {
			o->fetch.insecure = 1;
			continue;
		}
		if ((strcmp(a, "--url") == 0 || strcmp(a, "--report-url") == 0 ||
		    strcmp(a, "--ca-file") == 0 || strcmp(a, "--ca-path") == 0 ||
		    strcmp(a, "--cert") == 0 || strcmp(a, "--key") == 0 ||
		    strcmp(a, "--sha256") == 0) && i + 1 < argc) {
			const char *v = argv[++i];

			if (strcmp(a, "--url") == 0)
				o->url = v;
			else if (strcmp(a, "--report-url") == 0)
				o->report_url = v;
			else if (strcmp(a, "--ca-file") == 0)
				o->fetch.ca_file = v;
			else if (strcmp(a, "--ca-path") == 0)
				o->fetch.ca_path = v;
			else if (strcmp(a, "--cert") == 0)
				o->fetch.cert = v;
			else if (strcmp(a, "--key") == 0)
				o->fetch.key = v;
			else
				o->fetch.sha256 = v;
			continue;
		}
		if (strcmp(a, "-f") == 0 || strcmp(a, "--file") == 0 ||
		    strcmp(a, "--root") == 0 || strcmp(a, "--sendmail") == 0 ||
		    strcmp(a, "--lock-wait") == 0 || strcmp(a, "--timeout") == 0 ||
		    strncmp(a, "--src-", 6) ==
		    0 || strncmp(a, "--verify-", 9) == 0) {
			if (i + 1 == argc) {
				fprintf(stderr, "mailprov: %s needs a value\n",
				    a);
				return 2;
			}
			if (strcmp(a, "--src-backend") == 0)
				o->src_backend = argv[++i];
			else if (strcmp(a, "--src-state") == 0)
				o->src_state = argv[++i];
			else if (strcmp(a, "--src-bindir") == 0)
				o->src_bindir = argv[++i];
			else if (strcmp(a, "--verify-port") == 0)
				o->verify_port = argv[++i];
			else if (strcmp(a, "--verify-bv") == 0)
				o->verify_bv = argv[++i];
			else if (strncmp(a, "--src-", 6) == 0 ||
			    strncmp(a, "--verify-", 9) == 0) {
				fprintf(stderr, "mailprov: unknown option "
				    "'%s'\n", a);
				return 2;
			} else if (strcmp(a, "--root") == 0)
				o->root = argv[++i];
			else if (strcmp(a, "--sendmail") == 0)
				o->sendmail = argv[++i];
			else if (strcmp(a, "--lock-wait") == 0 ||
			    strcmp(a, "--timeout") == 0) {
				const char *v = argv[++i];
				int t = strcmp(a, "--timeout") == 0;

				if (strspn(v, "0123456789") != strlen(v) ||
				    strlen(v) == 0 || strlen(v) > 4 ||
				    (t && (atoi(v) < 1 || atoi(v) > 3600))) {
					fprintf(stderr, "mailprov: %s takes "
					    "seconds%s, not '%s'\n", a, t ?
					    " (1 to 3600)" : "", v);
					return 2;
				}
				*(t ? &o->timeout : &o->lock_wait) = atoi(v);
			}
			else
				o->file = argv[++i];
			continue;
		}
		if (a[0] == '-') {
			fprintf(stderr, "mailprov: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		}
		if (o->cmd != NULL) {
			fprintf(stderr, "mailprov: unexpected argument '%s'\n",
			    a);
			return 2;
		}
		o->cmd = a;
	}
	if (o->cmd == NULL) {
		usage(stderr);
		return 2;
	}
	return 0;
}

/* argv_root - the --root value as given, for messages. */
static const char *
argv_root(int argc, char **argv)
{
	int i;

	for (i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--root") == 0)
			return argv[i + 1];
	return "";
}

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

/* load - the desired state, or NULL after printing its errors. */
static struct desired *
load(const char *path)
{
	struct diags d;
	struct desired *ds;

	diags_init(&d, path);
	ds = desired_load_file(path, &d);
	diags_print(&d, stderr);
	diags_free(&d);
	return ds;
}

/* report - a reconcile error, at its desired-state key when it has one. */
static void
report(const char *cmd, const char *path, const struct rc_plan *p,
    const char *err)
{
	if (p->errpos.line > 0)
		fprintf(stderr, "%s:%u:%u: %s\n", path, p->errpos.line,
		    p->errpos.col, err);
	else
		fprintf(stderr, "mailprov: %s: %s\n", cmd, err);
}

static int
cmd_validate(const char *path)
{
	struct desired *ds = load(path);

	if (ds == NULL)
		return 1;
	summary(path, ds);
	desired_free(ds);
	return 0;
}

static char *verify_host;	/* the HOST of --verify-port, owned */

/* fetch_cfg_of - the helper next to this program, state under the root. */
static void
fetch_cfg_of(const struct opts *o, struct fetch_cfg *c, char **helper,
    char **state)
{
	const char *slash = strrchr(o->argv0, '/');

	*c = o->fetch;
	*helper = slash ? xasprintf("%.*s/mailprov-fetch", (int)(slash -
	    o->argv0), o->argv0) : xstrdup(MAILPROV_FETCH_HELPER);
	*state = xasprintf("%s/var/mailprov", o->root);
	c->helper = *helper;
	c->state_dir = *state;
}

/*
 * fetch_url - the desired state from --url: the new one, or the last good
 * one with a warning; NULL (after a message) when there is none.
 */
static char *
fetch_url(const struct opts *o)
{
	struct fetch_cfg c;
	char *helper, *state, *path = NULL, *why = NULL;
	enum fetch_outcome out;

	if (o->fetch.insecure)
		fprintf(stderr, "mailprov: WARNING: --insecure: TLS "
		    "verification is off or plain http is allowed\n");
	fetch_cfg_of(o, &c, &helper, &state);
	c.log = stderr;
	out = fetch_desired(&c, o->url, &path, &why);
	if (out == FETCH_NEW)
		printf("mailprov: fetched a new desired state from %s\n", o->url);
	else if (out == FETCH_SAME)
		printf("mailprov: %s: not modified\n", o->url);
	else if (out == FETCH_KEPT)
		fprintf(stderr, "mailprov: WARNING: %s; using the last good "
		    "desired state %s\n", why, path);
	else
		fprintf(stderr, "mailprov: %s; no desired state fetched before: "
		    "nothing was changed\n", why);
	free(why), free(helper), free(state);
	return path;
}

/* send_report - this run as JSON to --report-url (queued if it fails). */
static void
send_report(const struct opts *o, const char *path, const struct rc_plan *p,
    const char *outcome, const char *err)
{
	struct sbuf b = { 0 };
	struct strlist files = { 0 };
	struct fetch_cfg c;
	char *helper, *state, *why = NULL, *buf, host[256], hex[65];
	size_t len, i;
	long dropped = 0;

	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	snprintf(hex, sizeof(hex), "unknown");
	if (fileio_read(path, DESIRED_MAX_BYTES, FILEIO_NOFOLLOW, &buf,
	    &len) == 0) {
		digest_sha256_hex(buf, len, hex);
		free(buf);
	}
	for (i = 0; i < RC_NKINDS; i++)
		if (p->f[i].changed && p->f[i].replaced)
			strlist_push(&files, p->f[i].label);
	sbuf_adds(&b, "{\"host\": ");
	sbuf_json_str(&b, host);
	sbuf_adds(&b, ", \"root\": ");
	sbuf_json_str(&b, o->root);
	sbuf_adds(&b, ", \"source\": ");
	sbuf_json_str(&b, o->url ? o->url : path);
	sbuf_adds(&b, ", \"desired_sha256\": ");
	sbuf_json_str(&b, hex);
	sbuf_adds(&b, ", \"outcome\": ");
	sbuf_json_str(&b, outcome);
	sbuf_adds(&b, ", \"files_changed\": ");
	sbuf_json_list(&b, &files);
	sbuf_adds(&b, ", \"src_actions\": ");
	sbuf_json_list(&b, &p->src_done);
	sbuf_adds(&b, ", \"error\": ");
	sbuf_json_str(&b, err ? err : "");
	sbuf_addf(&b, ", \"time\": %ld}\n", (long)time(NULL));
	fetch_cfg_of(o, &c, &helper, &state);
	if (fetch_report(&c, o->report_url, b.s, b.len, &dropped, &why) < 0)
		fprintf(stderr, "mailprov: report to %s queued: %s\n",
		    o->report_url, why ? why : "failed");
	if (dropped > 0)
		fprintf(stderr, "mailprov: report queue full: dropped %ld "
		    "oldest\n", dropped);
	free(why), free(helper), free(state);
	strlist_clear(&files);
	sbuf_free(&b);
}

/* open_src - the SRC backend the options name, or NULL after a message. */
static struct src *
open_src(const struct opts *o)
{
	struct src_config c;
	struct sbuf state = { 0 };
	struct src *s;

	memset(&c, 0, sizeof(c));
	c.root = o->root;
	c.bindir = o->src_bindir;
	c.rc_tcpip = "/etc/rc.tcpip";
	c.timeout_ms = o->timeout * 1000;
	if (o->src_state != NULL)
		sbuf_adds(&state, o->src_state);
	else
		sbuf_addf(&state, "%s/var/mailprov/src", o->root);
	c.state_dir = state.s;
	s = src_open(o->src_backend, &c);
	if (s == NULL)
		fprintf(stderr, "mailprov: --src-backend must be exec or mock, "
		    "not '%s'\n", o->src_backend);
	sbuf_free(&state);
	return s;
}

/*
 * verify_opts - the checks after the service steps.  exec (a real SRC):
 * lssrc, port 25 on 127.0.0.1 and sendmail -bv; mock: lssrc only, unless
 * --verify-port / --verify-bv ask for more.
 */
static int
verify_opts(const struct opts *o, struct rc_opts *ro)
{
	int real = strcmp(o->src_backend, "exec") == 0;
	const char *vp = o->verify_port ? o->verify_port : real ?
	    "127.0.0.1:25" : "none";
	const char *bv = o->verify_bv ? o->verify_bv : real ? "yes" : "no";

	if (svc_port_spec(vp, &verify_host, &ro->verify.port) < 0) {
		fprintf(stderr, "mailprov: --verify-port takes HOST:PORT or "
		    "none, not '%s'\n", vp);
		return -1;
	}
	ro->verify.host = verify_host;
	if (strcmp(bv, "yes") == 0) {
		ro->verify.sendmail = o->sendmail;
		ro->verify.cf = NULL;	/* set by rc_apply from the plan */
	} else if (strcmp(bv, "no") != 0) {
		fprintf(stderr, "mailprov: --verify-bv takes yes or no\n");
		return -1;
	}
	if (!real) {
		ro->verify.tries = 1;	/* the mock answers at once */
		ro->verify.interval_ms = 1;
	}
	return 0;
}

/* cmd_plan - diffs and actions; writes nothing.  0 none, 2 changes. */
static int
cmd_plan(const char *path, const struct opts *o)
{
	struct desired *ds = load(path);
	struct rc_plan p;
	char *err = NULL;
	int r;

	if (ds == NULL)
		return 1;
	struct svc_plan sp;
	struct sbuf d = { 0 };
	struct src *src = NULL;
	size_t i;

	memset(&sp, 0, sizeof(sp));
	if (rc_plan_build(ds, o->root, &p, &err) < 0) {
		report("plan", path, &p, err);
		r = 1;
	} else if (ds->service.sect.set && ((src = open_src(o)) == NULL ||
	    svc_plan(src, ds, rc_mail_changed(&p), &sp, &err) < 0)) {
		if (src != NULL)
			report("plan", path, &p, err);
		r = 1;
	} else if (!rc_pending(&p) && sp.n == 0) {
		printf("mailprov: no changes\n");
		r = 0;
	} else {
		rc_plan_print(&p, stdout);
		for (i = 0; i < sp.n; i++) {
			d.len = 0;
			svc_describe(&sp, ds, i, &d);
			printf("action: %s\n", d.s);
		}
		if (!sp.managed && rc_mail_changed(&p))
			printf("action: none for SRC (no service section): "
			    "run refresh -s sendmail by hand\n");
		r = 2;
	}
	sbuf_free(&d);
	src_close(src);
	free(err);
	rc_plan_free(&p);
	desired_free(ds);
	return r;
}

static int
cmd_apply(const char *path, const struct opts *o)
{
	struct desired *ds = load(path);
	struct rc_opts ro;
	struct rc_plan p;
	char *err = NULL;
	int r = 0;

	if (ds == NULL)
		return 1;
	ro.root = o->root;
	ro.sendmail = o->sendmail;
	ro.validate = o->validate;
	ro.keep = ds->backups.keep.v;
	ro.lock_wait = o->lock_wait;
	ro.timeout_ms = o->timeout * 1000;
	ro.out = stdout;
	ro.src = NULL;
	memset(&ro.verify, 0, sizeof(ro.verify));
	memset(&p, 0, sizeof(p));
	if (ds->service.sect.set && ((ro.src = open_src(o)) == NULL ||
	    verify_opts(o, &ro) < 0)) {
		r = 1;
	} else if (rc_apply(ds, &ro, &p, &err) < 0) {
		report("apply", path, &p, err);
		r = 1;
	}
	if (o->report_url != NULL)
		send_report(o, path, &p, r == 0 ? (p.nchanged || p.src_done.n ?
		    "changed" : "converged") : "failed", err);
	src_close(ro.src);
	free(verify_host);
	verify_host = NULL;
	free(err);
	rc_plan_free(&p);
	desired_free(ds);
	return r;
}

/* jget - the scalar text of key in the mapping m (a.b for nested), or "". */
static const char *
jget(const struct ynode *m, const char *key)
{
	const char *dot = strchr(key, '.');
	size_t i, kl = dot ? (size_t)(dot - key) : strlen(key);

	for (i = 0; m != NULL && m->kind == YN_MAP && i + 1 < m->n; i += 2) {
		const struct ynode *k = m->items[i], *v = m->items[i + 1];

		if (k->kind != YN_SCALAR || strlen(k->str) != kl ||
		    strncmp(k->str, key, kl) != 0)
			continue;
		if (dot != NULL)
			return jget(v, dot + 1);
		if (v->kind == YN_SCALAR)
			return v->str;
		if (v->kind == YN_SEQ) {
			static struct sbuf list;
			size_t j;

			list.len = 0;
			sbuf_add(&list, "", 0);
			for (j = 0; j < v->n; j++)
				if (v->items[j]->kind == YN_SCALAR)
					sbuf_addf(&list, "%s%s", j ? "; " : "",
					    v->items[j]->str);
			return list.len ? list.s : "none";
		}
	}
	return "";
}

/*
 * cmd_status - what mailprovd's last run did, from status.json.  Exit 0
 * when the last run succeeded, 1 when it failed or there is no status.
 */
static int
cmd_status(const struct opts *o)
{
	static const struct ytree_limits lim = { 1 << 20, 100000, 8 };
	struct sbuf path = { 0 };
	struct diags d;
	struct ynode *j;
	char *buf;
	size_t len;
	int r;

	sbuf_addf(&path, "%s/var/mailprov/status.json", o->root);
	if (fileio_read(path.s, lim.max_bytes, FILEIO_NOFOLLOW, &buf,
	    &len) < 0) {
		fprintf(stderr, "mailprov: %s: %s (has mailprovd run?)\n",
		    path.s, strerror(errno));
		sbuf_free(&path);
		return 1;
	}
	diags_init(&d, path.s);
	j = ytree_parse(buf, len, &lim, &d);
	free(buf);
	if (j == NULL || j->kind != YN_MAP) {
		fprintf(stderr, "mailprov: %s: not a status file\n", path.s);
		diags_free(&d);
		ynode_free(j);
		sbuf_free(&path);
		return 1;
	}
	printf("mailprovd on %s (version %s, pid %s, started %s)\n",
	    jget(j, "host"), jget(j, "version"), jget(j, "pid"),
	    jget(j, "started"));
	printf("  desired state:  %s\n  sha256:         %s\n",
	    jget(j, "desired"), jget(j, "desired_sha256"));
	printf("  last run:       %s to %s (%s)\n", jget(j, "last_run.start"),
	    jget(j, "last_run.end"), jget(j, "last_run.reason"));
	printf("  outcome:        %s\n", jget(j, "last_run.outcome"));
	printf("  files changed:  %s\n", jget(j, "last_run.files_changed"));
	printf("  SRC actions:    %s\n", jget(j, "last_run.src_actions"));
	printf("  runs:           %s (drift repairs %s, new-intent changes %s, "
	    "failures %s)\n", jget(j, "runs"), jget(j, "drift_repairs"),
	    jget(j, "intent_changes"), jget(j, "failures"));
	printf("  incoming:       accepted %s, rejected %s (watch: %s)\n",
	    jget(j, "incoming_accepted"), jget(j, "incoming_rejected"),
	    jget(j, "watch"));
	printf("  next run:       %s\n", jget(j, "next_run"));
	printf("  last error:     %s\n", *jget(j, "last_run.error") ?
	    jget(j, "last_run.error") : "none");
	r = strcmp(jget(j, "last_run.outcome"), "changed") == 0 ||
	    strcmp(jget(j, "last_run.outcome"), "converged") == 0 ? 0 : 1;
	ynode_free(j);
	diags_free(&d);
	sbuf_free(&path);
	return r;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct sbuf path = { 0 };
	char *realroot = NULL;
	int r;

	memset(&o, 0, sizeof(o));
	o.root = "";
	o.sendmail = DEFAULT_SENDMAIL;
	o.validate = 1;
	o.lock_wait = LOCK_WAIT_S;
	o.src_backend = MAILPROV_SRC_DEFAULT;
	o.src_bindir = "/usr/bin";
	o.fetch.retries = -1;
	o.argv0 = argv[0];
	/* A child that stops reading must not kill us (see proc.h). */
	(void)signal(SIGPIPE, SIG_IGN);
	if ((r = parse_args(argc, argv, &o)) != 0)
		return r - 1;
	/* Child commands run elsewhere: give them absolute paths. */
	if (*o.root != '\0' && (o.root = realroot = realpath(o.root,
	    NULL)) == NULL) {
		fprintf(stderr, "mailprov: --root %s: %s\n", argv_root(argc,
		    argv), strerror(errno));
		return 1;
	}
	if (o.file != NULL)
		sbuf_adds(&path, o.file);
	else
		sbuf_addf(&path, "%s%s", o.root, DEFAULT_DESIRED);
	if (o.url != NULL && (strcmp(o.cmd, "plan") == 0 ||
	    strcmp(o.cmd, "apply") == 0)) {
		char *got = fetch_url(&o);

		if (got == NULL) {
			sbuf_free(&path);
			free(realroot);
			return 1;
		}
		path.len = 0;
		sbuf_adds(&path, got);
		free(got);
	}
	if (strcmp(o.cmd, "validate") == 0)
		r = cmd_validate(path.s);
	else if (strcmp(o.cmd, "plan") == 0)
		r = cmd_plan(path.s, &o);
	else if (strcmp(o.cmd, "apply") == 0)
		r = cmd_apply(path.s, &o);
	else if (strcmp(o.cmd, "status") == 0)
		r = cmd_status(&o);
	else {
		fprintf(stderr, "mailprov: unknown command '%s'\n", o.cmd);
		usage(stderr);
		r = 1;
	}
	sbuf_free(&path);
	free(realroot);
	return r;
}
