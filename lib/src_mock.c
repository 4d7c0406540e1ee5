/*
 * src_mock.c - an SRC that lives in a directory, for Linux and tests.
 *
 * Each subsystem is a record file STATE/NAME.rec of "key=value" lines:
 *   defined=1  state=active|inoperative|stopping  pid=N  group=G
 *   path=P  args=A (the stored cmdargs)  contact=-K|-S|-I  boot=0|1
 * written atomically.  STATE/fail lists, one per line, the commands to
 * fail ("startsrc", "stopsrc", "refresh", "chssys", "lssrc", "chrctcp")
 * and "dies": a subsystem started or refreshed goes inoperative, as a
 * sendmail that rejects its configuration would.  Messages are AIX's.
 * Tests seed records by writing the files; tests/fakeaix reads the same
 * format, so the exec backend can run on top of this state.
 */
#include "src.h"
#include "fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REC_MAX	(64 * 1024)

struct rec {
	char	state[16];
	char	group[32];
	char	path[256];
	char	args[256];
	char	contact[4];
	long	pid;
	int	defined;
	int	boot;
};

static char *
rec_path(struct src *s, const char *sub)
{
	struct sbuf p = { 0 };

	sbuf_addf(&p, "%s/%s.rec", s->state_dir, sub);
	return p.s;
}

/* rec_load - 0 with r filled (defined 0 if there is no record). */
static int
rec_load(struct src *s, const char *sub, struct rec *r)
{
	char *path = rec_path(s, sub), *buf, *line, *save, *eq;
	size_t len;

	memset(r, 0, sizeof(*r));
	if (fileio_read(path, REC_MAX, FILEIO_NOFOLLOW, &buf, &len) < 0) {
		free(path);
		return errno == ENOENT ? 0 : src_seterr(s, "mock SRC: %s: %s",
		    sub, strerror(errno));
	}
	free(path);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq++ = '\0';
		if (strcmp(line, "defined") == 0)
			r->defined = atoi(eq);
		else if (strcmp(line, "state") == 0)
			snprintf(r->state, sizeof(r->state), "%s", eq);
		else if (strcmp(line, "group") == 0)
			snprintf(r->group, sizeof(r->group), "%s", eq);
		else if (strcmp(line, "path") == 0)
			snprintf(r->path, sizeof(r->path), "%s", eq);
		else if (strcmp(line, "args") == 0)
			snprintf(r->args, sizeof(r->args), "%s", eq);
		else if (strcmp(line, "contact") == 0)
			snprintf(r->contact, sizeof(r->contact), "%s", eq);
		else if (strcmp(line, "pid") == 0)
			r->pid = atol(eq);
		else if (strcmp(line, "boot") == 0)
			r->boot = atoi(eq);
	}
	free(buf);
	return 0;
}

static int
rec_save(struct src *s, const char *sub, const struct rec *r)
{
	struct sbuf b = { 0 };
	char *path = rec_path(s, sub);
	int rc;

	sbuf_addf(&b, "defined=%d\nstate=%s\npid=%ld\ngroup=%s\npath=%s\n"
	    "args=%s\ncontact=%s\nboot=%d\n", r->defined, r->state, r->pid,
	    r->group, r->path, r->args, r->contact, r->boot);
	fileio_mkdirs(s->state_dir, 0700);
	rc = fileio_replace(path, b.s, b.len, NULL);
	if (rc < 0)
		src_seterr(s, "mock SRC: writing %s: %s", path, strerror(errno));
	free(path);
	sbuf_free(&b);
	return rc;
}

/* failing - the test asked for cmd to fail (or for "dies"). */
static int
failing(struct src *s, const char *cmd)
{
	struct sbuf p = { 0 };
	struct strlist l = { 0 };
	char *buf, *line, *save;
	size_t len;
	int hit = 0;

	sbuf_addf(&p, "%s/fail", s->state_dir);
	if (fileio_read(p.s, REC_MAX, FILEIO_NOFOLLOW, &buf, &len) == 0) {
		for (line = strtok_r(buf, "\n", &save); line != NULL && !hit;
		    line = strtok_r(NULL, "\n", &save))
			hit = strcmp(line, cmd) == 0;
		free(buf);
	}
	strlist_clear(&l);
	sbuf_free(&p);
	return hit;
}

/* defined_rec - load a defined record, or the AIX "not on file" error. */
static int
defined_rec(struct src *s, const char *sub, struct rec *r)
{
	if (rec_load(s, sub, r) < 0)
		return -1;
	if (!r->defined)
		return src_seterr(s, "0513-085 The %s Subsystem is not on file.",
		    sub);
	return 0;
}

static int
mock_status(struct src *s, const char *sub, struct src_status *st)
{
	struct rec r;

	if (failing(s, "lssrc"))
		return src_seterr(s, "0513-001 The System Resource Controller "
		    "daemon is not active.");
	if (rec_load(s, sub, &r) < 0)
		return -1;
	if (!r.defined) {
		st->state = SRC_NOTDEF;
		return 0;
	}
	st->state = strcmp(r.state, "active") == 0 ? SRC_ACTIVE :
	    strcmp(r.state, "stopping") == 0 ? SRC_STOPPING : SRC_INOPERATIVE;
	st->pid = st->state == SRC_ACTIVE ? r.pid : 0;
	snprintf(st->group, sizeof(st->group), "%s", r.group);
	return 0;
}

static int
mock_definition(struct src *s, const char *sub, struct src_def *d)
{
	struct rec r;

	if (rec_load(s, sub, &r) < 0)
		return -1;
	d->defined = r.defined;
	snprintf(d->args, sizeof(d->args), "%s", r.args);
	snprintf(d->path, sizeof(d->path), "%s", r.path);
	d->contact = strcmp(r.contact, "-S") == 0 ? SRC_SIGNALS :
	    strcmp(r.contact, "-I") == 0 ? SRC_MSGQ : SRC_SOCKETS;
	return 0;
}

static int
mock_start(struct src *s, const char *sub, const char *args)
{
	struct rec r;

	if (*args)
		src_journal(s, "startsrc -s %s -a %s", sub, args);
	else
		src_journal(s, "startsrc -s %s", sub);
	if (defined_rec(s, sub, &r) < 0)
		return -1;
	if (failing(s, "startsrc"))
		return src_seterr(s, "0513-059 could not start the %s "
		    "Subsystem (mock failure)", sub);
	if (strcmp(r.state, "active") == 0)
		return src_seterr(s, "0513-029 The %s Subsystem is already "
		    "active. Multiple instances are not supported.", sub);
	snprintf(r.state, sizeof(r.state), "%s", failing(s, "dies") ?
	    "inoperative" : "active");
	r.pid = r.pid > 0 ? r.pid + 1 : 4242;
	return rec_save(s, sub, &r);
}

static int
mock_stop(struct src *s, const char *sub)
{
	struct rec r;

	src_journal(s, "stopsrc -s %s", sub);
	if (defined_rec(s, sub, &r) < 0)
		return -1;
	if (failing(s, "stopsrc"))
		return src_seterr(s, "0513-056 Timeout waiting for command "
		    "response (mock failure)");
	if (strcmp(r.state, "active") != 0)
		return src_seterr(s, "0513-004 The Subsystem or Group, %s, is "
		    "currently inoperative.", sub);
	snprintf(r.state, sizeof(r.state), "inoperative");
	return rec_save(s, sub, &r);
}

static int
mock_refresh(struct src *s, const char *sub)
{
	struct rec r;

	src_journal(s, "refresh -s %s", sub);
	if (defined_rec(s, sub, &r) < 0)
		return -1;
	if (strcmp(r.contact, "-S") == 0)
		return src_seterr(s, "0513-005 The Subsystem, %s, only "
		    "supports signal communication.", sub);
	if (strcmp(r.state, "active") != 0)
		return src_seterr(s, "0513-004 The Subsystem or Group, %s, is "
		    "currently inoperative.", sub);
	if (failing(s, "refresh"))
		return src_seterr(s, "0513-056 Timeout waiting for command "
		    "response (mock failure)");
	if (failing(s, "dies")) {
		snprintf(r.state, sizeof(r.state), "inoperative");
		return rec_save(s, sub, &r);
	}
	return 0;
}

static int
mock_set_args(struct src *s, const char *sub, const char *args)
{
	struct rec r;

	src_journal(s, "chssys -s %s -a %s", sub, args);
	if (defined_rec(s, sub, &r) < 0)
		return -1;
	if (failing(s, "chssys"))
		return src_seterr(s, "0513-002 The System Resource Controller "
		    "could not change %s (mock failure)", sub);
	snprintf(r.args, sizeof(r.args), "%s", args);
	return rec_save(s, sub, &r);
}

static int
mock_boot_enabled(struct src *s, const char *sub, int *on)
{
	struct rec r;

	if (rec_load(s, sub, &r) < 0)
		return -1;
	*on = r.boot;
	return 0;
}

static int
mock_set_boot(struct src *s, const char *sub, int on)
{
	struct rec r;

	src_journal(s, "chrctcp -%c %s", on ? 'a' : 'd', sub);
	if (defined_rec(s, sub, &r) < 0)
		return -1;
	if (failing(s, "chrctcp"))
		return src_seterr(s, "chrctcp: cannot change /etc/rc.tcpip "
		    "(mock failure)");
	r.boot = on;
	return rec_save(s, sub, &r);
}

const struct src_backend src_mock_backend = {
	"mock",
	mock_status,
	mock_definition,
	mock_start,
	mock_stop,
	mock_refresh,
	mock_set_args,
	mock_boot_enabled,
	mock_set_boot
};
