/*
 * cf_test.c - the lossless sendmail.cf editor (lib/cf.c).  Each case
 * gives the input, the edit and the exact bytes expected.
 */
#include "testutil.h"

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
	    "Scheck_rcpt\nScheck_relay=RULE\n#Scheck_mail\nSBasic_check_rcpt\n";
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
	};

	return cmocka_run_group_tests_name("cf", tests, NULL, NULL);
}
