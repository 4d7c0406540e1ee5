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

#include "desired.h"
#include "diag.h"
#include "reconcile.h"
#include "util.h"
#include "version.h"

#define DEFAULT_DESIRED		"/etc/mailprov/desired.yaml"
#define DEFAULT_SENDMAIL	"/usr/sbin/sendmail"
#define LOCK_WAIT_S		30

struct opts {
	const char	*cmd;
	const char	*file;		/* -f: taken as given */
	const char	*root;		/* --root: prefixes the managed paths */
	const char	*sendmail;	/* --sendmail */
	int		 validate;	/* --no-validate clears it */
	int		 lock_wait;	/* --lock-wait seconds */
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: mailprov validate|plan|apply|status "
	    "[-f desired.yaml] [--root DIR]\n"
	    "                [--sendmail PATH] [--no-validate] "
	    "[--lock-wait SECONDS]\n"
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
		if (strcmp(a, "-f") == 0 || strcmp(a, "--file") == 0 ||
		    strcmp(a, "--root") == 0 || strcmp(a, "--sendmail") == 0 ||
		    strcmp(a, "--lock-wait") == 0) {
			if (i + 1 == argc) {
				fprintf(stderr, "mailprov: %s needs a value\n",
				    a);
				return 2;
			}
			if (strcmp(a, "--root") == 0)
				o->root = argv[++i];
			else if (strcmp(a, "--sendmail") == 0)
				o->sendmail = argv[++i];
			else if (strcmp(a, "--lock-wait") == 0) {
				const char *v = argv[++i];

				if (strspn(v, "0123456789") != strlen(v) ||
				    strlen(v) == 0 || strlen(v) > 4) {
					fprintf(stderr, "mailprov: --lock-wait "
					    "takes seconds, not '%s'\n", v);
					return 2;
				}
				o->lock_wait = atoi(v);
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
	if (rc_plan_build(ds, o->root, &p, &err) < 0) {
		report("plan", path, &p, err);
		r = 1;
	} else if (p.nchanged == 0) {
		printf("mailprov: no changes\n");
		r = 0;
	} else {
		rc_plan_print(&p, stdout);
		r = 2;
	}
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
	ro.out = stdout;
	if (rc_apply(ds, &ro, &p, &err) < 0) {
		report("apply", path, &p, err);
		r = 1;
	}
	free(err);
	rc_plan_free(&p);
	desired_free(ds);
	return r;
}

int
main(int argc, char **argv)
{
	struct opts o = { NULL, NULL, "", DEFAULT_SENDMAIL, 1, LOCK_WAIT_S };
	struct sbuf path = { 0 };
	char *realroot = NULL;
	int r;

	/* A child that stops reading must not kill us (see proc.h). */
	signal(SIGPIPE, SIG_IGN);
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
	if (strcmp(o.cmd, "validate") == 0)
		r = cmd_validate(path.s);
	else if (strcmp(o.cmd, "plan") == 0)
		r = cmd_plan(path.s, &o);
	else if (strcmp(o.cmd, "apply") == 0)
		r = cmd_apply(path.s, &o);
	else if (strcmp(o.cmd, "status") == 0) {
		fprintf(stderr, "mailprov: 'status' is not implemented in %s "
		    "yet; nothing was changed\n", MAILPROV_VERSION);
		r = 1;
	} else {
		fprintf(stderr, "mailprov: unknown command '%s'\n", o.cmd);
		usage(stderr);
		r = 1;
	}
	sbuf_free(&path);
	free(realroot);
	return r;
}
