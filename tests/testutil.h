/*
 * testutil.h - shared helpers for the cmocka tests (header-only).
 */
#ifndef MAILPROV_TESTUTIL_H
#define MAILPROV_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "desired.h"
#include "diag.h"

/* load - validate a document held in memory; errors land in d. */
static inline struct desired *
load(const char *doc, size_t len, struct diags *d)
{
	diags_init(d, "t.yaml");
	return desired_load_buffer(doc, len, d);
}

/* dump_diags - print every kept diagnostic (for "got" in failures). */
static inline void
dump_diags(const struct diags *d)
{
	size_t i;
	char *s;

	for (i = 0; i < d->n; i++) {
		s = diags_format(d, i);
		print_error("  got: %s\n", s);
		free(s);
	}
}

/* has_diag - some kept entry at line:col whose message holds want. */
static inline int
has_diag(const struct diags *d, unsigned line, unsigned col, const char *want)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].line == line && d->v[i].col == col &&
		    strstr(d->v[i].msg, want) != NULL)
			return 1;
	return 0;
}

/* check_text - fail, showing both, unless got is exactly want. */
static inline void
check_text(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail_msg("%s:\n--- got ---\n%s--- want ---\n%s", what, got,
		    want);
}

#endif
