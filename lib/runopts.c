/*
 * runopts.c - defaults, the SRC backend and the checks of one run.
 *
 * Contract: see runopts.h.
 */
#include "runopts.h"
#include "paths.h"

#include <string.h>
#include <stdlib.h>

/* verify_defaults - the checks after the service steps, by backend. */
static int
verify_defaults(const struct runopts_in *in, int real, struct runopts *ro,
    char **why)
{
	struct service_checks *v = &ro->apply.verify;
	const char *port = in->verify_port ? in->verify_port :
	    real ? DEF_VERIFY_PORT : "none";
	int bv = in->verify_bv >= 0 ? in->verify_bv : real;

	if (service_port_spec(port, &ro->verify_host, &v->port) < 0)
		return seterr(why, "the verify port must be HOST:PORT or "
		    "none, not '%s'", port);
	v->host = ro->verify_host;
	/* -bv runs the plan's binary (apply.c); here: whether it runs. */
	v->sendmail = bv ? DEF_SENDMAIL : NULL;
	v->cf = NULL;		/* set by apply from the plan */
	if (!real) {
		v->tries = 1;	/* the mock answers at once */
		v->interval_ms = 1;
	}
	return 0;
}

int
runopts_open(const struct runopts_in *in, struct runopts *ro, char **why)
{
	struct apply_opts *a = &ro->apply;
	const char *backend = in->backend ? in->backend : MAILPROV_SRC_DEFAULT;
	struct src_config sc;

	memset(ro, 0, sizeof(*ro));
	a->root = in->root;
	a->state_dir = in->state_dir;
	a->sendmail = in->sendmail;	/* NULL: the program SRC starts */
	a->validate = in->validate;
	a->keep = in->keep;
	a->lock_wait = in->lock_wait;
	a->timeout_ms = in->timeout_s * 1000;
	ro->src_state = in->src_state ? xstrdup(in->src_state) :
	    xasprintf("%s/%s", in->state_dir, STATE_SRC);
	memset(&sc, 0, sizeof(sc));
	sc.root = in->root;
	sc.state_dir = ro->src_state;
	sc.bindir = in->src_bindir ? in->src_bindir : DEF_SRC_BINDIR;
	sc.rc_tcpip = DEF_RC_TCPIP;
	sc.timeout_ms = a->timeout_ms;
	if ((a->src = src_open(backend, &sc)) == NULL) {
		runopts_close(ro);
		return seterr(why, "the SRC backend must be exec or mock, not "
		    "'%s'", backend);
	}
	if (verify_defaults(in, strcmp(backend, "exec") == 0, ro, why) < 0) {
		runopts_close(ro);
		return -1;
	}
	return 0;
}

void
runopts_close(struct runopts *ro)
{
	src_close(ro->apply.src);
	free(ro->verify_host);
	free(ro->src_state);
	memset(ro, 0, sizeof(*ro));
}

char *
runopts_state_dir(const char *root, const char *dir)
{
	return dir != NULL ? xstrdup(dir) : xasprintf("%s%s", root,
	    DEF_STATE_DIR);
}

char *
runopts_helper(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	return slash ? xasprintf("%.*s/mailprov-fetch", (int)(slash - argv0),
	    argv0) : xstrdup(MAILPROV_FETCH_HELPER);
}
