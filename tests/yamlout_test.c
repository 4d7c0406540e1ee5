/*
 * yamlout_test.c - lib/yamlout.c: every tricky value written by
 * yo_scalar reads back through the project's loader (yamltree, libyaml)
 * as the same bytes: YAML words, quotes, controls, C1 controls, the
 * YAML line breaks U+0085, U+2028 and U+2029, a byte order mark, valid
 * UTF-8 of every length.  A value that is not UTF-8 cannot be held by a
 * YAML file: yo_render leaves its item out, says why, and writes the
 * commented-out value and the notes with such bytes replaced, so that
 * the document still loads.
 */
#include "testutil.h"

#include "util.h"
#include "yamlout.h"
#include "yamltree.h"

static const struct ytree_limits lim = { 1 << 20, 10000, 32 };

/* parse - doc through yamltree; NULL (with the reasons shown) if refused. */
static struct ynode *
parse(const char *doc)
{
	struct diags d;
	struct ynode *n;

	diags_init(&d, "t.yaml");
	n = ytree_parse(doc, strlen(doc), &lim, &d);
	if (n == NULL || d.n > 0) {
		print_message("refused:\n%s\n", doc);
		dump_diags(&d);
		ynode_free(n);
		n = NULL;
	}
	diags_free(&d);
	return n;
}

static void
test_scalar(void **state)
{
	static const char *const v[] = { "plain", "yes", "No", "null", "~",
	    "", " lead", "trail ", "a b", "123", "0x1f", "1e5", "- x", "#x",
	    ": y", "x: y", "x #y", "'q'", "x\"y\\z", "tab\there", "nl\nx",
	    "cr\rx", "\x01\x1f\x7f", "caf\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x93\xa7", "a\xc2\x85" "b", "c\xe2\x80\xa8" "d",
	    "\xe2\x80\xa9", "\xc2\x80\xc2\x9f\xc2\xa0", "\xef\xbb\xbf" "bom",
	    "\xef\xbf\xbe\xef\xbf\xbf", "\xed\x9f\xbf\xee\x80\x80",
	    "|/usr/bin/vacation -a x", ":include:/etc/mail/l", NULL };
	size_t i;

	(void)state;
	for (i = 0; v[i] != NULL; i++) {
		struct sbuf b = { 0 };
		struct ynode *n;

		sbuf_adds(&b, "k: ");
		yo_scalar(&b, v[i]);
		sbuf_adds(&b, "\n");
		n = parse(b.s);
		assert_non_null(n);
		assert_int_equal(n->kind, YN_MAP);
		assert_int_equal(n->n, 2);
		assert_int_equal(n->items[1]->kind, YN_SCALAR);
		assert_int_equal(n->items[1]->len, strlen(v[i]));
		assert_memory_equal(n->items[1]->str, v[i], strlen(v[i]));
		ynode_free(n);
		sbuf_free(&b);
	}
}

static void
test_not_utf8(void **state)
{
	struct yamlout y = { 0 };
	struct sbuf b = { 0 };
	struct ynode *n;
	struct yo_item *it;
	int top = yo_group(&y, -1), g1, g2, g3, g4;

	(void)state;
	yo_add(&y, top, 0, "entries", YO_HEADER, NULL);
	g1 = yo_group(&y, top);
	yo_add(&y, g1, 1, "ok", YO_STR, "caf\xc3\xa9");
	g2 = yo_group(&y, top);
	yo_note(yo_add(&y, g2, 1, "latin1", YO_STR, "g\xe9h"),
	    "a note with J\xfcrgen and \xe2\x80\xa8 in it");
	g3 = yo_group(&y, top);
	yo_add(&y, g3, 1, "k\xfc", YO_STR, "x");
	g4 = yo_group(&y, top);
	it = yo_add(&y, g4, 1, "list", YO_LIST, NULL);
	strlist_push(&it->l, "a");
	strlist_push(&it->l, "b\xc3");
	yo_render(&y, &b);
	n = parse(b.s);
	assert_non_null(n);
	/* Only entries: {ok: café} is left. */
	assert_int_equal(n->n, 2);
	assert_int_equal(n->items[1]->kind, YN_MAP);
	assert_int_equal(n->items[1]->n, 2);
	assert_string_equal(n->items[1]->items[0]->str, "ok");
	assert_string_equal(n->items[1]->items[1]->str, "caf\xc3\xa9");
	ynode_free(n);
	assert_null(yo_gone(&y, g1));
	assert_non_null(yo_gone(&y, g2));
	assert_non_null(strstr(yo_gone(&y, g2), "not valid UTF-8"));
	assert_non_null(yo_gone(&y, g3));
	assert_non_null(yo_gone(&y, g4));
	/* Left out, said why, the value shown with '?'. */
	assert_non_null(strstr(b.s, "  # latin1: \"g?h\"\n"));
	assert_non_null(strstr(b.s, "  # \"k?\": x\n"));
	assert_non_null(strstr(b.s, "  #   - \"b?\"\n"));
	assert_non_null(strstr(b.s, "# not managed: "));
	assert_non_null(strstr(b.s, "# a note with J?rgen and ??? in it\n"));
	assert_int_equal(y.v[2].first, 0);
	sbuf_free(&b);
	yo_free(&y);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalar),
		cmocka_unit_test(test_not_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
