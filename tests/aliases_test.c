/*
 * aliases_test.c - the lossless aliases-file editor (lib/aliases.c):
 * merge and exact modes, continuation lines, duplicates.  Each case gives
 * the input, the desired aliases and the exact bytes expected.  The check
 * of a file read in pieces (aliases_unchanged_file) must agree with the
 * editor, whatever falls on the edge of a piece.
 */
#include "testutil.h"

#include <errno.h>
#include <unistd.h>

#include "aliases.h"
#include "fileio.h"

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


/*
 * agree - aliases_unchanged_file on text (written to a file) says what
 * aliases_edit says of it (and a text with a NUL byte is not one that
 * stays); returns that verdict (1 unchanged).
 */
static int
agree(const char *what, const char *text, size_t len,
    const struct desired_aliases *al)
{
	const char *t = getenv("TMPDIR");
	char path[4096];
	struct sbuf out = { 0 };
	struct strlist notes = { 0 };
	struct stat st;
	FILE *f;
	int fd, edit, skim;

	snprintf(path, sizeof(path), "%s/aliases_test.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		fail_msg("mkstemp %s: %s", path, strerror(errno));
	if ((f = fdopen(fd, "w")) == NULL)
		fail_msg("fdopen %s: %s", path, strerror(errno));
	if (fwrite(text, 1, len, f) != len || fclose(f) != 0)
		fail_msg("write %s: %s", path, strerror(errno));
	/* A NUL byte: not text, plan refuses it; never "unchanged". */
	edit = !aliases_edit(text, len, al, &out, &notes) &&
	    memchr(text, '\0', len) == NULL;
	skim = aliases_unchanged_file(path, len + 1, FILEIO_NOFOLLOW, al,
	    &st) == 1;
	if (edit != skim)
		fail_msg("%s: aliases_edit says %s, aliases_unchanged_file "
		    "says %s", what, edit ? "unchanged" : "changed",
		    skim ? "unchanged" : "changed");
	if (skim && st.st_size != (off_t)len)
		fail_msg("%s: st_size %ld, want %zu", what, (long)st.st_size,
		    len);
	unlink(path);
	sbuf_free(&out);
	strlist_clear(&notes);
	return edit;
}

/* The small files above, both modes: the streamed verdict is the edit's. */
static void
test_aliases_unchanged_small(void **state)
{
	static const char *const files[] = {
	    "postmaster: root\nops: carol,\n\tdave\nold: x\n",
	    "postmaster: root\r\nMAILER-DAEMON: postmaster\r\n",
	    "ops: carol,\n \n\tmallory\nx: y\n", "ops: carol, \\\nbob\n",
	    "x: y, \\", "# moved \\\npostmaster: root\nx: y\n",
	    "root: a\nx: y\nROOT: b,\n\tc\n", "", "ops: carol",
	    "@example.com user@example.com\nops: carol\n" };
	static const char *const specs[][4] = {
	    { "ops=carol", NULL }, { "ops=carol,dave", NULL },
	    { "postmaster=root", "MAILER-DAEMON=postmaster", NULL },
	    { "root=a", "x=y", NULL }, { "x=y", NULL } };
	static const char nul[] = "ops: carol\0\n";
	struct desired_aliases al;
	struct stat st;
	size_t i, j, n = 0, unchanged = 0;
	int exact;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		for (j = 0; j < sizeof(specs) / sizeof(specs[0]); j++)
			for (exact = 0; exact <= 1; exact++, n++) {
				want_aliases(&al, exact, specs[j]);
				unchanged += agree(files[i], files[i],
				    strlen(files[i]), &al);
				free_aliases(&al);
			}
	/* Both verdicts were seen. */
	assert_true(unchanged > 0 && unchanged < n);
	want_aliases(&al, 0, specs[0]);
	assert_int_equal(agree("a NUL byte", nul, sizeof(nul) - 1, &al), 0);
	/* A file that cannot be read is an error, not a verdict. */
	errno = 0;
	assert_int_equal(aliases_unchanged_file("/nonexistent/aliases", 100,
	    FILEIO_NOFOLLOW, &al, &st), -1);
	assert_int_equal(errno, ENOENT);
	free_aliases(&al);
}

/*
 * around_edge - text, after comment lines that end shift bytes before
 * the first edge of a piece (FILEIO_SCAN_CHUNK), then tail.
 */
static size_t
around_edge(struct sbuf *b, size_t shift, const char *tail)
{
	size_t target = FILEIO_SCAN_CHUNK - shift, line;

	b->len = 0;
	sbuf_add(b, "", 0);
	while (b->len < target) {
		line = target - b->len > 80 ? 60 : target - b->len;
		if (line == 1)
			sbuf_adds(b, "\n");
		else {
			sbuf_adds(b, "#");
			while (line-- > 2)
				sbuf_adds(b, "x");
			sbuf_adds(b, "\n");
		}
	}
	sbuf_adds(b, tail);
	return b->len;
}

/* What a wrong edge would cut apart: continuations, joins, CRLF. */
static void
test_aliases_unchanged_edges(void **state)
{
	static const struct {
		const char *tail, *spec[3];
		int exact, unchanged;
	} cases[] = {
	    { "ops: carol,\n\tdave\npostmaster: root\n",
		{ "ops=carol", "postmaster=root", NULL }, 0, 0 },
	    { "ops: carol,\n\tdave\npostmaster: root\n",
		{ "ops=carol,dave", "postmaster=root", NULL }, 0, 1 },
	    { "ops: carol, \\\ndave\npostmaster: root\n",
		{ "ops=carol", "postmaster=root", NULL }, 0, 0 },
	    { "ops: carol, \\\r\ndave\r\npostmaster: root\r\n",
		{ "ops=carol,dave", "postmaster=root", NULL }, 0, 1 },
	    { "# moved \\\npostmaster: root\nops: carol\n",
		{ "ops=carol", "postmaster=root", NULL }, 0, 0 },
	    { "# moved \\\npostmaster: root\nops: carol\n",
		{ "ops=carol", NULL }, 1, 1 },
	    { "ops: carol\npostmaster: root\nOPS: dave\n",
		{ "ops=carol", "postmaster=root", NULL }, 0, 0 },
	};
	struct desired_aliases al;
	struct sbuf b = { 0 };
	char what[200];
	size_t i, shift, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		want_aliases(&al, cases[i].exact, cases[i].spec);
		for (shift = 0; shift <= strlen(cases[i].tail) + 2; shift++) {
			len = around_edge(&b, shift, cases[i].tail);
			snprintf(what, sizeof(what), "case %zu, %zu bytes "
			    "before the edge", i, shift);
			if (agree(what, b.s, len, &al) != cases[i].unchanged)
				fail_msg("%s: wrong verdict", what);
		}
		free_aliases(&al);
	}
	sbuf_free(&b);
}

/* An entry longer than a piece: the buffer grows to hold it whole. */
static void
test_aliases_unchanged_long(void **state)
{
	struct desired_aliases al;
	struct sbuf f = { 0 }, want = { 0 };
	const char *spec[2];
	size_t i;

	(void)state;
	sbuf_adds(&f, "a: b\nops: u0");
	sbuf_adds(&want, "ops=u0");
	for (i = 1; f.len < 3 * FILEIO_SCAN_CHUNK; i++) {
		sbuf_addf(&f, ",\n\tu%zu", i);
		sbuf_addf(&want, ",u%zu", i);
	}
	sbuf_adds(&f, "\nz: y\n");
	spec[0] = want.s;
	spec[1] = NULL;
	want_aliases(&al, 0, spec);
	assert_int_equal(agree("long entry", f.s, f.len, &al), 1);
	free_aliases(&al);
	/* One target fewer: a change, found only with the entry whole. */
	want.s[strrchr(want.s, ',') - want.s] = '\0';
	want_aliases(&al, 0, spec);
	assert_int_equal(agree("long entry, one less", f.s, f.len, &al), 0);
	free_aliases(&al);
	sbuf_free(&f);
	sbuf_free(&want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_aliases_continuations),
		cmocka_unit_test(test_aliases_duplicates),
		cmocka_unit_test(test_aliases_lint),
		cmocka_unit_test(test_aliases_unchanged_small),
		cmocka_unit_test(test_aliases_unchanged_edges),
		cmocka_unit_test(test_aliases_unchanged_long),
	};

	return cmocka_run_group_tests_name("aliases", tests, NULL, NULL);
}
