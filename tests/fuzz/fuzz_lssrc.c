/*
 * fuzz_lssrc.c - libFuzzer target: the parsers of lssrc -s and lssrc -S
 * output on any text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct src_status st;
	struct src_def d;
	char *s = malloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	if (src_parse_lssrc_s(s, "sendmail", &st) == 0 &&
	    (st.state < SRC_NOTDEF || st.state > SRC_OTHER || st.pid < 0))
		abort();
	if (src_parse_lssrc_S(s, "sendmail", &d) == 0 && !d.defined)
		abort();
	free(s);
	return 0;
}
