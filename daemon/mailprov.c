/*
 * mailprov - the command-line tool: validate, plan, apply, status.
 *
 * A thin main: it parses the command line and maps each command to the
 * library.  Exit codes: 0 success or converged, 1 error (nothing
 * changed), 2 plan found changes.  Options are parsed by hand because
 * getopt_long is not in POSIX or AIX's libc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desired.h"
#include "diag.h"
#include "util.h"
#include "version.h"

#define DEFAULT_DESIRED	"/etc/mailprov/desired.yaml"

struct opts {
	const char	*cmd;
	const char	*file;	/* -f: taken as given */
	const char	*root;	/* --root: prefixes the default paths */
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: mailprov validate|plan|apply|status "
	    "[-f desired.yaml] [--root DIR]\n"
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
		if (strcmp(a, "-f") == 0 || strcmp(a, "--file") == 0 ||
		    strcmp(a, "--root") == 0) {
			if (i + 1 == argc) {
				fprintf(stderr, "mailprov: %s needs a value\n",
				    a);
				return 2;
			}
			if (strcmp(a, "--root") == 0)
				o->root = argv[++i];
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

static int
cmd_validate(const char *path)
{
	struct diags d;
	struct desired *ds;

	diags_init(&d, path);
	ds = desired_load_file(path, &d);
	diags_print(&d, stderr);
	diags_free(&d);
	if (ds == NULL)
		return 1;
	summary(path, ds);
	desired_free(ds);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = { NULL, NULL, "" };
	struct sbuf path = { 0 };
	int r;

	if ((r = parse_args(argc, argv, &o)) != 0)
		return r - 1;
	if (o.file != NULL)
		sbuf_adds(&path, o.file);
	else
		sbuf_addf(&path, "%s%s", o.root, DEFAULT_DESIRED);
	if (strcmp(o.cmd, "validate") == 0)
		r = cmd_validate(path.s);
	else if (strcmp(o.cmd, "plan") == 0 || strcmp(o.cmd, "apply") == 0 ||
	    strcmp(o.cmd, "status") == 0) {
		fprintf(stderr, "mailprov: '%s' is not implemented in %s yet; "
		    "nothing was changed\n", o.cmd, MAILPROV_VERSION);
		r = 1;
	} else {
		fprintf(stderr, "mailprov: unknown command '%s'\n", o.cmd);
		usage(stderr);
		r = 1;
	}
	sbuf_free(&path);
	return r;
}
