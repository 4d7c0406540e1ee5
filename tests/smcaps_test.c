/*
 * smcaps_test.c - lib/smcaps.c: the "Compiled with:" block of sendmail
 * -d0.1 as a table of outputs, the probe and its cache with stub
 * binaries (shell scripts that count their runs), the program SRC
 * starts (mock SRC), and one probe of the real sendmail through
 * tests/sendmail-sandbox.
 *
 * Probes run sendmail only on a host whose name it can qualify (see
 * sendmail.h), and this machine may be named "vm": as root, main() moves
 * the test into a new UTS namespace with a qualified name (unshare(2),
 * hence _GNU_SOURCE); otherwise, on such a host, the probe tests skip.
 * Scratch directories are made under $TMPDIR or /tmp (the stubs are run,
 * never read by sendmail).
 */
#define _GNU_SOURCE	/* unshare(2), sethostname(2): main() only */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "paths.h"
#include "proc.h"
#include "smcaps.h"
#include "src.h"

static int can_probe;	/* the host name is one sendmail qualifies */

/* Debian 12's sendmail 8.17.1.9: `sendmail -d0.1 -bt </dev/null`. */
static const char debian12[] =
	"Version 8.17.1.9\n"
	" Compiled with: DNSMAP IPV6_FULL LDAPMAP LDAP_NETWORK_TIMEOUT\n"
	"\t\tLDAP_REFERRALS LOG MAP_REGEX MATCHGECOS MAXDAEMONS=64 MILTER\n"
	"\t\tMIME7TO8 MIME8TO7 NAMED_BIND NETINET NETINET6 NETUNIX NEWDB=5.3\n"
	"\t\tNIS NISPLUS PIPELINING SASLv2 SCANF SOCKETMAP STARTTLS\n"
	"\t\tTCPWRAPPERS TLS_EC TLS_VRFY_PER_CTX USERDB USE_LDAP_INIT XDEBUG\n"
	"\n"
	"============ SYSTEM IDENTITY (after readcf) ============\n"
	"      (short domain name) $w = b\n"
	"  (canonical domain name) $j = b.example.net\n"
	"         (subdomain name) $m = example.net\n"
	"              (node name) $k = b.example.net\n"
	"========================================================\n"
	"\n"
	"ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)\n"
	"Enter <ruleset> <address>\n"
	"> ";
#define DEBIAN12_OPTS \
	"DNSMAP IPV6_FULL LDAPMAP LDAP_NETWORK_TIMEOUT LDAP_REFERRALS LOG " \
	"MAP_REGEX MATCHGECOS MAXDAEMONS=64 MILTER MIME7TO8 MIME8TO7 " \
	"NAMED_BIND NETINET NETINET6 NETUNIX NEWDB=5.3 NIS NISPLUS " \
	"PIPELINING SASLv2 SCANF SOCKETMAP STARTTLS TCPWRAPPERS TLS_EC " \
	"TLS_VRFY_PER_CTX USERDB USE_LDAP_INIT XDEBUG"

/*
 * An 8.14 binary as AIX 7.1/7.2 ships it, without TLS or AUTH.  Written
 * in sendmail's layout from its CompileOptions names; AIX's exact list is
 * unconfirmed (tls-packaging.md 2.1).
 */
static const char aix814[] =
	"Version 8.14.4\n"
	" Compiled with: DNSMAP LDAPMAP LOG MAP_REGEX MATCHGECOS MIME7TO8\n"
	"\t\tMIME8TO7 NAMED_BIND NDBM NETINET NETINET6 NETUNIX NEWDB NIS\n"
	"\t\tPIPELINING SCANF USERDB XDEBUG\n"
	"Warning: .cf file is out of date: sendmail 8.14.4 supports version "
	"10, .cf file is version 0\n";

/* crlf - s with every "\n" made "\r\n" (a capture saved on Windows). */
static char *
crlf(const char *s)
{
	struct sbuf b = { 0 };

	sbuf_add(&b, "", 0);
	for (; *s != '\0'; s++)
		sbuf_adds(&b, *s == '\n' ? "\r\n" : (char[]){ *s, '\0' });
	return b.s;
}

/* joined - the options of c, one space between. */
static char *
joined(const struct smcaps *c)
{
	struct sbuf b = { 0 };
	size_t i;

	sbuf_add(&b, "", 0);
	for (i = 0; i < c->opts.n; i++)
		sbuf_addf(&b, "%s%s", i > 0 ? " " : "", c->opts.v[i]);
	return b.s;
}

/*
 * The parse table: the output (NULL: debian12 with CRLF line ends),
 * what smcaps_parse returns, and then the version (NULL: none), the
 * options joined, the two flags; or, for -1, a part of the reason in
 * place of the version.
 */
struct parse_row {
	const char	*name, *out;
	int		 rc;
	const char	*version, *opts;
	int		 starttls, sasl;
};

static const struct parse_row parse_rows[] = {
	{ "debian 12 (real capture)", debian12, 0, "8.17.1.9", DEBIAN12_OPTS,
	    1, 1 },
	{ "debian 12 with CRLF line ends", NULL, 0, "8.17.1.9", DEBIAN12_OPTS,
	    1, 1 },
	{ "8.14 AIX-like, no STARTTLS nor SASL", aix814, 0, "8.14.4",
	    "DNSMAP LDAPMAP LOG MAP_REGEX MATCHGECOS MIME7TO8 MIME8TO7 "
	    "NAMED_BIND NDBM NETINET NETINET6 NETUNIX NEWDB NIS PIPELINING "
	    "SCANF USERDB XDEBUG", 0, 0 },
	{ "SASL v1 only",
	    "Version 8.12.11\n Compiled with: LOG MILTER NETINET SASL\n"
	    "\t\tUSERDB\n", 0, "8.12.11", "LOG MILTER NETINET SASL USERDB",
	    0, 1 },
	{ "NAME=value tokens on continuation lines",
	    "Version 8.18.1\n Compiled with: CDB=2 DANE\n"
	    "\t\tMAXDAEMONS=64 NEWDB=5.3 SYSLOG_BUFSIZE=1024\n"
	    "\t\tSTARTTLS\n", 0, "8.18.1",
	    "CDB=2 DANE MAXDAEMONS=64 NEWDB=5.3 SYSLOG_BUFSIZE=1024 STARTTLS",
	    1, 0 },
	{ "empty Compiled with line", "Version 8.15.2\n Compiled with:\n\n"
	    "ADDRESS TEST MODE\n", 0, "8.15.2", "", 0, 0 },
	{ "the block ends at a line without a TAB",
	    "Version 8.17.1\n Compiled with: LOG\n\t\tMILTER\n"
	    " STARTTLS SASLv2\n\t\tNETINET\n", 0, "8.17.1", "LOG MILTER",
	    0, 0 },
	{ "no Version line", " Compiled with: LOG STARTTLS\n", 0, NULL,
	    "LOG STARTTLS", 1, 0 },
	{ "no newline at the end",
	    "Version 8.17.1.9\n Compiled with: LOG\n\t\tSTARTTLS SASLv2", 0,
	    "8.17.1.9", "LOG STARTTLS SASLv2", 1, 1 },
	{ "control and non-ASCII bytes separate tokens",
	    "Version 8.17\x01x\n Compiled with: LOG\x1b[1mX\x7fY\xc3\xa9Z\n",
	    0, "8.17", "LOG [1mX Y Z", 0, 0 },
	{ "garbage", "sendmail: illegal option -- d\nusage: sendmail ...\n",
	    -1, "no 'Compiled with:' block", NULL, 0, 0 },
	{ "Version alone", "Version 8.17.1.9\n", -1,
	    "no 'Compiled with:' block", NULL, 0, 0 },
	{ "empty", "", -1, "no 'Compiled with:' block", NULL, 0, 0 },
};

/* str_eq - a and b are both NULL or the same string. */
static int
str_eq(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* parse_case - run one row; 0 if it gave what it should, else 1 (said). */
static int
parse_case(const struct parse_row *row)
{
	struct smcaps c;
	char *out = row->out != NULL ? xstrdup(row->out) : crlf(debian12);
	char *why = NULL, *opts;
	int rc, bad;

	rc = smcaps_parse(out, strlen(out), &c, &why);
	opts = joined(&c);
	if (row->rc < 0)
		bad = rc != -1 || why == NULL ||
		    strstr(why, row->version) == NULL || c.version != NULL ||
		    c.opts.n != 0;
	else
		bad = rc != 0 || !str_eq(c.version, row->version) ||
		    strcmp(opts, row->opts) != 0 ||
		    c.starttls != row->starttls || c.sasl != row->sasl ||
		    c.path != NULL;
	if (bad)
		print_error("case %s: got %d, why \"%s\", version %s, opts "
		    "\"%s\", starttls %d, sasl %d; want %d, %s \"%s\", %d, "
		    "%d\n", row->name, rc, why != NULL ? why : "",
		    c.version != NULL ? c.version : "NULL", opts, c.starttls,
		    c.sasl, row->rc, row->version != NULL ? row->version :
		    "NULL", row->opts != NULL ? row->opts : "", row->starttls,
		    row->sasl);
	smcaps_free(&c);
	free(opts);
	free(out);
	free(why);
	return bad;
}

static void
test_parse(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++)
		bad += parse_case(&parse_rows[i]);
	assert_int_equal(bad, 0);
}

/* Only len bytes are read, and at most SMCAPS_SCAN_MAX of them. */
static void
test_parse_bounds(void **state)
{
	struct smcaps c;
	struct sbuf b = { 0 };
	char *why = NULL, *opts;

	(void)state;
	/* len ends the text before "STARTTLS" on the last line. */
	assert_int_equal(smcaps_parse(debian12, strstr(debian12, "STARTTLS") -
	    debian12, &c, &why), 0);
	assert_int_equal(c.starttls, 0);
	assert_int_equal(c.sasl, 1);
	smcaps_free(&c);
	/* A block after SMCAPS_SCAN_MAX bytes of other lines is not seen. */
	while (b.len < SMCAPS_SCAN_MAX)
		sbuf_adds(&b, "a line sendmail would not print\n");
	sbuf_adds(&b, debian12);
	assert_int_equal(smcaps_parse(b.s, b.len, &c, &why), -1);
	assert_non_null(strstr(why, "Compiled with:"));
	/* One just inside the limit, with megabytes after it, is. */
	b.len = 0;
	sbuf_adds(&b, debian12);
	while (b.len < 4 * 1024 * 1024)
		sbuf_adds(&b, "\t\tNOT_AN_OPTION more text after the block\n");
	assert_int_equal(smcaps_parse(b.s, b.len, &c, &why), 0);
	opts = joined(&c);
	assert_string_equal(opts, DEBIAN12_OPTS);
	free(opts);
	smcaps_free(&c);
	sbuf_free(&b);
	free(why);
}

/* smcaps_has: NAME or NAME=value, whole names, case as printed. */
static void
test_has_describe(void **state)
{
	static const struct {
		const char *name;
		int want;
	} cases[] = {
		{ "STARTTLS", 1 }, { "SASLv2", 1 }, { "MAXDAEMONS", 1 },
		{ "MAXDAEMONS=64", 1 }, { "NEWDB", 1 }, { "XDEBUG", 1 },
		{ "SASL", 0 }, { "TLS", 0 }, { "NEWDB=5", 0 },
		{ "starttls", 0 }, { "", 0 }, { "CDB", 0 },
	};
	struct smcaps c;
	struct sbuf d = { 0 };
	size_t i;
	int bad = 0, got;

	(void)state;
	assert_int_equal(smcaps_parse(debian12, strlen(debian12), &c, NULL),
	    0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if ((got = smcaps_has(&c, cases[i].name)) != cases[i].want) {
			print_error("case %s: got %d, want %d\n",
			    cases[i].name, got, cases[i].want);
			bad++;
		}
	assert_int_equal(bad, 0);
	c.path = xstrdup("/usr/sbin/sendmail");
	smcaps_describe(&c, &d);
	assert_string_equal(d.s, "sendmail 8.17.1.9 at /usr/sbin/sendmail: "
	    "STARTTLS yes, SASL yes");
	smcaps_free(&c);
	assert_int_equal(smcaps_parse(aix814, strlen(aix814), &c, NULL), 0);
	free(c.version);
	c.version = NULL;
	c.path = xstrdup("/usr/lib/sendmail");
	d.len = 0;
	smcaps_describe(&c, &d);
	assert_string_equal(d.s, "sendmail version unknown at "
	    "/usr/lib/sendmail: STARTTLS no, SASL no");
	smcaps_free(&c);
	sbuf_free(&d);
}

/* scratch - a new directory under $TMPDIR or /tmp (caller frees). */
static char *
scratch(const char *name)
{
	const char *t = getenv("TMPDIR");
	char *d;

	d = xasprintf("%s/mp-smcaps-%s.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp", name);
	if (mkdtemp(d) == NULL)
		fail_msg("mkdtemp %s: %s", d, strerror(errno));
	return d;
}

/* rm_rf - remove dir and what the tests put in it. */
static void
rm_rf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		print_error("could not remove %s\n", dir);
	free(cmd);
}

/* put_bytes - path holds len bytes of buf, with mode (a new inode). */
static void
put_bytes(const char *path, const char *buf, size_t len, mode_t mode)
{
	struct stat like;

	memset(&like, 0, sizeof(like));
	like.st_uid = geteuid();
	like.st_gid = getegid();
	like.st_mode = mode;
	assert_int_equal(fileio_replace(path, buf, len, &like), 0);
}

/* put - put_bytes of the string body. */
static void
put(const char *path, const char *body, mode_t mode)
{
	put_bytes(path, body, strlen(body), mode);
}

/*
 * stub - a script at dir/name that appends a line to dir/name.runs each
 * time it runs, then runs body.  Returns its path (caller frees).
 */
static char *
stub(const char *dir, const char *name, const char *body)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *text = xasprintf("#!/bin/sh\necho run >>'%s.runs'\n%s\n", path,
	    body);

	put(path, text, 0755);
	free(text);
	return path;
}

/* runs - how many times the stub at path ran. */
static int
runs(const char *path)
{
	char *f = xasprintf("%s.runs", path), *buf;
	size_t len, i;
	int n = 0;

	if (fileio_read(f, 1 << 20, 0, &buf, &len) == 0) {
		for (i = 0; i < len; i++)
			n += buf[i] == '\n';
		free(buf);
	}
	free(f);
	return n;
}

#define BLOCK_BODY \
	"printf 'Version 8.17.1.9\\n Compiled with: MILTER NEWDB=5.3\\n" \
	"\\t\\tSTARTTLS SASLv2\\n\\nADDRESS TEST MODE\\n> '"

/* probe_ok - probe bin with dir's cache; it must succeed, fully. */
static void
probe_ok(const char *bin, const char *dir)
{
	struct smcaps c;
	char *why = NULL, *opts;

	if (smcaps_probe(bin, dir, 5000, &c, &why) != 0)
		fail_msg("probe %s: %s", bin, why);
	assert_string_equal(c.path, bin);
	assert_string_equal(c.version, "8.17.1.9");
	opts = joined(&c);
	assert_string_equal(opts, "MILTER NEWDB=5.3 STARTTLS SASLv2");
	free(opts);
	assert_int_equal(c.starttls, 1);
	assert_int_equal(c.sasl, 1);
	smcaps_free(&c);
}

/*
 * The cache: a second probe does not run the binary, nor one through a
 * link to it; a new mtime, or a new inode of the same size and mtime,
 * does.  Two binaries keep a record each.
 */
static void
test_probe_cache(void **state)
{
	char *dir, *bin, *other, *link, *tmp, *caps, *buf;
	struct stat st, st2;
	struct timespec ts[2];
	size_t len;

	(void)state;
	if (!can_probe)
		skip();
	dir = scratch("cache");
	bin = stub(dir, "sendmail", BLOCK_BODY);
	other = stub(dir, "sendmail2", BLOCK_BODY);
	probe_ok(bin, dir);
	assert_int_equal(runs(bin), 1);
	probe_ok(bin, dir);
	assert_int_equal(runs(bin), 1);
	caps = xasprintf("%s/%s", dir, STATE_CAPS);
	assert_int_equal(fileio_read(caps, 1 << 16, 0, &buf, &len), 0);
	assert_non_null(strstr(buf, bin));
	free(buf);
	/* The key is the file a link leads to. */
	link = xasprintf("%s/link", dir);
	assert_int_equal(symlink(bin, link), 0);
	probe_ok(link, dir);
	assert_int_equal(runs(bin), 1);
	/* Another binary gets its own record; the first one's stays. */
	probe_ok(other, dir);
	probe_ok(bin, dir);
	probe_ok(other, dir);
	assert_int_equal(runs(other), 1);
	assert_int_equal(runs(bin), 1);
	/* A new mtime: probed again, then kept again. */
	assert_int_equal(stat(bin, &st), 0);
	ts[0].tv_sec = ts[1].tv_sec = st.st_mtime - 100;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, bin, ts, 0), 0);
	probe_ok(bin, dir);
	assert_int_equal(runs(bin), 2);
	probe_ok(link, dir);
	assert_int_equal(runs(bin), 2);
	/* The same bytes and mtime in a new file renamed over it. */
	assert_int_equal(stat(bin, &st), 0);
	assert_int_equal(fileio_read(bin, 1 << 16, 0, &buf, &len), 0);
	tmp = xasprintf("%s/new", dir);
	put(tmp, buf, 0755);
	free(buf);
	ts[0] = ts[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, tmp, ts, 0), 0);
	assert_int_equal(rename(tmp, bin), 0);
	assert_int_equal(stat(bin, &st2), 0);
	assert_int_equal(st2.st_size, st.st_size);
	assert_int_equal(st2.st_mtime, st.st_mtime);
	assert_int_not_equal(st2.st_ino, st.st_ino);
	probe_ok(bin, dir);
	assert_int_equal(runs(bin), 3);
	probe_ok(bin, dir);
	assert_int_equal(runs(bin), 3);
	/* No state directory: no cache. */
	probe_ok(bin, NULL);
	probe_ok(bin, NULL);
	assert_int_equal(runs(bin), 5);
	rm_rf(dir);
	free(dir), free(bin), free(other), free(link), free(tmp), free(caps);
}

/*
 * A cache file that is malformed, or not trusted, is ignored and written
 * anew.  Each case spoils the good file (which holds the right record)
 * in one way: the binary must run once more, the file must be good
 * again, and the next probe must not run it.  The first case puts the
 * good bytes back unspoiled: no run (the others are not misses by luck).
 */
static void
test_probe_bad_cache(void **state)
{
	enum spoil { NONE, GARBAGE, EMPTY, HEADER, NO_NL, JUNK_LINE, NUL,
	    TOO_MANY, GROUP_W, WORLD_W };
	static const struct {
		const char *name;
		enum spoil how;
	} cases[] = {
		{ "the good file again", NONE }, { "garbage", GARBAGE },
		{ "empty", EMPTY }, { "another format's header", HEADER },
		{ "no newline at the end", NO_NL },
		{ "a malformed line after the record", JUNK_LINE },
		{ "a NUL byte after the record", NUL },
		{ "more records than kept", TOO_MANY },
		{ "group-writable", GROUP_W }, { "world-writable", WORLD_W },
	};
	char *dir, *bin, *caps, *good, *buf;
	struct sbuf b = { 0 };
	struct stat st;
	size_t i, k, len, glen;
	mode_t mode;
	int want = 1;

	(void)state;
	if (!can_probe)
		skip();
	dir = scratch("badcache");
	bin = stub(dir, "sendmail", BLOCK_BODY);
	caps = xasprintf("%s/%s", dir, STATE_CAPS);
	probe_ok(bin, dir);
	assert_int_equal(fileio_read(caps, 1 << 16, 0, &good, &glen), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b.len = 0;
		sbuf_add(&b, good, glen);
		mode = 0644;
		switch (cases[i].how) {
		case NONE:
			break;
		case GARBAGE:
			b.len = 0;
			sbuf_adds(&b, "not a cache\n");
			break;
		case EMPTY:
			b.len = 0;
			break;
		case HEADER:
			b.s[strlen("mailprov-caps ")] = '2';
			break;
		case NO_NL:
			b.len--;
			break;
		case JUNK_LINE:
			sbuf_adds(&b, "junk\n");
			break;
		case NUL:
			sbuf_add(&b, "\0\n", 2);
			break;
		case TOO_MANY:
			for (k = 0; k < SMCAPS_CACHE_KEEP; k++)
				sbuf_add(&b, good + 16, glen - 16);
			break;
		case GROUP_W:
			mode = 0664;
			break;
		case WORLD_W:
			mode = 0666;
			break;
		}
		put_bytes(caps, b.s, b.len, mode);
		probe_ok(bin, dir);
		want += cases[i].how != NONE;
		if (runs(bin) != want)
			fail_msg("case %s: the binary ran %d times, want %d",
			    cases[i].name, runs(bin), want);
		assert_int_equal(stat(caps, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0644);
		assert_int_equal(fileio_read(caps, 1 << 16, 0, &buf, &len), 0);
		if (len != glen || memcmp(buf, good, len) != 0)
			fail_msg("case %s: the cache was not written "
			    "anew:\n%s", cases[i].name, buf);
		free(buf);
		probe_ok(bin, dir);
		assert_int_equal(runs(bin), want);
	}
	rm_rf(dir);
	sbuf_free(&b);
	free(dir), free(bin), free(caps), free(good);
}

/* A binary that prints no block, or hangs, or is missing: -1 and why. */
static void
test_probe_fails(void **state)
{
	static const struct {
		const char *name, *body, *why[3];
		int timeout_ms;
	} cases[] = {
		{ "prints nothing", "exit 0", { "/sendmail -d0.1 printed no "
		    "'Compiled with:' block (is it sendmail?)", NULL }, 5000 },
		{ "not sendmail", "echo 'usage: foo' >&2; exit 64",
		    { "printed no 'Compiled with:' block", "exit 64",
		    ": usage: foo" }, 5000 },
		{ "hangs", "exec sleep 30", { "/sendmail -d0.1 -bt did not "
		    "finish within", "it was killed", NULL }, 300 },
		{ "hangs after the block", "printf 'Version 1\\n Compiled "
		    "with: STARTTLS\\n'; exec sleep 30", { "did not finish",
		    NULL }, 300 },
	};
	struct smcaps c;
	char *dir, *bin, *caps, *why = NULL;
	size_t i, j;
	long t0;
	int rc;

	(void)state;
	if (!can_probe)
		skip();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dir = scratch("fails");
		bin = stub(dir, "sendmail", cases[i].body);
		t0 = proc_mono_ms();
		rc = smcaps_probe(bin, dir, cases[i].timeout_ms, &c, &why);
		if (rc != -1)
			fail_msg("case %s: got %d, want -1", cases[i].name,
			    rc);
		assert_true(proc_mono_ms() - t0 < 4000);
		assert_int_equal(runs(bin), 1);
		assert_non_null(why);
		assert_null(strchr(why, '\n'));
		for (j = 0; j < 3 && cases[i].why[j] != NULL; j++)
			if (strstr(why, cases[i].why[j]) == NULL)
				fail_msg("case %s: got \"%s\", want \"%s\" "
				    "in it", cases[i].name, why,
				    cases[i].why[j]);
		assert_null(c.path);
		assert_null(c.version);
		/* Nothing kept: the next probe runs it again. */
		caps = xasprintf("%s/%s", dir, STATE_CAPS);
		assert_int_equal(access(caps, F_OK), -1);
		smcaps_free(&c);
		rm_rf(dir);
		free(dir), free(bin), free(caps);
	}
	assert_int_equal(smcaps_probe("/nonexistent/sendmail", "/tmp", 1000,
	    &c, &why), -1);
	assert_string_equal(why, "cannot probe /nonexistent/sendmail: No such "
	    "file or directory");
	assert_int_equal(smcaps_probe("/nonexistent/sendmail", NULL, 1000,
	    &c, &why), -1);
	assert_non_null(strstr(why, "/nonexistent/sendmail"));
	free(why);
}

/*
 * The program SRC starts: the path of the mock SRC's record, or
 * /usr/lib/sendmail without one, followed through links inside root.
 */
static void
test_resolve_program(void **state)
{
	static const struct {
		const char *name, *rec, *want, *why;	/* want: inside root */
	} cases[] = {
		{ "no definition: /usr/lib/sendmail", NULL,
		    "/usr/sbin/sendmail", NULL },
		{ "defined without a path", "defined=1\npath=\n",
		    "/usr/sbin/sendmail", NULL },
		{ "the link", "defined=1\npath=/usr/lib/sendmail\n",
		    "/usr/sbin/sendmail", NULL },
		{ "a link to a link", "defined=1\npath=/opt/sm\n",
		    "/usr/sbin/sendmail_ssl", NULL },
		{ "a plain file", "defined=1\npath=/usr/sbin/sendmail_ssl\n",
		    "/usr/sbin/sendmail_ssl", NULL },
		{ "missing", "defined=1\npath=/usr/local/sbin/sendmail\n",
		    NULL, "/usr/local/sbin/sendmail (SRC's program for "
		    "sendmail) leads to" },
		{ "a directory", "defined=1\npath=/usr/sbin\n", NULL,
		    "not a regular file" },
		{ "relative", "defined=1\npath=sendmail\n", NULL,
		    "SRC's program for sendmail, 'sendmail', is not an "
		    "absolute path" },
	};
	struct src_config cfg;
	struct src *src;
	char *root, *sdir, *p, *rec, *got, *why = NULL, *want;
	size_t i;

	(void)state;
	root = scratch("root");
	sdir = scratch("src");
	p = xasprintf("mkdir -p '%s/usr/sbin' '%s/usr/lib' '%s/opt/bin' && "
	    "touch '%s/usr/sbin/sendmail' '%s/usr/sbin/sendmail_ssl' && "
	    "ln -s /usr/sbin/sendmail '%s/usr/lib/sendmail' && "
	    "ln -s ../opt/bin/sm2 '%s/opt/sm' && "
	    "ln -s /usr/sbin/sendmail_ssl '%s/opt/bin/sm2'", root, root, root,
	    root, root, root, root, root);
	assert_int_equal(system(p), 0);
	free(p);
	memset(&cfg, 0, sizeof(cfg));
	cfg.root = root;
	cfg.state_dir = sdir;
	assert_non_null(src = src_open("mock", &cfg));
	rec = xasprintf("%s/sendmail.rec", sdir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unlink(rec);
		if (cases[i].rec != NULL)
			put(rec, cases[i].rec, 0644);
		got = smcaps_resolve_program(root, src, "sendmail", &why);
		want = cases[i].want != NULL ? xasprintf("%s%s", root,
		    cases[i].want) : NULL;
		if (want != NULL && (got == NULL || strcmp(got, want) != 0))
			fail_msg("case %s: got %s (%s), want %s",
			    cases[i].name, got != NULL ? got : "NULL", why,
			    want);
		if (want == NULL && (got != NULL ||
		    strstr(why, cases[i].why) == NULL))
			fail_msg("case %s: got %s, \"%s\", want \"%s\"",
			    cases[i].name, got != NULL ? got : "NULL", why,
			    cases[i].why);
		free(got);
		free(want);
	}
	src_close(src);
	rm_rf(root);
	rm_rf(sdir);
	free(root), free(sdir), free(rec), free(why);
}

/* The real sendmail, through tests/sendmail-sandbox (root: namespaces). */
static void
test_probe_real(void **state)
{
	struct smcaps c;
	struct sbuf d = { 0 };
	char *bin, *dir, *why = NULL;
	int i;

	(void)state;
	if (geteuid() != 0 || !can_probe)
		skip();
	if ((bin = realpath("tests/sendmail-sandbox", NULL)) == NULL)
		fail_msg("tests/sendmail-sandbox: %s (run from the top of the "
		    "checkout)", strerror(errno));
	dir = scratch("real");
	for (i = 0; i < 2; i++) {	/* probed, then from the cache */
		if (smcaps_probe(bin, dir, 30000, &c, &why) != 0)
			fail_msg("probe %s: %s", bin, why);
		assert_int_equal(c.starttls, 1);
		assert_int_equal(c.sasl, 1);
		assert_non_null(c.version);
		assert_memory_equal(c.version, "8.", 2);
		assert_true(smcaps_has(&c, "NETINET"));
		d.len = 0;
		smcaps_describe(&c, &d);
		print_message("%s\n", d.s);
		smcaps_free(&c);
	}
	rm_rf(dir);
	sbuf_free(&d);
	free(bin), free(dir), free(why);
}

/*
 * qualify - make this process's host name one sendmail qualifies, in a
 * UTS namespace of its own when it is not (root only).  1 if it is.
 */
static int
qualify(void)
{
	static const char name[] = "smcaps-test.example.net";
	char host[256];

	if (gethostname(host, sizeof(host)) == 0 &&
	    memchr(host, '.', strnlen(host, sizeof(host))) != NULL)
		return 1;
	if (geteuid() != 0 || unshare(CLONE_NEWUTS) < 0 ||
	    sethostname(name, sizeof(name) - 1) < 0) {
		fprintf(stderr, "smcaps_test: the host name has no dot and "
		    "cannot be changed (not root?): the probe tests skip\n");
		return 0;
	}
	return 1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_has_describe),
		cmocka_unit_test(test_probe_cache),
		cmocka_unit_test(test_probe_bad_cache),
		cmocka_unit_test(test_probe_fails),
		cmocka_unit_test(test_resolve_program),
		cmocka_unit_test(test_probe_real),
	};

	signal(SIGPIPE, SIG_IGN);
	can_probe = qualify();
	return cmocka_run_group_tests_name("smcaps", tests, NULL, NULL);
}
