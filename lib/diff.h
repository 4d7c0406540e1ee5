/*
 * diff.h - unified diffs between two buffers, as GNU diff -u prints them.
 *
 * Lines are whole byte strings with their terminator ("\n" or "\r\n"),
 * so a change of line ending is a change; the last line of a buffer may
 * lack one and is then followed by "\ No newline at end of file".  The
 * script is a shortest one unless the inputs are too different for the
 * search bounds (see diff.c), in which case the differing middle is shown
 * as one deletion and one insertion: longer, but still exact.
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
