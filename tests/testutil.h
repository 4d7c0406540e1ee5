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

/*
 * run_rows - a table as one cmocka test per row: fn gets the row as its
 * state, and the row's first member, a const char *, names the test.
 */
static inline int
run_rows(const char *group, const void *rows, size_t n, size_t size,
    CMUnitTestFunction fn)
{
	struct CMUnitTest *t = calloc(n, sizeof(*t));
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		const void *row = (const char *)rows + i * size;

		t[i].name = *(const char *const *)row;
		t[i].test_func = fn;
		t[i].initial_state = (void *)(uintptr_t)row;
	}
	r = _cmocka_run_group_tests(group, t, n, NULL, NULL);
	free(t);
	return r;
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
