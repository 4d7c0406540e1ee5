/*
 * fuzz_desired.c - libFuzzer target: the desired-state loader on any
 * bytes.  It must never crash, leak or read out of bounds, and it must
 * return a model exactly when it reported no error.
 */
#include <stdint.h>
#include <stdlib.h>

#include "desired.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d;
	struct desired *ds;

	diags_init(&d, "fuzz.yaml");
	ds = desired_load_buffer((const char *)data, size, &d);
	if ((ds == NULL) != (diags_count(&d) > 0))
		abort();
	desired_free(ds);
	diags_free(&d);
	return 0;
}
