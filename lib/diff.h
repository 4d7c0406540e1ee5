/*
 * diff.h - unified diffs between two buffers, as GNU diff -u prints them.
 *
 * Lines are whole byte strings with their terminator ("\n" or "\r\n"),
 * so a change of line ending is a change; the last line of a buffer may
 * lack one and is then followed by "\ No newline at end of file".  The
 * output is byte for byte what GNU diff -u prints after its two header
 * lines, heuristics included (so not always the shortest script), except
 * past a work bound on very large, very different inputs (see diff.c),
 * where the rest is shown as deletions and insertions en bloc: longer,
 * but still exact.
 */
#ifndef MAILPROV_DIFF_H
#define MAILPROV_DIFF_H

#include <stddef.h>

#include "util.h"

/*
 * diff_unified - append to out a unified diff turning a into b, with
 * "--- label_a" / "+++ label_b" headers and `context` lines of context
 * (3 in mailprov), hunks "@@ -l,n +l,n @@" as GNU diff -u prints them.
 * Returns the number of hunks (0 when a and b are equal: nothing appended).
 */
size_t diff_unified(struct sbuf *out, const char *label_a, const char *label_b,
    const char *a, size_t alen, const char *b, size_t blen, int context);

#endif
