/*
 * service_plan_test.c - service_plan() as a table: what lssrc says about
 * the subsystem (state, stored arguments, contact, boot line), what the
 * desired state wants and whether the mail files change, against the
 * steps planned, each as an admin would type it.  The mock SRC backend
 * holds the subsystem's record; nothing is started.
 */
#include "testutil.h"
#include "service.h"
#include "src.h"

#include <unistd.h>

struct row {
	const char	*name;
	const char	*state;		/* the record: active, inoperative, ... */
	int		 defined;
	const char	*args;		/* stored arguments */
	const char	*contact;	/* -K sockets, -S signals */
	int		 boot;		/* rc.tcpip start line enabled */
	const char	*want;		/* desired: running or stopped */
	const char	*persist;	/* desired: true or false */
	int		 files_changed;	/* SERVICE_NEED_* */
	const char	*steps;		/* planned, "; "-joined, or "ERR: ..." */
};

#define ARGS	"-bd -q30m"
static const struct row rows[] = {
	{ "first start on a fresh host", "inoperative", 1, "", "-K", 0,
	    "running", "true", 0, "chssys -s sendmail -a \"" ARGS "\"; "
	    "startsrc -s sendmail; chrctcp -a sendmail (start line of "
	    "/etc/rc.tcpip enabled)" },
	{ "running, files changed: refresh only", "active", 1, ARGS, "-K", 1,
	    "running", "true", 1, "refresh -s sendmail" },
	{ "running, converged: nothing", "active", 1, ARGS, "-K", 1,
	    "running", "true", 0, "" },
	{ "stop wanted", "active", 1, ARGS, "-K", 1, "stopped", "true", 0,
	    "stopsrc -s sendmail; chrctcp -d sendmail (start line of "
	    "/etc/rc.tcpip commented out)" },
	{ "stopped and stop wanted, boot off: nothing", "inoperative", 1,
	    ARGS, "-K", 0, "stopped", "true", 1, "" },
	{ "not persisted: start with -a, no chssys, no boot line",
	    "inoperative", 1, "-bd -q1h", "-K", 0, "running", "false", 0,
	    "startsrc -s sendmail -a \"" ARGS "\"" },
	{ "persisted, stored args differ: chssys before a plain start",
	    "inoperative", 1, "-bd -q1h", "-K", 1, "running", "true", 0,
	    "chssys -s sendmail -a \"" ARGS "\"; startsrc -s sendmail" },
	{ "argument drift on a running host: chssys, no refresh", "active", 1,
	    "-bd -q1h", "-K", 1, "running", "true", 0,
	    "chssys -s sendmail -a \"" ARGS "\"" },
	{ "signals-only subsystem: stop and start instead of refresh",
	    "active", 1, ARGS, "-S", 1, "running", "true", 1,
	    "stopsrc -s sendmail; startsrc -s sendmail (a signals-only "
	    "subsystem cannot be refreshed)" },
	{ "not persisted, running, boot off: boot line left alone", "active",
	    1, ARGS, "-K", 0, "running", "false", 1, "refresh -s sendmail" },
	{ "program changed on a running host: stop and start, no refresh",
	    "active", 1, ARGS, "-K", 1, "running", "true", 3,
	    "stopsrc -s sendmail; startsrc -s sendmail (another program: "
	    "refresh cannot change the executable)" },
	{ "program changed on a stopped host: a plain start", "inoperative",
	    1, ARGS, "-K", 1, "running", "true", 2, "startsrc -s sendmail" },
	{ "program changed, stop wanted: stop only", "active", 1, ARGS, "-K",
	    0, "stopped", "true", 2, "stopsrc -s sendmail" },
	{ "subsystem not defined", "inoperative", 0, "", "-K", 0, "running",
	    "true", 0, "ERR: SRC has no subsystem 'sendmail'" },
	{ "subsystem stopping", "stopping", 1, ARGS, "-K", 1, "running",
	    "true", 0, "ERR: the sendmail subsystem is stopping" },
};

/* record - the mock's record of the subsystem, as a row describes it. */
static void
record(const char *dir, const struct row *r)
{
	char *path = xasprintf("%s/sendmail.rec", dir);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fprintf(fp, "defined=%d\nstate=%s\npid=%d\ngroup=mail\n"
	    "path=/usr/lib/sendmail\nargs=%s\ncontact=%s\nboot=%d\n",
	    r->defined, r->state, strcmp(r->state, "active") == 0 ? 4242 : 0,
	    r->args, r->contact, r->boot);
	fclose(fp);
	free(path);
}

static void
run_row(void **state)
{
	const struct row *r = *state;
	char dir[] = "/tmp/mp-svcplan.XXXXXX", *doc, *why = NULL, *path;
	struct src_config sc;
	struct service_plan sp;
	struct sbuf got = { 0 };
	struct desired *ds;
	struct diags d;
	struct src *s;
	size_t i;
	int rc;

	assert_non_null(mkdtemp(dir));
	record(dir, r);
	doc = xasprintf("version: 1\nservice:\n  state: %s\n  args: \"%s\"\n"
	    "  persist: %s\n", r->want, ARGS, r->persist);
	ds = load(doc, strlen(doc), &d);
	if (ds == NULL)
		dump_diags(&d);
	assert_non_null(ds);
	memset(&sc, 0, sizeof(sc));
	sc.root = "";
	sc.state_dir = dir;
	s = src_open("mock", &sc);
	assert_non_null(s);
	rc = service_plan(s, ds, r->files_changed, &sp, &why);
	if (rc < 0)
		sbuf_addf(&got, "ERR: %s", why);
	for (i = 0; rc == 0 && i < sp.n; i++) {
		if (i > 0)
			sbuf_adds(&got, "; ");
		service_describe(&sp, ds, i, &got);
	}
	sbuf_add(&got, "", 0);
	if (strncmp(r->steps, "ERR: ", 5) == 0 ?
	    strncmp(got.s, r->steps, strlen(r->steps)) != 0 :
	    strcmp(got.s, r->steps) != 0)
		fail_msg("case '%s'\n  want: %s\n  got:  %s", r->name, r->steps,
		    got.s);
	/* Planning only reads SRC: nothing was journaled. */
	path = xasprintf("%s/journal", dir);
	assert_int_equal(access(path, F_OK), -1);
	unlink(path);
	free(path);
	path = xasprintf("%s/sendmail.rec", dir);
	unlink(path);
	free(path);
	rmdir(dir);
	src_close(s);
	sbuf_free(&got);
	free(why);
	free(doc);
	desired_free(ds);
	diags_free(&d);
}

int
main(void)
{
	return run_rows("service_plan", rows, sizeof(rows) / sizeof(rows[0]),
	    sizeof(rows[0]), run_row);
}
