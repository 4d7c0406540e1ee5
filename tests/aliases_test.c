/*
 * aliases_test.c - the lossless aliases-file editor (lib/aliases.c):
 * merge and exact modes, continuation lines, duplicates.  Each case gives
 * the input, the desired aliases and the exact bytes expected.
 */
#include "testutil.h"

#include "aliases.h"

/* want_aliases - a desired aliases section from "name=t1,t2" strings. */
static void
want_aliases(struct desired_aliases *al, int exact, const char *const *spec)
{
	size_t i;

	memset(al, 0, sizeof(*al));
	al->sect.set = al->entries_sect.set = 1;
	al->mode.v = exact ? ALIASES_EXACT : ALIASES_MERGE;
	for (i = 0; spec[i] != NULL; i++)
		;
	al->entries = xcalloc(i + 1, sizeof(*al->entries));
	for (i = 0; spec[i] != NULL; i++) {
		const char *eq = strchr(spec[i], '=');

		al->entries[i].name = xstrndup(spec[i], (size_t)(eq - spec[i]));
		aliases_split_targets(eq + 1, strlen(eq + 1),
		    &al->entries[i].targets);
	}
	al->n = i;
}

static void
free_aliases(struct desired_aliases *al)
{
	size_t i;

	for (i = 0; i < al->n; i++) {
		free(al->entries[i].name);
		strlist_clear(&al->entries[i].targets);
	}
	free(al->entries);
}

static void
test_aliases(void **state)
{
	static const char file[] =
	    "# system aliases\n"
	    "postmaster: root\n"
	    "MAILER-DAEMON: postmaster\n"
	    "\n"
	    "# the team\n"
	    "ops: carol,\n"
	    "\tdave\n"
	    "old: x\n";
	static const struct {
		const char *name;
		int exact;
		const char *spec[4];
		const char *out;
		size_t notes;
	} cases[] = {
		{ "merge: already there (continuation read)", 0,
		    { "OPS=carol, dave", NULL }, file, 0 },
		{ "merge: replace one, keep the rest", 0,
		    { "ops=alice,bob", NULL },
		    "# system aliases\npostmaster: root\n"
		    "MAILER-DAEMON: postmaster\n\n# the team\n"
		    "ops: alice, bob\nold: x\n", 0 },
		{ "merge: add at the end", 0, { "new=a", NULL },
		    "# system aliases\npostmaster: root\n"
		    "MAILER-DAEMON: postmaster\n\n# the team\nops: carol,\n"
		    "\tdave\nold: x\nnew: a\n", 0 },
		{ "exact: only these, comments kept", 1,
		    { "postmaster=root", "MAILER-DAEMON=postmaster", NULL },
		    "# system aliases\npostmaster: root\n"
		    "MAILER-DAEMON: postmaster\n\n# the team\n", 0 },
		{ "program target quoted", 0,
		    { "vac=\"|/usr/bin/vacation alice\"", NULL },
		    "# system aliases\npostmaster: root\n"
		    "MAILER-DAEMON: postmaster\n\n# the team\nops: carol,\n"
		    "\tdave\nold: x\nvac: \"|/usr/bin/vacation alice\"\n", 0 },
	};
	struct desired_aliases al;
	size_t i;
	int changed;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sbuf out = { 0 };
		struct strlist notes = { 0 };

		want_aliases(&al, cases[i].exact, cases[i].spec);
		changed = aliases_edit(file, sizeof(file) - 1, &al, &out, &notes);
		if (strcmp(cases[i].out, file) == 0) {
			/* No change: reported, and no copy made. */
			assert_int_equal(changed, 0);
			assert_int_equal(out.len, 0);
		} else {
			assert_int_equal(changed, 1);
			check_text(cases[i].name, out.s, cases[i].out);
		}
		assert_int_equal(notes.n, cases[i].notes);
		sbuf_free(&out);
		strlist_clear(&notes);
		free_aliases(&al);
	}
}

static void
test_aliases_continuations(void **state)
{
	static const char *const spec[] = { "ops=carol", NULL };
	/* A blank-only line starting with a space still continues. */
	static const char f1[] = "ops: carol,\n \n\tmallory\nx: y\n";
	/* A backslash at the end of a line joins the next one. */
	static const char f2[] = "ops: carol, \\\nmallory\nx: y\n";
	static const char f3[] = "ops: carol, \\\nbob\n";
	struct desired_aliases al;
	struct sbuf out = { 0 };
	struct strlist notes = { 0 };
	struct aliases a;

	(void)state;
	want_aliases(&al, 0, spec);
	assert_int_equal(aliases_edit(f1, sizeof(f1) - 1, &al, &out, &notes), 1);
	check_text("blank continuation", out.s, "ops: carol\nx: y\n");
	sbuf_free(&out);
	assert_int_equal(aliases_edit(f2, sizeof(f2) - 1, &al, &out, &notes), 1);
	check_text("backslash continuation", out.s, "ops: carol\nx: y\n");
	sbuf_free(&out);
	/* A last line ending in a backslash must not swallow what is
	 * appended (found by fuzzing). */
	{
		static const char f4[] = "x: y, \\";
		static const char *const spec4[] = { "ops=carol", NULL };
		struct desired_aliases al4;
		struct sbuf o4 = { 0 };

		want_aliases(&al4, 0, spec4);
		assert_int_equal(aliases_edit(f4, sizeof(f4) - 1, &al4, &o4,
		    &notes), 1);
		check_text("after a trailing backslash", o4.s,
		    "x: y, \\\n\nops: carol\n");
		sbuf_free(&o4);
		free_aliases(&al4);
	}
	/*
	 * sendmail joins backslash lines before it looks at them: a comment
	 * ending in one swallows the next line, in both modes alike.
	 */
	{
		static const char f5[] = "# moved \\\npostmaster: root\nx: y\n";
		static const char *const spec5[] = { "postmaster=root", NULL };
		struct desired_aliases al5;
		struct sbuf o5 = { 0 };
		struct aliases a5;
		int exact;

		aliases_parse(f5, sizeof(f5) - 1, &a5);
		assert_int_equal(a5.n, 1);
		assert_string_equal(a5.v[0].name, "x");
		aliases_free(&a5);
		for (exact = 0; exact <= 1; exact++) {
			want_aliases(&al5, exact, spec5);
			assert_int_equal(aliases_edit(f5, sizeof(f5) - 1,
			    &al5, &o5, &notes), 1);
			check_text(exact ? "swallowed line, exact" :
			    "swallowed line, merge", o5.s, exact ?
			    "# moved \\\npostmaster: root\npostmaster: root\n" :
			    "# moved \\\npostmaster: root\nx: y\n"
			    "postmaster: root\n");
			sbuf_free(&o5);
			free_aliases(&al5);
		}
	}
	aliases_parse(f3, sizeof(f3) - 1, &a);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.v[0].targets.n, 2);
	assert_string_equal(a.v[0].targets.v[1], "bob");
	aliases_free(&a);
	strlist_clear(&notes);
	free_aliases(&al);
}

static void
test_aliases_duplicates(void **state)
{
	static const char *const spec[] = { "root=admin", NULL };
	static const char file[] = "root: a\nx: y\nROOT: b,\n\tc\n";
	struct desired_aliases al;
	struct sbuf out = { 0 };
	struct strlist notes = { 0 };
	struct aliases parsed;

	(void)state;
	aliases_parse(file, sizeof(file) - 1, &parsed);
	assert_int_equal(parsed.n, 3);
	assert_string_equal(parsed.v[2].name, "ROOT");
	assert_int_equal(parsed.v[2].targets.n, 2);
	assert_int_equal(parsed.v[2].last, 3);
	aliases_free(&parsed);
	want_aliases(&al, 0, spec);
	aliases_edit(file, sizeof(file) - 1, &al, &out, &notes);
	check_text("duplicate", out.s, "root: admin\nx: y\n");
	assert_int_equal(notes.n, 1);
	assert_non_null(strstr(notes.v[0], "line 3"));
	sbuf_free(&out);
	strlist_clear(&notes);
	free_aliases(&al);
}

/* aliases_lint - the lines sendmail cannot read, and only those. */
static void
test_aliases_lint(void **state)
{
	static const struct {
		const char	*name, *in;
		size_t		 n, line;
		const char	*word;
	} cases[] = {
		{ "clean file", "a: b\n# c\n\nd: e,\n\tf\n", 0, 0, NULL },
		{ "another MTA's line", "@example.com user@example.com\n"
		    "a: b\n", 1, 1, "@example.com" },
		{ "backslash-joined entry", "admins: alice, \\\nroot\n", 0, 0,
		    NULL },
		{ "comment swallowing a line", "# x \\\nno colon here\n", 0,
		    0, NULL },
		{ "continuation with no entry", "# c\n\tstray\n", 1, 2, "" },
		{ "bad line after a good one", "a: b\nroot admin\n", 1, 2,
		    "root" },
	};
	struct aliases_problems pr;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		aliases_lint(cases[i].in, strlen(cases[i].in), &pr);
		if (pr.n != cases[i].n)
			fail_msg("case '%s': %zu problems, want %zu",
			    cases[i].name, pr.n, cases[i].n);
		if (pr.n > 0) {
			assert_int_equal(pr.v[0].line, cases[i].line);
			assert_string_equal(pr.v[0].name, cases[i].word);
		}
		aliases_problems_free(&pr);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_aliases_continuations),
		cmocka_unit_test(test_aliases_duplicates),
		cmocka_unit_test(test_aliases_lint),
	};

	return cmocka_run_group_tests_name("aliases", tests, NULL, NULL);
}
