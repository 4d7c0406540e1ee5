/*
 * names_test.c - the syntax rules for names, relays, aliases and SRC
 * arguments, as tables of values that must pass and values that must not.
 */
#include "testutil.h"

#include "names.h"

struct rule {
	const char	*(*check)(const char *);
	const char	*what;
	const char	*ok[8];
	const char	*bad[12];
};

static const struct rule rules[] = {
	{ names_check_short_host, "short host",
	    { "dmspar02", "a", "mail-1", "X", NULL },
	    { "", "dm.example", "-dm", "dm-", "dm_x", "dm x", "d\xc3\xa9",
	    NULL } },
	{ names_check_domain, "domain",
	    { "example.net", "a.b.c.example", "net", "xn--bcher-kva.example",
	    NULL },
	    { "", "example..net", ".example.net", "example.net.",
	    "10.1.2.3", "ex ample.net", "exa*mple.net", NULL } },
	{ names_check_smart_host, "smart host",
	    { "", "relay.example.net", "[relay.example.net]",
	    "[10.20.30.40]", "smtp:[10.20.30.40]", "esmtp:relay.example.net",
	    "relay:[relay.example.net]", NULL },
	    { "10.20.30.40", "uucp:relay", "[relay.example.net]:587",
	    "[relay", "relay]", "smtp:", "smtp:relay:25", "[]",
	    "[bad..name]", NULL } },
	{ names_check_relay_entry, "relay entry",
	    { "example.net", "10.20.30", "10", "192.168.1.5",
	    "IPv6:2001:db8", "sub.example.net", NULL },
	    { "", ".", "*", "*.example.net", "0.0.0.0/0", "10.0.0.0/8", "com",
	    ".example.net", "10.256", "0.1", "IPv6::", "010.1" } },
	{ names_check_alias_name, "alias name",
	    { "postmaster", "MAILER-DAEMON", "owner-list", "a.b", "x_y+z",
	    NULL },
	    { "", "a b", "a:b", "#a", ".a", "-a", "a@b", "a,b", NULL } },
	{ names_check_src_args, "SRC args",
	    { "-bd -q30m", "-bd", "", "-bd -q1h -O LogLevel=9",
	    "-bd -C/etc/mail/sendmail.cf", NULL },
	    { "bd", "-bd; id", "-bd|x", "-bd `id`", "-bd $x", "-bd  -q",
	    "-bd ", "-bd \"x\"", "-bd 'x'", "-bd\n-q", "-bd >f", "-bd & x" } },
	{ names_check_src_name, "SRC name",
	    { "sendmail", "mailprovd", "a.b_c-d", NULL },
	    { "", "send mail", "-x", "abcdefghijklmnopqrstuvwxyz1234",
	    "a/b", NULL } },
	{ names_check_abspath, "path",
	    { "/etc/mail/sendmail.cf", "/a", "/a/b..c", "/a/..b/c", NULL },
	    { "", "etc/mail", "/etc/../shadow", "/etc/mail/..", "/a b",
	    "/a\tb", NULL } },
};

static void
test_rules(void **state)
{
	size_t i, j, failed = 0;
	const char *why;

	(void)state;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];

		for (j = 0; j < 8 && r->ok[j] != NULL; j++)
			if ((why = r->check(r->ok[j])) != NULL) {
				print_error("%s '%s': got refusal '%s', want "
				    "accepted\n", r->what, r->ok[j], why);
				failed++;
			}
		for (j = 0; j < 12 && r->bad[j] != NULL; j++)
			if (r->check(r->bad[j]) == NULL) {
				print_error("%s '%s': got accepted, want "
				    "refused\n", r->what, r->bad[j]);
				failed++;
			}
	}
	assert_int_equal(failed, 0);
}

static void
test_args_limit(void **state)
{
	char buf[NAMES_SRC_ARGS_MAX + 2];

	(void)state;
	memset(buf, 'x', sizeof(buf) - 1);
	buf[0] = '-';
	buf[NAMES_SRC_ARGS_MAX] = '\0';		/* exactly 199 */
	assert_null(names_check_src_args(buf));
	buf[NAMES_SRC_ARGS_MAX] = 'x';		/* 200 */
	buf[NAMES_SRC_ARGS_MAX + 1] = '\0';
	assert_non_null(names_check_src_args(buf));
}

/*
 * Words sendmail may take under SRC, each tried after -bd; the refused
 * ones would change which configuration it reads or which files it writes.
 */
static void
test_sendmail_daemon_args(void **state)
{
	static const char *const ok[] = { "-bd", "-q30m", "-qp5m", "-LTAG",
	    "-q", "-qp", "-q1h30m", "-q15", "-Lsm-mta.in_1" };
	static const char *const bad[] = { "-X/etc/passwd", "-X", "-C",
	    "-C/tmp/evil.cf", "-O", "-OQueueDirectory=/tmp", "-o", "-oA/x",
	    "-D", "-D/tmp/log", "-M", "-MsFOO", "-d0.1", "-bD", "-bi", "-bdx",
	    "-L", "-L/x", "-q30x", "-qm", "-qp-1", "bd" };
	char buf[64];
	const char *why, *word;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(buf, sizeof(buf), "-bd %s", ok[i]);
		why = names_check_sendmail_daemon_args(buf, &word, &n);
		if (why != NULL)
			fail_msg("'%s': got refusal '%s', want accepted", buf,
			    why);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "-bd %s", bad[i]);
		why = names_check_sendmail_daemon_args(buf, &word, &n);
		if (why == NULL || word != buf + 4 || n != strlen(bad[i]))
			fail_msg("'%s': want '%s' refused", buf, bad[i]);
		assert_non_null(strstr(why, "is not allowed"));
	}
	/* The first refused word is named, wherever it is. */
	assert_non_null(names_check_sendmail_daemon_args("-q1h -C/x -bd",
	    &word, &n));
	assert_true(strncmp(word, "-C/x", n) == 0 && n == 4);
	/* Allowed words without -bd: the fault is the whole string. */
	why = names_check_sendmail_daemon_args("-q30m -LTAG", &word, &n);
	assert_non_null(why);
	assert_null(word);
	assert_non_null(strstr(why, "must include -bd"));
	assert_null(names_check_sendmail_daemon_args("-q30m -bd", &word,
	    &n));
}

static void
test_alias_targets(void **state)
{
	static const struct {
		const char		*t;
		enum alias_target	 want;
	} cases[] = {
		{ "root", TARGET_ADDRESS },
		{ "\\root", TARGET_ADDRESS },
		{ "alice@example.net", TARGET_ADDRESS },
		{ "bob@[10.1.2.3]", TARGET_ADDRESS },
		{ "|/usr/bin/vacation alice", TARGET_PROGRAM },
		{ "\"|/usr/bin/vacation alice\"", TARGET_PROGRAM },
		{ "/var/spool/copy", TARGET_FILE },
		{ ":include:/etc/mail/list", TARGET_INCLUDE },
		{ ":INCLUDE:/etc/mail/list", TARGET_INCLUDE },
		{ "", TARGET_INVALID },
		{ "a b", TARGET_INVALID },
		{ "a@", TARGET_INVALID },
		{ "@example.net", TARGET_INVALID },
		{ "a@b..c", TARGET_INVALID },
		{ "a\nb", TARGET_INVALID },
	};
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum alias_target got = names_alias_target(cases[i].t, &why);

		if (got != cases[i].want)
			fail_msg("target '%s': got %d, want %d", cases[i].t,
			    (int)got, (int)cases[i].want);
		assert_true((got == TARGET_INVALID) == (why != NULL));
	}
}

static void
test_distance(void **state)
{
	(void)state;
	assert_int_equal(names_distance("smart_hots", "smart_host"), 1);
	assert_int_equal(names_distance("hostnme", "hostname"), 1);
	assert_int_equal(names_distance("Hostname", "hostname"), 0);
	assert_int_equal(names_distance("", "abc"), 3);
	assert_int_equal(names_distance("service", "sendmail"), 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_args_limit),
		cmocka_unit_test(test_sendmail_daemon_args),
		cmocka_unit_test(test_alias_targets),
		cmocka_unit_test(test_distance),
	};

	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
