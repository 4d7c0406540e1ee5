/*
 * util_test.c - sbuf_json_str: valid UTF-8 is copied, control bytes and
 * U+2028/U+2029 (line breaks to JavaScript) are escaped, and each byte of
 * an invalid sequence (Latin-1 text, a lone continuation byte, an
 * overlong form, a surrogate, a cut sequence) is written as \u00XX, its
 * Latin-1 reading, so that the output is always valid JSON.  A shell test
 * (audit_test.sh) parses such output with python3's json module.
 */
#include "testutil.h"

#include "util.h"

static void
json(const char *in, const char *want)
{
	struct sbuf b = { 0 };

	sbuf_json_str(&b, in);
	assert_string_equal(b.s, want);
	sbuf_free(&b);
}

static void
test_json_str(void **state)
{
	(void)state;
	json(NULL, "\"\"");
	json("plain", "\"plain\"");
	json("a\"b\\c", "\"a\\\"b\\\\c\"");
	json("t\tn\n\x7f", "\"t\\u0009n\\u000a\\u007f\"");
	/* Valid UTF-8: copied. */
	json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7",
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7\"");
	/* C1 controls, U+2028, U+2029: escaped. */
	json("a\xc2\x85" "b\xc2\x9f", "\"a\\u0085b\\u009f\"");
	json("c\xe2\x80\xa8" "d\xe2\x80\xa9" "e", "\"c\\u2028d\\u2029e\"");
	/* Latin-1: each byte as its code point. */
	json("J\xfcrgen M\xfcller", "\"J\\u00fcrgen M\\u00fcller\"");
	/* A lone continuation byte, a cut sequence, an overlong '/', a
	 * surrogate, a byte that never starts one. */
	json("\x80x", "\"\\u0080x\"");
	json("\xe2\x82", "\"\\u00e2\\u0082\"");
	json("\xc0\xaf", "\"\\u00c0\\u00af\"");
	json("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"");
	json("\xff", "\"\\u00ff\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
