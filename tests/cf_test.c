/*
 * cf_test.c - the lossless sendmail.cf editor (lib/cf.c).  Each case
 * gives the input, the edit and the exact bytes expected.
 *
 * The option, map and mailer-port cases also run on sendmail.cf files
 * that m4 builds from Debian's sendmail-cf when the test runs
 * (tests/mkcf.sh) and on the AIX-shaped fixture, and the real sendmail
 * must load every cf these cases produce without a word (sm_lint in
 * tests/smlib.sh: the sandbox, so root).  Run from the top of the
 * checkout, as tests/run.sh does.
 */
#include "testutil.h"

#include <sys/wait.h>
#include <unistd.h>

#include "cf.h"

#define CF(lit)	cf_parse(lit, sizeof(lit) - 1)

/* cf_text - the serialised bytes of cf (caller frees). */
static char *
cf_text(struct cf *cf)
{
	struct sbuf out = { 0 };

	cf_serialize(cf, &out);
	return out.s;
}

static void
test_set_macro(void **state)
{
	static const struct {
		const char *name, *in, *macro, *value, *out;
		int changed, notes;
	} cases[] = {
		{ "replace", "V10\nDwold\nCwlocalhost\n", "w", "new",
		    "V10\nDwnew\nCwlocalhost\n", 1, 0 },
		{ "same value", "V10\nDwnew\n", "w", "new", "V10\nDwnew\n", 0, 0 },
		{ "uncomment the example", "V10\n#Dwmyhost\nCwlocalhost\n", "w",
		    "dm", "V10\nDwdm\nCwlocalhost\n", 1, 0 },
		{ "insert before Cw", "V10\n# x\nCwlocalhost\n", "m",
		    "example.net", "V10\n# x\nDmexample.net\nCwlocalhost\n", 1, 0 },
		{ "insert after V without Cw", "V10\nDS\n", "w", "dm",
		    "V10\nDwdm\nDS\n", 1, 0 },
		{ "empty value", "DS[old]\n", "S", "", "DS\n", 1, 0 },
		{ "duplicate: one active line", "DSa\n# c\nDSb\n", "S", "[r]",
		    "DS[r]\n# c\n#DSb\n", 1, 1 },
		{ "DS is not Dw", "DSx\nDw\n", "S", "x", "DSx\nDw\n", 0, 0 },
		{ "CRLF kept", "V10\r\nDwold\r\n", "w", "new",
		    "V10\r\nDwnew\r\n", 1, 0 },
		{ "continuation dropped", "Dwold\n\tmore\nCw\n", "w", "new",
		    "Dwnew\nCw\n", 1, 0 },
		{ "no final newline", "V10\nDwold", "w", "new", "V10\nDwnew", 1,
		    0 },
		{ "long macro name", "D{x}a\n", "{x}", "b", "D{x}b\n", 1, 0 },
		{ "not glued to a stray continuation (fuzz)", " ", "w", "dm",
		    " \nDwdm\n", 1, 0 },
		{ "commented example with a continuation is not reused",
		    "V10\n#Dwold\n\tname\nCwlocalhost\n", "w", "dm",
		    "V10\n#Dwold\n\tname\nDwdm\nCwlocalhost\n", 1, 0 },
		{ "duplicate with a continuation: both commented",
		    "DSa\nDSb\n\tc\n", "S", "a", "DSa\n#DSb\n#\tc\n", 1, 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cf *cf = cf_parse(cases[i].in, strlen(cases[i].in));
		int r = cf_set_macro(cf, cases[i].macro, cases[i].value);
		char *got = cf_text(cf);

		check_text(cases[i].name, got, cases[i].out);
		if (r != cases[i].changed)
			fail_msg("%s: changed %d, want %d", cases[i].name, r,
			    cases[i].changed);
		if (cf->notes.n != (size_t)cases[i].notes)
			fail_msg("%s: %zu notes, want %d", cases[i].name,
			    cf->notes.n, cases[i].notes);
		free(got);
		cf_free(cf);
	}
}

static void
test_class_file(void **state)
{
	static const struct {
		const char *name, *in, *out, *path;
		int changed;
	} cases[] = {
		{ "already right", "Cwlocalhost\nFw-o /etc/mail/lhn\n",
		    "Cwlocalhost\nFw-o /etc/mail/lhn\n", "/etc/mail/lhn", 0 },
		{ "add -o", "Fw/etc/mail/lhn\n", "Fw-o /etc/mail/lhn\n",
		    "/etc/mail/lhn", 1 },
		{ "keep the format", "Fw/etc/mail/lhn %[^#]\n",
		    "Fw-o /etc/mail/lhn %[^#]\n", "/etc/mail/lhn", 1 },
		{ "uncomment", "Cwlocalhost\n#Fw-o /etc/mail/x\n",
		    "Cwlocalhost\nFw-o /etc/mail/x\n", "/etc/mail/x", 1 },
		{ "insert after Cw", "V10\nCwlocalhost\nDS\n",
		    "V10\nCwlocalhost\nFw-o /etc/mail/local-host-names\nDS\n",
		    "/etc/mail/local-host-names", 1 },
		{ "insert after Cw's continuation", "Cwlocalhost\n\tx\nDS\n",
		    "Cwlocalhost\n\tx\nFw-o /etc/mail/local-host-names\nDS\n",
		    "/etc/mail/local-host-names", 1 },
		{ "second Fw commented", "Fw-o /a\nFw-o /b\n",
		    "Fw-o /a\n#Fw-o /b\n", "/a", 1 },
	};
	size_t i;
	char *path, *got;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cf *cf = cf_parse(cases[i].in, strlen(cases[i].in));
		int r = cf_ensure_class_file(cf, 'w',
		    "/etc/mail/local-host-names", &path);

		got = cf_text(cf);
		check_text(cases[i].name, got, cases[i].out);
		assert_int_equal(r, cases[i].changed);
		assert_string_equal(path, cases[i].path);
		free(path);
		free(got);
		cf_free(cf);
	}
	/* A class fed by a program cannot be managed. */
	{
		struct cf *cf = CF("Fw|/bin/hosts\n");

		assert_int_equal(cf_ensure_class_file(cf, 'w', "/x", &path), -1);
		assert_non_null(strstr(cf->err, "read from a program"));
		assert_null(path);
		cf_free(cf);
	}
}

static void
test_restrict_class(void **state)
{
	struct strlist allowed = { 0 };
	struct cf *cf;
	char *got;

	(void)state;
	strlist_push(&allowed, "localhost");
	strlist_push(&allowed, "dm.example.net");
	cf = CF("Cwlocalhost old.example.net\nCwgone\nCRx\n");
	assert_int_equal(cf_restrict_class(cf, 'w', &allowed), 1);
	got = cf_text(cf);
	check_text("restrict", got, "Cwlocalhost\n#Cwgone\nCRx\n");
	assert_int_equal(cf->notes.n, 2);
	free(got);
	cf_free(cf);
	cf = CF("CwLOCALHOST\n");
	assert_int_equal(cf_restrict_class(cf, 'w', &allowed), 0);
	cf_free(cf);
	/* Names on a continuation line belong to the class too. */
	cf = CF("Cwlocalhost\n\tevil.example\nDS\n");
	assert_int_equal(cf_restrict_class(cf, 'w', &allowed), 1);
	got = cf_text(cf);
	check_text("restrict continuation", got, "Cwlocalhost\nDS\n");
	free(got);
	cf_free(cf);
	strlist_clear(&allowed);
}

#define AIXRULES \
	"Sparse=0\n" \
	"R$* < @ $* . $=m . > $*\t$#esmtp $@ $2 . $3 . $: $1 < @ $2 . $3 . > $4\tAIX\n" \
	"# uncomment to forward all mail to the relay host\n" \
	"#R$* < @ $* > $*\t$#relay $@ $S $: $1 < @ $2 > $3\tall\n" \
	"S5\n"

static void
test_relay_all(void **state)
{
	enum cf_relay_shape shape;
	struct cf *cf;
	char *got;

	(void)state;
	/* AIX shape, on: forward rule enabled, AIX rule commented out. */
	cf = cf_parse(AIXRULES, strlen(AIXRULES));
	assert_int_equal(cf_relay_all(cf, 1, &shape), 1);
	assert_int_equal(shape, CF_RELAY_DIRECT);
	got = cf_text(cf);
	check_text("aix on", got, "Sparse=0\n"
	    "#R$* < @ $* . $=m . > $*\t$#esmtp $@ $2 . $3 . $: $1 < @ $2 . $3 . > $4\tAIX\n"
	    "# uncomment to forward all mail to the relay host\n"
	    "R$* < @ $* > $*\t$#relay $@ $S $: $1 < @ $2 > $3\tall\n"
	    "S5\n");
	assert_int_equal(cf->notes.n, 2);
	/* Twice is a no-op. */
	{
		struct cf *again = cf_parse(got, strlen(got));

		assert_int_equal(cf_relay_all(again, 1, &shape), 0);
		/* And off puts the file back as it was. */
		assert_int_equal(cf_relay_all(again, 0, &shape), 1);
		free(got);
		got = cf_text(again);
		check_text("aix off", got, AIXRULES);
		cf_free(again);
	}
	free(got);
	cf_free(cf);

	/* m4 shape: MailerToTriple for any host, nothing to change. */
	cf = CF("SParse1\nR$* < @ $* > $*\t\t$: $>MailerToTriple < $S > "
	    "$1 < @ $2 > $3\tglue\n");
	assert_int_equal(cf_relay_all(cf, 1, &shape), 0);
	assert_int_equal(shape, CF_RELAY_TRIPLE);
	cf_free(cf);

	/* The same rule outside ruleset 0 does not count. */
	cf = CF("S5\n#R$* < @ $* > $*\t$#relay $@ $S\n");
	assert_int_equal(cf_relay_all(cf, 1, &shape), -1);
	assert_int_equal(shape, CF_RELAY_NONE);
	assert_non_null(strstr(cf->err, "no ruleset-0 rule"));
	cf_free(cf);

	/* Only a single-host smart-host rule: not enough. */
	cf = CF("S0\nR$* < @ $- > $*\t$: $>SmartHost < $S > $1\n");
	assert_int_equal(cf_relay_all(cf, 1, &shape), -1);
	cf_free(cf);
}

static void
test_alias_file(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "O AliasFile=/etc/mail/aliases\n", "/etc/mail/aliases" },
		{ "OA/etc/aliases\n", "/etc/aliases" },
		{ "O AliasFile=hash:/etc/mail/a, /etc/mail/b\n", "/etc/mail/a" },
		{ "O AliasFile=nis:mail.aliases,/etc/x\n", "/etc/x" },
		{ "#O AliasFile=/etc/y\n", NULL },
		{ "O aliasfile=/etc/alt/aliases\n", "/etc/alt/aliases" },
	};
	size_t i;
	char *got;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cf *cf = cf_parse(cases[i].in, strlen(cases[i].in));

		got = cf_alias_file(cf);
		if (cases[i].want == NULL)
			assert_null(got);
		else
			assert_string_equal(got, cases[i].want);
		free(got);
		cf_free(cf);
	}
}

/* Mailer definitions and rulesets, as the candidate check reads them. */
static void
test_cf_mailers(void **state)
{
	static const char buf[] =
	    "Mlocal,\tP=/usr/lib/sm.bin/mail.local, F=lsDFMAw5:/|@qSPfhn9,\n"
	    "\t\tA=mail.local -l\n"
	    "Mcyrusv2,\tP=[IPC], F=lsDFMnqXzA@/:|m,\n"
	    "\t\tA=FILE /var/run/cyrus/socket/lmtp\n"
	    "Mrelay,\tP=[IPC], F=mDFMuXa8, S=EnvFromSMTP,\n"
	    "\t\tA=TCP $h\n"
	    "Mprocmail P=/usr/bin/procmail F=SPhnu9 A=procmail -Y -a $h\n"
	    "=M stray line\n"
	    "Scheck_rcpt\nScheck_relay=RULE\n#Scheck_mail\nSBasic_check_rcpt\n"
	    "Sauthinfo\nR$*\t$: <$(authinfo AuthInfo:$&{server_name} $)>\n"
	    "#R$*\t$: $(access AuthInfo: $)\nSnext\n"
	    "R$*\t$: $1 $| <$(access AuthInfo: $: ? $)> <>\n";
	static const struct {
		const char	*mailer;
		int		 local;
	} m[] = {
		{ "local", 1 }, { "cyrusv2", 1 }, { "relay", 0 },
		{ "procmail", 1 }, { "esmtp", -1 }, { "loc", -1 },
	};
	static const struct {
		const char	*rs;
		int		 has;
	} r[] = {
		{ "check_rcpt", 1 }, { "check_relay", 1 }, { "check_mail", 0 },
		{ "check_rc", 0 },
	};
	struct cf *cf = cf_parse(buf, sizeof(buf) - 1);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (cf_mailer_is_local(cf, m[i].mailer) != m[i].local)
			fail_msg("mailer %s: got %d, want %d", m[i].mailer,
			    cf_mailer_is_local(cf, m[i].mailer), m[i].local);
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		if (cf_has_ruleset(cf, r[i].rs) != r[i].has)
			fail_msg("ruleset %s: got %d, want %d", r[i].rs,
			    cf_has_ruleset(cf, r[i].rs), r[i].has);
	/* Only its own active R lines count: not a comment, not the next. */
	assert_int_equal(cf_ruleset_has(cf, "authinfo", "$(authinfo"), 1);
	assert_int_equal(cf_ruleset_has(cf, "authinfo", "$(access AuthInfo"),
	    0);
	assert_int_equal(cf_ruleset_has(cf, "next", "$(access AuthInfo"), 1);
	assert_int_equal(cf_ruleset_has(cf, "missing", "$("), 0);
	cf_free(cf);
}

/* ------------------------------------------- real cf files, real sendmail */

/*
 * A local mailer, so that the real sendmail loads a small hand-built cf
 * ("No local mailer defined" otherwise); AIX's, from the fixture.
 */
#define MLOCAL \
	"Mlocal,\t\tP=/bin/bellmail, F=lsDFMAw5:/|@qmn9, S=EnvFromL, " \
	"R=EnvToL,\n\t\tT=DNS/RFC822/X-Unix,\n\t\tA=mail -F $g $u\n"

static char *dir;	/* this run's scratch directory, made by main */

/* put - write text to dir/name; the path (caller frees). */
static char *
put(const char *name, const char *text, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* slurp - the whole file at path (caller frees). */
static char *
slurp(const char *path)
{
	struct sbuf b = { 0 };
	char chunk[8192];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (fp == NULL)
		fail_msg("cannot read %s", path);
	sbuf_add(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		sbuf_add(&b, chunk, n);
	assert_int_equal(ferror(fp), 0);
	fclose(fp);
	return b.s;
}

/* sh - run cmd with /bin/sh; its exit status, -1 if it did not exit. */
static int
sh(const char *cmd)
{
	int st = system(cmd);

	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* m4cf - the sendmail.cf tests/mkcf.sh builds from mc (caller frees). */
static char *
m4cf(const char *mc)
{
	char *in = put("in.mc", mc, strlen(mc)), *out, *cmd, *cf;

	out = xasprintf("%s/m4.cf", dir);
	cmd = xasprintf("sh tests/mkcf.sh '%s' '%s'", in, out);
	if (sh(cmd) != 0)
		fail_msg("tests/mkcf.sh failed on:\n%s", mc);
	cf = slurp(out);
	free(in), free(out), free(cmd);
	return cf;
}

/*
 * sm_run - run "sm_FUNC cf ARGS" from tests/smlib.sh (the real sendmail
 * in its sandbox) on text; its exit status, what it printed in *said.
 */
static int
sm_run(const char *text, const char *func, const char *args, char **said)
{
	char *cf = put("sm.cf", text, strlen(text)), *cmd;
	int rc;

	cmd = xasprintf(". tests/smlib.sh && %s '%s' %s >'%s/sm.out' 2>&1",
	    func, cf, args, dir);
	rc = sh(cmd);
	free(cmd);
	free(cf);
	cmd = xasprintf("%s/sm.out", dir);
	*said = slurp(cmd);
	free(cmd);
	return rc;
}

/* check_sendmail - the real sendmail loads text without a diagnostic. */
static void
check_sendmail(const char *what, const char *text)
{
	char *said;

	if (sm_run(text, "sm_lint", "", &said) != 0)
		fail_msg("%s: sendmail does not load the cf cleanly:\n%s",
		    what, said);
	free(said);
}

/*
 * ndiff - the number of lines that differ between a and b, which must
 * have as many lines; *at the 0-based index of the last one.
 */
static int
ndiff(const char *a, const char *b, size_t *at)
{
	size_t i = 0, na, nb;
	int n = 0;

	for (; *a != '\0' || *b != '\0'; a += na, b += nb, i++) {
		na = strcspn(a, "\n") + (a[strcspn(a, "\n")] == '\n');
		nb = strcspn(b, "\n") + (b[strcspn(b, "\n")] == '\n');
		if (na == 0 || nb == 0)
			return -1;		/* not as many lines */
		if (na != nb || memcmp(a, b, na) != 0) {
			n++;
			*at = i;
		}
	}
	return n;
}

/* nth_line - line i of text, without its terminator (caller frees). */
static char *
nth_line(const char *text, size_t i)
{
	for (; i > 0 && strchr(text, '\n') != NULL; i--)
		text = strchr(text, '\n') + 1;
	return xstrndup(text, strcspn(text, "\r\n"));
}

/*
 * check_row - a table row's result: return value, bytes, notes; and a
 * changed cf must load in the real sendmail unless sm is 0.
 */
static void
check_row(const char *name, struct cf *cf, int r, int want_r,
    const char *want, int want_notes, int sm)
{
	char *got = cf_text(cf);

	if (r != want_r)
		fail_msg("%s: returned %d, want %d (%s)", name, r, want_r,
		    cf->err);
	if (want != NULL)
		check_text(name, got, want);
	if (cf->notes.n != (size_t)want_notes)
		fail_msg("%s: %zu notes, want %d", name, cf->notes.n,
		    want_notes);
	if (r == 1 && sm)
		check_sendmail(name, got);
	free(got);
}

/* cf_set_option on small cfs (each with AIX's local mailer appended). */
static const struct {
	const char *name, *in, *opt, *value, *out;
	int changed, notes;
	int nosm;	/* not a cf sendmail loads cleanly */
} opt_rows[] = {
	{ "replace in place", "V10\nO LogLevel=9\nO MinFreeBlocks=100\n",
	    "LogLevel", "12",
	    "V10\nO LogLevel=12\nO MinFreeBlocks=100\n", 1, 0, 0 },
	{ "already so", "V10\nO LogLevel=9\n", "LogLevel", "9",
	    "V10\nO LogLevel=9\n", 0, 0, 0 },
	{ "name without case, line kept", "V10\nO loglevel = 9\n",
	    "LogLevel", "9", "V10\nO loglevel = 9\n", 0, 0, 0 },
	{ "uncomment m4's unset option", "V10\nO LogLevel=9\n\n"
	    "# CA file\n#O CACertFile\nDS\n", "CACertFile",
	    "/etc/mail/certs/ca.pem", "V10\nO LogLevel=9\n\n# CA file\n"
	    "O CACertFile=/etc/mail/certs/ca.pem\nDS\n", 1, 0, 0 },
	{ "uncomment an example with a value",
	    "V10\n#O CACertFile=/old/ca.pem\n", "CACertFile",
	    "/new/ca.pem", "V10\nO CACertFile=/new/ca.pem\n", 1, 0, 0 },
	{ "uncomment '# O Name'", "V10\n# O CACertPath\n", "CACertPath",
	    "/etc/mail/certs", "V10\nO CACertPath=/etc/mail/certs\n",
	    1, 0, 0 },
	{ "prose is not an example: insert after the last O",
	    "V10\n# O CACertFile is the CA\nO LogLevel=9\n\tx\nDS\n",
	    "CACertFile", "/c", "V10\n# O CACertFile is the CA\n"
	    "O LogLevel=9\n\tx\nO CACertFile=/c\nDS\n", 1, 0, 0 },
	{ "no O line: after V", "V10/Berkeley\nDS\n", "LogLevel", "12",
	    "V10/Berkeley\nO LogLevel=12\nDS\n", 1, 0, 0 },
	/* sendmail warns about a cf without V ("version 0"). */
	{ "no O, no V: after the header comments", "# hdr\n\nDS\n",
	    "LogLevel", "12", "# hdr\n\nO LogLevel=12\nDS\n", 1, 0,
	    1 },
	{ "duplicate commented out with a note",
	    "V10\nO LogLevel=9\n# x\nO LOGLEVEL=3\n", "LogLevel", "12",
	    "V10\nO LogLevel=12\n# x\n#O LOGLEVEL=3\n", 1, 1, 0 },
	{ "a sub-option is a whole name",
	    "V10\nO Timeout.queuewarn.urgent=1h\n#O Timeout.queuewarn\n",
	    "Timeout.queuewarn", "4h",
	    "V10\nO Timeout.queuewarn.urgent=1h\nO Timeout.queuewarn=4h\n",
	    1, 0, 0 },
	{ "CRLF kept", "V10\r\nO LogLevel=9\r\n#O CACertFile\r\n",
	    "CACertFile", "/c", "V10\r\nO LogLevel=9\r\nO CACertFile=/c\r\n",
	    1, 0, 0 },
	{ "continuation dropped", "V10\nO LogLevel=9\n\t\nDS\n",
	    "LogLevel", "9", "V10\nO LogLevel=9\nDS\n", 1, 0, 0 },
	{ "remove: every active line", "V10\nO LogLevel=9\nO LogLevel=3\n",
	    "LogLevel", NULL, "V10\n#O LogLevel=9\n#O LogLevel=3\n", 1, 0, 0 },
	{ "remove: nothing active", "V10\n#O CACertFile\n", "CACertFile",
	    NULL, "V10\n#O CACertFile\n", 0, 0, 0 },
	{ "refused: DaemonPortOptions", "V10\nO DaemonPortOptions=Name=MTA\n",
	    "DaemonPortOptions", "Port=587", NULL, -1, 0, 0 },
	{ "refused: a name with '='", "V10\n", "A=B", "1", NULL, -1, 0, 0 },
	{ "refused: a line break", "V10\n", "LogLevel", "9\nDSx", NULL,
	    -1, 0, 0 },
};

static void
test_set_option(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(opt_rows) / sizeof(opt_rows[0]); i++) {
		char *in = xasprintf("%s%s", opt_rows[i].in, MLOCAL);
		char *out = opt_rows[i].out ? xasprintf("%s%s", opt_rows[i].out,
		    MLOCAL) : NULL;
		struct cf *cf = cf_parse(in, strlen(in));
		int r = cf_set_option(cf, opt_rows[i].opt, opt_rows[i].value);

		check_row(opt_rows[i].name, cf, r, opt_rows[i].changed, out ? out : in,
		    opt_rows[i].notes, !opt_rows[i].nosm);
		if (r < 0 && strstr(cf->err, opt_rows[i].opt) == NULL)
			fail_msg("%s: the reason does not name the option: %s",
			    opt_rows[i].name, cf->err);
		free(in), free(out);
		cf_free(cf);
	}
}

static void
test_option(void **state)
{
	static const struct {
		const char *in, *name, *want;
	} cases[] = {
		{ "O LogLevel=9\nO LogLevel=12\n", "LogLevel", "12" },
		{ "O LogLevel=9\n#O LogLevel=12\n", "loglevel", "9" },
		{ "O CACertFile = /c \n", "CACertFile", "/c " },
		{ "O UseMSP\n", "UseMSP", "" },
		{ "#O CACertFile\n", "CACertFile", NULL },
		{ "O  LogLevel=9\n", "LogLevel", NULL },	/* not sendmail's */
		{ "O Timeout.queuewarn.urgent=1h\n", "Timeout.queuewarn", NULL },
		{ "O LogLevel=9\r\n", "LogLevel", "9" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cf *cf = cf_parse(cases[i].in, strlen(cases[i].in));
		char *got = cf_option(cf, cases[i].name);

		if (cases[i].want == NULL ? got != NULL : got == NULL ||
		    strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i,
			    got ? got : "(null)", cases[i].want ?
			    cases[i].want : "(null)");
		free(got);
		cf_free(cf);
	}
}

#define MC_HEAD \
	"VERSIONID(`mailprov cf_test')dnl\n" \
	"OSTYPE(`aix5')dnl\n" \
	"define(`SMART_HOST', `[relay.example.net]')dnl\n"
#define MC_TAIL "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"

/* TLS options on m4's "#O CACertFile" lines: one changed line each. */
static void
test_option_m4(void **state)
{
	static const char *const opt[][2] = {
		{ "CACertPath", "/etc/mail/certs" },
		{ "CACertFile", "/etc/mail/certs/ca.pem" },
		{ "ServerCertFile", "/etc/mail/certs/host.pem" },
		{ "ServerKeyFile", "/etc/mail/certs/host.key" },
	};
	char *orig = m4cf(MC_HEAD "FEATURE(`access_db')dnl\n" MC_TAIL), *got,
	    *want, *line, *v;
	struct cf *cf = cf_parse(orig, strlen(orig));
	size_t i, at = 0;

	(void)state;
	for (i = 0; i < 4; i++) {
		char *before = cf_text(cf);

		assert_int_equal(cf_set_option(cf, opt[i][0], opt[i][1]), 1);
		got = cf_text(cf);
		assert_int_equal(ndiff(before, got, &at), 1);
		line = nth_line(before, at);
		want = xasprintf("#O %s", opt[i][0]);
		assert_string_equal(line, want);	/* m4's unset option */
		free(line), free(want);
		line = nth_line(got, at);
		want = xasprintf("O %s=%s", opt[i][0], opt[i][1]);
		assert_string_equal(line, want);
		v = cf_option(cf, opt[i][0]);
		assert_string_equal(v, opt[i][1]);
		free(v), free(line), free(want), free(before), free(got);
	}
	assert_int_equal(cf->notes.n, 0);
	got = cf_text(cf);
	assert_int_equal(ndiff(orig, got, &at), 4);
	check_sendmail("m4 cf with four TLS options", got);
	/* Again: nothing to do.  Then one removed: commented out. */
	assert_int_equal(cf_set_option(cf, "CACertFile", opt[1][1]), 0);
	assert_int_equal(cf_set_option(cf, "ServerKeyFile", NULL), 1);
	assert_null(cf_option(cf, "ServerKeyFile"));
	free(got);
	got = cf_text(cf);
	assert_non_null(strstr(got, "\n#O ServerKeyFile=/etc/mail/certs/"
	    "host.key\n"));
	check_sendmail("m4 cf, ServerKeyFile removed", got);
	free(got), free(orig);
	cf_free(cf);
}

/* The AIX-shaped fixture has no "#O CACertFile": a line is inserted. */
static void
test_option_aix(void **state)
{
	static const char last[] = "O UnixFromLine=From $g $d\n";
	char *orig = slurp("tests/fixtures/aix-sendmail.cf"), *got, *line;
	struct cf *cf = cf_parse(orig, strlen(orig));
	size_t off;

	(void)state;
	assert_non_null(strstr(orig, last));	/* the fixture's last O line */
	off = (size_t)(strstr(orig, last) - orig) + strlen(last);
	assert_null(strstr(orig + off, "\nO "));
	assert_int_equal(cf_set_option(cf, "CACertFile", "/etc/ca.pem"), 1);
	got = cf_text(cf);
	/* Every byte kept, one line added right after the last O line. */
	line = xasprintf("%.*sO CACertFile=/etc/ca.pem\n%s", (int)off, orig,
	    orig + off);
	check_text("aix: inserted after O UnixFromLine", got, line);
	check_sendmail("aix fixture with CACertFile", got);
	free(line), free(got), free(orig);
	cf_free(cf);
}

static void
test_has_map(void **state)
{
	static const struct {
		const char *in, *file, *mclass;
		int has;
	} cases[] = {
		{ "Kaccess hash -T<TMPF> -o /etc/mail/access\n",
		    "/etc/mail/access", "hash", 1 },
		{ "Kaccess hash /etc/mail/access\n", "/etc/mail/access", "hash",
		    1 },
		{ "Kaccess\tbtree /etc/mail/access.db\n", "/etc/mail/access",
		    "btree", 1 },
		{ "Kaccess dbm -o /etc/mail/access.db\n", "/etc/mail/access.db",
		    "dbm", 1 },
		{ "Kaccess hash -o /a\nKaccess hash -o /b\n", "/b", "hash", 1 },
		{ "Kaccess ldap -1 -v mailRoutingAddress -k uid=%0\n", NULL,
		    "ldap", 1 },
		{ "Kaccess hash -T<TMPF>\n", NULL, "hash", 1 },
		{ "#Kaccess hash /etc/mail/access\n", NULL, NULL, 0 },
		{ "Kaccessx hash /etc/mail/x\n", NULL, NULL, 0 },
		{ "Kmailertable hash /etc/mail/mailertable\n", NULL, NULL, 0 },
	};
	char *file, *mclass, *m4;
	struct cf *cf;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cf = cf_parse(cases[i].in, strlen(cases[i].in));
		if (cf_has_map(cf, "access", &file, &mclass) != cases[i].has ||
		    (cases[i].file ? file == NULL || strcmp(file,
		    cases[i].file) != 0 : file != NULL) || (cases[i].mclass ?
		    mclass == NULL || strcmp(mclass, cases[i].mclass) != 0 :
		    mclass != NULL))
			fail_msg("case %zu: file %s, class %s", i, file ? file :
			    "(null)", mclass ? mclass : "(null)");
		free(file), free(mclass);
		cf_free(cf);
	}
	/* Real m4 output, with FEATURE(access_db) and without. */
	m4 = m4cf(MC_HEAD "FEATURE(`access_db')dnl\n" MC_TAIL);
	cf = cf_parse(m4, strlen(m4));
	assert_int_equal(cf_has_map(cf, "access", &file, NULL), 1);
	assert_string_equal(file, "/etc/mail/access");
	free(file), free(m4);
	cf_free(cf);
	m4 = m4cf(MC_HEAD MC_TAIL);
	cf = cf_parse(m4, strlen(m4));
	assert_int_equal(cf_has_map(cf, "access", &file, &mclass), 0);
	assert_null(file);
	assert_null(mclass);
	free(m4);
	cf_free(cf);
}

/* mailer_args - what the real sendmail reads as mailer m's argv (-d0.15). */
static char *
mailer_args(const char *text, const char *m)
{
	char *said, *args = xasprintf("-d0.15 </dev/null | grep '^mailer [0-9]"
	    "* (%s): ' | sed 's/.* A=//'", m);

	if (sm_run(text, "sm_bt", args, &said) != 0)
		fail_msg("sendmail -d0.15 failed:\n%s", said);
	free(args);
	said[strcspn(said, "\n")] = '\0';
	return said;
}

/* Debian's m4 relay mailer: the port as RELAY_MAILER_ARGS would put it. */
static void
test_mailer_port_m4(void **state)
{
	char *orig = m4cf(MC_HEAD MC_TAIL), *m587, *got, *back, *port, *a;
	struct cf *cf = cf_parse(orig, strlen(orig));
	size_t at = 0;
	int d;

	(void)state;
	assert_int_equal(cf_mailer_port(cf, "relay", &port), 0);
	assert_null(port);
	assert_int_equal(cf_set_mailer_port(cf, "relay", "587"), 1);
	got = cf_text(cf);
	/* One line changed: relay's, "\t\tA=TCP $h" -> "\t\tA=TCP $h 587". */
	assert_int_equal(ndiff(orig, got, &at), 1);
	a = nth_line(got, at);
	assert_string_equal(a, "\t\tA=TCP $h 587");
	free(a);
	a = nth_line(got, at - 2);
	assert_non_null(strstr(a, "Mrelay,\t\tP=[IPC], "));
	free(a);
	/* The same bytes m4 writes for RELAY_MAILER_ARGS `TCP $h 587'. */
	m587 = m4cf(MC_HEAD "define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\n"
	    MC_TAIL);
	d = ndiff(got, m587, &at);
	assert_true(d == 0 || d == 1);
	if (d == 1) {				/* m4's date line only */
		a = nth_line(got, at);
		assert_non_null(strstr(a, "##### built by "));
		free(a);
	}
	check_sendmail("m4 relay on 587", got);
	a = mailer_args(got, "relay");
	assert_string_equal(a, "TCP $h 587");
	free(a);
	a = mailer_args(got, "esmtp");
	assert_string_equal(a, "TCP $h");	/* esmtp untouched */
	free(a);
	{
		char *said;

		assert_int_equal(sm_run(got, "sm_parse",
		    "user@remote.example.org", &said), 0);
		assert_string_equal(said, "relay [relay.example.net] "
		    "user@remote.example.org\n");
		free(said);
	}
	assert_int_equal(cf_mailer_port(cf, "relay", &port), 0);
	assert_string_equal(port, "587");
	free(port);
	/* Twice: nothing.  Back to 25: the original bytes. */
	assert_int_equal(cf_set_mailer_port(cf, "relay", "587"), 0);
	assert_int_equal(cf_set_mailer_port(cf, "relay", "25"), 1);
	back = cf_text(cf);
	check_text("m4 relay back to 25", back, orig);
	/* esmtp carries every MX delivery: refused, nothing changed. */
	assert_int_equal(cf_set_mailer_port(cf, "esmtp", "587"), -1);
	assert_non_null(strstr(cf->err, "relay mailer"));
	free(back);
	back = cf_text(cf);
	check_text("esmtp refused", back, orig);
	free(back), free(got), free(m587), free(orig);
	cf_free(cf);
}

#define MRELAY(a) \
	"Mrelay,\t\tP=[IPC], F=mDFMuXa8, S=EnvFromSMTP, R=EnvToSMTP, " \
	"E=\\r\\n, L=2040,\n\t\tT=DNS/RFC822/SMTP,\n\t\t" a "\n"

/* cf_mailer_port and cf_set_mailer_port on small cfs. */
static const struct {
	const char *name, *in, *mailer, *port, *out, *err;
	int changed;
	const char *read;	/* cf_mailer_port before; "-" for -1 */
} port_rows[] = {
	{ "A= on a continuation line", MRELAY("A=TCP $h"), "relay",
	    "587", MRELAY("A=TCP $h 587"), NULL, 1, NULL },
	{ "tab before the port kept", MRELAY("A=TCP\t$h\t2525"), "relay",
	    "587", MRELAY("A=TCP\t$h\t587"), NULL, 1, "2525" },
	{ "25 drops the port", MRELAY("A=TCP $h 587"), "relay", "25",
	    MRELAY("A=TCP $h"), NULL, 1, "587" },
	{ "25 and no port: nothing", MRELAY("A=TCP $h"), "relay", "25",
	    MRELAY("A=TCP $h"), NULL, 0, NULL },
	{ "NULL: not managed", MRELAY("A=TCP $h 587"), "relay", NULL,
	    MRELAY("A=TCP $h 587"), NULL, 0, "587" },
	{ "A= on the first line, then other fields",
	    "Mrelay, P=[IPC], A=TCP $h, F=mDFMuXa8, T=DNS/RFC822/SMTP\n",
	    "relay", "587", "Mrelay, P=[IPC], A=TCP $h 587, F=mDFMuXa8, "
	    "T=DNS/RFC822/SMTP\n", NULL, 1, NULL },
	{ "CRLF", "Mrelay,\tP=[IPC], F=mDFMuXa8,\r\n\tT=DNS/RFC822/SMTP,"
	    "\r\n\tA=TCP $h\r\n", "relay", "587", "Mrelay,\tP=[IPC], "
	    "F=mDFMuXa8,\r\n\tT=DNS/RFC822/SMTP,\r\n\tA=TCP $h 587\r\n",
	    NULL, 1, NULL },
	{ "esmtp and smtp untouched",
	    "Msmtp,\t\tP=[IPC], F=mDFMuX, A=TCP $h\n"
	    "Mesmtp,\t\tP=[IPC], F=mDFMuXa, A=TCP $h\n" MRELAY("A=TCP $h"),
	    "relay", "587", "Msmtp,\t\tP=[IPC], F=mDFMuX, A=TCP $h\n"
	    "Mesmtp,\t\tP=[IPC], F=mDFMuXa, A=TCP $h\n"
	    MRELAY("A=TCP $h 587"), NULL, 1, NULL },
	{ "refused: a word after the port", MRELAY("A=TCP $h 25 extra"),
	    "relay", "587", NULL, "at most a port", -1, "-" },
	{ "refused: A=IPC", MRELAY("A=IPC $h"), "relay", "587", NULL,
	    "not \"TCP $h\"", -1, "-" },
	{ "refused: a program mailer", "Mrelay, P=/usr/bin/procmail, "
	    "F=SPhnu9, A=procmail -Y $h\n", "relay", "587", NULL,
	    "P=/usr/bin/procmail", -1, "-" },
	{ "refused: no such mailer", MRELAY("A=TCP $h"), "relay2", "587",
	    NULL, "defines no mailer relay2", -1, "-" },
	{ "refused: defined twice", MRELAY("A=TCP $h") MRELAY("A=TCP $h"),
	    "relay", "587", NULL, "defined twice", -1, "-" },
	{ "refused: A= goes on past its line", "Mrelay, P=[IPC], "
	    "F=mDFMuXa8, A=TCP $h\n\tT=DNS/RFC822/SMTP\n", "relay",
	    "587", NULL, "goes on past line", -1, "-" },
	{ "refused: quoted", MRELAY("A=TCP \"$h\""), "relay", "587",
	    NULL, "quoted", -1, "-" },
	{ "refused: port 0", MRELAY("A=TCP $h"), "relay", "0", NULL,
	    "1 to 65535", -1, NULL },
	{ "refused: port 65536", MRELAY("A=TCP $h"), "relay", "65536",
	    NULL, "1 to 65535", -1, NULL },
	{ "refused: port name", MRELAY("A=TCP $h"), "relay", "submission",
	    NULL, "1 to 65535", -1, NULL },
	{ "refused: esmtp", "Mesmtp, P=[IPC], A=TCP $h\n", "esmtp",
	    "587", NULL, "relay mailer", -1, NULL },
};

static void
test_mailer_port(void **state)
{
	size_t i;
	char *port;

	(void)state;
	for (i = 0; i < sizeof(port_rows) / sizeof(port_rows[0]); i++) {
		char *in = xasprintf("V10\n%s%s", MLOCAL, port_rows[i].in);
		char *out = port_rows[i].out ? xasprintf("V10\n%s%s", MLOCAL,
		    port_rows[i].out) : NULL;
		struct cf *cf = cf_parse(in, strlen(in));
		int rd = cf_mailer_port(cf, port_rows[i].mailer, &port);
		const char *want = port_rows[i].read;

		/* Reading: "-" an error, NULL no port, else the port word. */
		if (want != NULL && strcmp(want, "-") == 0) {
			if (rd != -1 || port != NULL)
				fail_msg("%s: cf_mailer_port read %d, want -1",
				    port_rows[i].name, rd);
		} else if (strcmp(port_rows[i].mailer, "relay") == 0 && (rd != 0 ||
		    (want == NULL ? port != NULL : port == NULL ||
		    strcmp(port, want) != 0)))
			fail_msg("%s: cf_mailer_port %d '%s', want '%s'",
			    port_rows[i].name, rd, port ? port : "(null)",
			    want ? want : "(null)");
		free(port);
		check_row(port_rows[i].name, cf, cf_set_mailer_port(cf,
		    port_rows[i].mailer, port_rows[i].port), port_rows[i].changed,
		    out ? out : in, 0, 1);
		if (port_rows[i].err != NULL && strstr(cf->err, port_rows[i].err) ==
		    NULL)
			fail_msg("%s: reason '%s', want '%s'", port_rows[i].name,
			    cf->err, port_rows[i].err);
		free(in), free(out);
		cf_free(cf);
	}
}

/* The AIX-shaped fixture's relay mailer to 587 and back. */
static void
test_mailer_port_aix(void **state)
{
	char *orig = slurp("tests/fixtures/aix-sendmail.cf"), *got, *a;
	struct cf *cf = cf_parse(orig, strlen(orig));
	size_t at = 0;

	(void)state;
	assert_int_equal(cf_set_mailer_port(cf, "relay", "587"), 1);
	got = cf_text(cf);
	assert_int_equal(ndiff(orig, got, &at), 1);
	a = nth_line(got, at);
	assert_string_equal(a, "\t\tA=TCP $h 587");
	free(a);
	check_sendmail("aix fixture, relay on 587", got);
	a = mailer_args(got, "relay");
	assert_string_equal(a, "TCP $h 587");
	free(a);
	a = mailer_args(got, "esmtp");
	assert_string_equal(a, "TCP $h");
	free(a), free(got);
	assert_int_equal(cf_set_mailer_port(cf, "relay", "25"), 1);
	got = cf_text(cf);
	check_text("aix fixture back to 25", got, orig);
	free(got), free(orig);
	cf_free(cf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_macro),
		cmocka_unit_test(test_class_file),
		cmocka_unit_test(test_restrict_class),
		cmocka_unit_test(test_relay_all),
		cmocka_unit_test(test_alias_file),
		cmocka_unit_test(test_cf_mailers),
		cmocka_unit_test(test_option),
		cmocka_unit_test(test_set_option),
		cmocka_unit_test(test_option_m4),
		cmocka_unit_test(test_option_aix),
		cmocka_unit_test(test_has_map),
		cmocka_unit_test(test_mailer_port),
		cmocka_unit_test(test_mailer_port_m4),
		cmocka_unit_test(test_mailer_port_aix),
	};
	const char *t = getenv("TMPDIR");
	char *cmd;
	int r;

	dir = xasprintf("%s/cf_test.XXXXXX", t != NULL && *t != '\0' ? t :
	    "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 1;
	}
	r = cmocka_run_group_tests_name("cf", tests, NULL, NULL);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (sh(cmd) != 0)
		r = 1;
	free(cmd);
	free(dir);
	return r;
}
