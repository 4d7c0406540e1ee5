/*
 * src_exec.c - the SRC backend that runs AIX's own commands.
 *
 * lssrc, startsrc, stopsrc, refresh and chssys are run from cfg.bindir
 * (/usr/bin on AIX) through proc: fixed argv (the argument string is one
 * argv word after -a, never split by a shell), clean environment, time
 * limit.  A command that exits non-zero fails the call with its own first
 * line of output (AIX prints "0513-..." messages).  The boot entry is the
 * start line of rc.tcpip under the root, switched with rctcpip and
 * written with the same backup and atomic replace as the mail files.
 */
#include "src.h"
#include "fileio.h"
#include "paths.h"
#include "proc.h"
#include "rctcpip.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RCTCPIP_MAX	(4 * 1024 * 1024)

/* first_line - the first non-empty line of a or else b, for messages. */
static void
first_line(const char *a, const char *b, char *buf, size_t n)
{
	const char *p = *a ? a : b;

	p += strspn(p, " \t\n");
	snprintf(buf, n, "%.*s", (int)strcspn(p, "\n"), p);
}

/*
 * run - bindir/cmd with the NULL-terminated arguments after it.  0 when it
 * exited 0 (its stdout in *out if out is given), -1 otherwise.
 */
static int
run(struct src *s, char **out, const char *cmd, ...)
{
	struct proc_result r;
	struct sbuf path = { 0 };
	char *argv[10], msg[300], desc[64];
	const char *a;
	va_list ap;
	int n = 1, rc;

	sbuf_addf(&path, "%s/%s", s->cfg.bindir, cmd);
	argv[0] = path.s;
	va_start(ap, cmd);
	while ((a = va_arg(ap, const char *)) != NULL && n < 9)
		argv[n++] = (char *)(uintptr_t)a;
	va_end(ap);
	argv[n] = NULL;
	if (proc_run(argv, NULL, 0, s->cfg.timeout_ms, &r) < 0) {
		rc = src_seterr(s, "cannot run %s: %s", path.s, strerror(errno));
		sbuf_free(&path);
		return rc;
	}
	if (r.status != 0 || r.timed_out) {
		first_line(r.err.s, r.out.s, msg, sizeof(msg));
		rc = src_seterr(s, "%s failed (%s): %s", cmd,
		    proc_describe(&r, desc, sizeof(desc)), *msg ? msg :
		    "no message");
	} else
		rc = 0;
	if (out != NULL) {
		*out = r.out.s;
		r.out.s = NULL;
	}
	proc_result_free(&r);
	sbuf_free(&path);
	return rc;
}

static int
not_on_file(const char *err)
{
	return strstr(err, "0513-085") != NULL;
}

static int
exec_status(struct src *s, const char *sub, struct src_status *st)
{
	char *out = NULL;
	int rc = run(s, &out, "lssrc", "-s", sub, (char *)NULL);

	if (rc < 0 && (not_on_file(s->err) || (out && not_on_file(out)))) {
		st->state = SRC_NOTDEF;
		rc = 0;
	} else if (rc == 0 && src_parse_lssrc_s(out, sub, st) < 0)
		rc = src_seterr(s, "lssrc -s %s: no line for %s in its output",
		    sub, sub);
	free(out);
	return rc;
}

static int
exec_definition(struct src *s, const char *sub, struct src_def *d)
{
	char *out = NULL;
	int rc = run(s, &out, "lssrc", "-S", "-s", sub, (char *)NULL);

	if (rc < 0 && (not_on_file(s->err) || (out && not_on_file(out)))) {
		d->defined = 0;
		rc = 0;
	} else if (rc == 0 && src_parse_lssrc_S(out, sub, d) < 0)
		rc = src_seterr(s, "lssrc -S -s %s: no record for %s in its "
		    "output", sub, sub);
	free(out);
	return rc;
}

static int
exec_start(struct src *s, const char *sub, const char *args)
{
	if (*args) {
		src_journal(s, "startsrc -s %s -a %s", sub, args);
		return run(s, NULL, "startsrc", "-s", sub, "-a", args,
		    (char *)NULL);
	}
	src_journal(s, "startsrc -s %s", sub);
	return run(s, NULL, "startsrc", "-s", sub, (char *)NULL);
}

static int
exec_stop(struct src *s, const char *sub)
{
	src_journal(s, "stopsrc -s %s", sub);
	return run(s, NULL, "stopsrc", "-s", sub, (char *)NULL);
}

static int
exec_refresh(struct src *s, const char *sub)
{
	src_journal(s, "refresh -s %s", sub);
	return run(s, NULL, "refresh", "-s", sub, (char *)NULL);
}

static int
exec_set_args(struct src *s, const char *sub, const char *args)
{
	src_journal(s, "chssys -s %s -a %s", sub, args);
	return run(s, NULL, "chssys", "-s", sub, "-a", args, (char *)NULL);
}

/* rctcpip_path - rc.tcpip under the root, links followed inside it. */
static char *
rctcpip_path(struct src *s)
{
	return fileio_resolve(s->cfg.root, s->cfg.rc_tcpip ? s->cfg.rc_tcpip :
	    DEF_RC_TCPIP);
}

static int
exec_boot_enabled(struct src *s, const char *sub, int *on)
{
	char *path = rctcpip_path(s), *buf;
	size_t len;

	if (path == NULL || fileio_read(path, RCTCPIP_MAX, FILEIO_NOFOLLOW,
	    &buf, &len) < 0) {
		src_seterr(s, "rc.tcpip: %s", strerror(errno));
		free(path);
		return -1;
	}
	*on = rctcpip_state(buf, len, sub);
	free(buf);
	if (*on < 0) {
		src_seterr(s, "%s has no start line for %s; mailprov does not "
		    "add one (persist needs it)", path + strlen(s->cfg.root),
		    sub);
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

static int
exec_set_boot(struct src *s, const char *sub, int on)
{
	struct sbuf out = { 0 };
	char *path, *buf, *backup = NULL, stamp[FILEIO_STAMP_SIZE];
	time_t now = time(NULL);
	size_t len;
	int rc;

	src_journal(s, "chrctcp -%c %s", on ? 'a' : 'd', sub);
	if ((path = rctcpip_path(s)) == NULL || fileio_read(path, RCTCPIP_MAX,
	    FILEIO_NOFOLLOW, &buf, &len) < 0) {
		src_seterr(s, "rc.tcpip: %s", strerror(errno));
		free(path);
		return -1;
	}
	rc = rctcpip_set(buf, len, sub, on, &out);
	if (rc < 0)
		rc = src_seterr(s, "%s has no start line for %s; not adding "
		    "one", path + strlen(s->cfg.root), sub);
	else if (rc > 0) {
		fileio_stamp(now, stamp, sizeof(stamp));
		if (fileio_backup(path, stamp, &backup) < 0 ||
		    fileio_replace(path, out.s, out.len, NULL) < 0)
			rc = src_seterr(s, "writing %s: %s", path +
			    strlen(s->cfg.root), strerror(errno));
		else
			rc = 0;
	}
	free(backup);
	free(buf);
	free(path);
	sbuf_free(&out);
	return rc;
}

const struct src_backend src_exec_backend = {
	"exec",
	exec_status,
	exec_definition,
	exec_start,
	exec_stop,
	exec_refresh,
	exec_set_args,
	exec_boot_enabled,
	exec_set_boot
};
