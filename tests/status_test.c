/*
 * status_test.c - the lssrc -l lines of lib/status.c: every line fits
 * SRC's statcode entry (a word of at most 29 characters and a text of at
 * most 64), a long value goes on in continuation lines that start with a
 * blank, a line ends before a blank where one is in reach so that a path
 * in a list is never cut, a word longer than a line is cut where it must
 * be, and dropping each continuation line's one marker blank and joining
 * gives every value back byte for byte.
 */
#include "testutil.h"

#include "status.h"
#include "util.h"

/* fact - the value of the fact named name, its continuation lines joined. */
static char *
fact(const struct strlist *l, const char *name)
{
	struct sbuf s = { 0 };
	size_t i, n = strlen(name);
	int in = 0;

	for (i = 0; i < l->n; i++) {
		const char *t = l->v[i];

		if (in && t[0] == ' ') {
			sbuf_adds(&s, t + 1);
			continue;
		}
		if (in)
			break;
		if (strncmp(t, name, n) == 0 && t[n] == ' ') {
			sbuf_adds(&s, t + n + 1);
			in = 1;
		}
	}
	if (!in)
		return NULL;
	return s.s != NULL ? s.s : xstrdup("");
}

/* a status whose Watched: list is watched, the rest quiet. */
static void
lines_for(const struct strlist *watched, struct strlist *out)
{
	struct status st;

	memset(&st, 0, sizeof(st));
	st.program = "mailprovd";
	st.root = "";
	st.desired = "/etc/mailprov/desired.yaml";
	st.watch = "inotify";
	st.mode = "enforce";
	st.watched = watched;
	snprintf(st.last.outcome, sizeof(st.last.outcome), "converged");
	status_lines(&st, out);
	status_run_free(&st.last);
	status_free(&st);
}

/* every line: a word of <= 29 and a text of <= 64 (the header aside). */
static void
assert_fits(const struct strlist *l)
{
	size_t i;

	for (i = 2; i < l->n; i++) {
		const char *t = l->v[i], *sp = strchr(t, ' ');

		assert_non_null(sp);
		if (t[0] == ' ') {
			if (strlen(t) > 64)
				fail_msg("continuation too long: '%s'", t);
			continue;
		}
		if ((size_t)(sp - t) > 29 || strlen(sp + 1) > 64)
			fail_msg("line too long: '%s'", t);
	}
}

static void
test_list_wraps_between_paths(void **state)
{
	static const char *paths[] = {
		"/var/tmp/build-area/tests/out-asan/drift/enforce/etc/mail/"
		    "sendmail.cf",
		"/var/tmp/build-area/tests/out-asan/drift/enforce/etc/mail/"
		    "aliases",
		"/var/tmp/build-area/tests/out-asan/drift/enforce/etc/"
		    "mailprov/desired.yaml",
		"/etc/mail/local-host-names", "/etc/mail/relay-domains",
	};
	struct strlist w = { 0 }, l = { 0 };
	struct sbuf want = { 0 };
	char *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		strlist_push(&w, paths[i]);
		sbuf_addf(&want, "%s%s", i ? ", " : "", paths[i]);
	}
	lines_for(&w, &l);
	assert_fits(&l);
	got = fact(&l, "Watched:");
	assert_non_null(got);
	assert_string_equal(got, want.s);
	/* The short paths are whole on one line each (they fit). */
	for (i = 3; i < 5; i++) {
		size_t j;
		int whole = 0;

		for (j = 0; j < l.n; j++)
			if (strstr(l.v[j], paths[i]) != NULL)
				whole = 1;
		if (!whole)
			fail_msg("%s is cut across lines", paths[i]);
	}
	free(got);
	sbuf_free(&want);
	strlist_clear(&w);
	strlist_clear(&l);
}

static void
test_words_stay_whole(void **state)
{
	struct strlist w = { 0 }, l = { 0 };
	size_t i, j;
	char *got;

	(void)state;
	/* Twenty short names: every break must fall between two of them. */
	for (i = 0; i < 20; i++)
		strlist_take(&w, xasprintf("/etc/mail/file%02zu", i));
	lines_for(&w, &l);
	assert_fits(&l);
	/* Each line of the list but its last ends with a name's comma. */
	for (j = 0; j < l.n && strncmp(l.v[j], "Watched: ", 9) != 0; j++)
		;
	assert_true(j < l.n);
	for (; j + 1 < l.n && l.v[j + 1][0] == ' '; j++) {
		if (l.v[j][strlen(l.v[j]) - 1] != ',')
			fail_msg("line ends inside a name: '%s'", l.v[j]);
		if (strncmp(l.v[j + 1], "  /etc/mail/file", 16) != 0)
			fail_msg("line starts inside a name: '%s'", l.v[j + 1]);
	}
	assert_true(strstr(l.v[j], "/etc/mail/file19") != NULL);
	got = fact(&l, "Watched:");
	assert_non_null(got);
	assert_int_equal(strlen(got), 20 * 16 + 19 * 2);
	assert_true(strstr(got, "/etc/mail/file19") != NULL);
	assert_true(strstr(got, "file07, /etc/mail/file08") != NULL);
	free(got);
	strlist_clear(&w);
	strlist_clear(&l);
}

static void
test_long_word_is_cut(void **state)
{
	struct strlist w = { 0 }, l = { 0 };
	char path[201], *got;
	size_t i, lines = 0;

	(void)state;
	path[0] = '/';
	for (i = 1; i < 200; i++)
		path[i] = (char)('a' + i % 26);
	path[200] = '\0';
	strlist_push(&w, path);
	lines_for(&w, &l);
	assert_fits(&l);
	for (i = 0; i < l.n; i++)
		if (strncmp(l.v[i], "Watched: ", 9) == 0)
			for (lines = 1; i + lines < l.n &&
			    l.v[i + lines][0] == ' '; lines++)
				;
	/* 64 on the first line, 63 on each further one: 200 = 64 + 3 * 63
	 * less 53, four lines. */
	assert_int_equal(lines, 4);
	got = fact(&l, "Watched:");
	assert_string_equal(got, path);
	free(got);
	strlist_clear(&w);
	strlist_clear(&l);
}

static void
test_short_value_one_line(void **state)
{
	struct strlist w = { 0 }, l = { 0 };
	size_t i;
	int seen = 0;

	(void)state;
	strlist_push(&w, "/etc/mail/sendmail.cf");
	lines_for(&w, &l);
	for (i = 0; i < l.n; i++)
		if (strcmp(l.v[i], "Watched: /etc/mail/sendmail.cf") == 0) {
			seen = 1;
			assert_true(i + 1 == l.n || l.v[i + 1][0] != ' ');
		}
	assert_true(seen);
	strlist_clear(&w);
	strlist_clear(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_wraps_between_paths),
		cmocka_unit_test(test_words_stay_whole),
		cmocka_unit_test(test_long_word_is_cut),
		cmocka_unit_test(test_short_value_one_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
