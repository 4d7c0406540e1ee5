/*
 * diff_test.c - the unified diff: a table of exact outputs (each one what
 * GNU diff -u prints for the pair), a few hundred random pairs compared
 * byte for byte with /usr/bin/diff, and big inputs: 100,000 lines with 5
 * scattered changes, 200,000 lines with nothing in common.
 *
 * Every diff produced here is also applied to its first input by apply()
 * below, which insists that context and counts fit exactly, and must give
 * back the second input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "diff.h"
#include "lines.h"
#include "util.h"

#define GNU_DIFF	"/usr/bin/diff"
#define HDR		"--- A\n+++ B\n"

/* ------------------------------------------------------------ helpers */

/* apply_hunk - one hunk (header at d->v[*k]) onto out; -1 if it misfits. */
static int
apply_hunk(const struct lines *a, size_t *ia, const struct lines *d,
    size_t *k, struct sbuf *out, size_t *nout)
{
	unsigned long s0, n0 = 1, s1, n1 = 1, c0 = 0, c1 = 0;
	const char *h = d->v[*k].p, *text;
	char *e, mark;
	size_t len;

	/* "@@ -s0[,n0] +s1[,n1] @@"; an empty range names the line before. */
	if (strncmp(h, "@@ -", 4) != 0)
		return -1;
	s0 = strtoul(h + 4, &e, 10);
	if (*e == ',')
		n0 = strtoul(e + 1, &e, 10);
	if (strncmp(e, " +", 2) != 0)
		return -1;
	s1 = strtoul(e + 2, &e, 10);
	if (*e == ',')
		n1 = strtoul(e + 1, &e, 10);
	if (strncmp(e, " @@\n", 4) != 0 || (n0 && s0 == 0) || (n1 && s1 == 0))
		return -1;
	if ((n0 ? s0 - 1 : s0) < *ia || (n0 ? s0 - 1 : s0) > a->n)
		return -1;
	for (; *ia < (n0 ? s0 - 1 : s0); (*ia)++, (*nout)++)
		sbuf_add(out, a->v[*ia].p, a->v[*ia].len);
	if (*nout != (n1 ? s1 - 1 : s1))
		return -1;

	for ((*k)++; *k < d->n && d->v[*k].p[0] != '@'; (*k)++) {
		mark = d->v[*k].p[0];
		text = d->v[*k].p + 1;
		len = d->v[*k].len - 1;
		if (*k + 1 < d->n && d->v[*k + 1].p[0] == '\\') {
			/* "\ No newline at end of file": drop the "\n". */
			if (len == 0 || text[len - 1] != '\n')
				return -1;
			len--;
			(*k)++;
		}
		switch (mark) {
		case ' ':
		case '-':
			if (*ia >= a->n || a->v[*ia].len != len ||
			    memcmp(a->v[*ia].p, text, len) != 0)
				return -1;
			if (mark == ' ') {
				sbuf_add(out, text, len);
				(*nout)++, c1++;
			}
			(*ia)++, c0++;
			break;
		case '+':
			sbuf_add(out, text, len);
			(*nout)++, c1++;
			break;
		default:
			return -1;
		}
	}
	return c0 == n0 && c1 == n1 ? 0 : -1;
}

/*
 * apply - patch a with the unified diff d; returns the result (caller
 * frees), or NULL if the diff does not fit a exactly.
 */
static char *
apply(const char *a, size_t alen, const char *d, size_t dlen, size_t *rlen)
{
	struct lines la = { 0 }, ld = { 0 };
	struct sbuf out = { 0 };
	size_t ia = 0, k = 2, nout = 0;
	int bad = 0;

	lines_split(&la, a, alen);
	lines_split(&ld, d, dlen);
	if (dlen > 0 && (ld.n < 3 || strncmp(d, HDR, strlen(HDR)) != 0))
		bad = 1;
	while (!bad && k < ld.n)
		bad = apply_hunk(&la, &ia, &ld, &k, &out, &nout) == -1;
	for (; !bad && ia < la.n; ia++)
		sbuf_add(&out, la.v[ia].p, la.v[ia].len);
	lines_free(&la);
	lines_free(&ld);
	if (bad) {
		sbuf_free(&out);
		return NULL;
	}
	sbuf_add(&out, "", 0);		/* a buffer even when empty */
	*rlen = out.len;
	return out.s;
}

/* applies - diff_unified(a, b) applied to a gives b. */
static int
applies(const char *a, size_t alen, const char *b, size_t blen,
    const struct sbuf *d)
{
	size_t rlen = 0;
	char *r = apply(a, alen, d->s ? d->s : "", d->len, &rlen);
	int ok = r != NULL && rlen == blen && memcmp(r, b, blen) == 0;

	free(r);
	return ok;
}

/* count_hunks - "@@" lines in a diff. */
static size_t
count_hunks(const char *d, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i + 1 < len; i++)
		if ((i == 0 || d[i - 1] == '\n') && d[i] == '@' &&
		    d[i + 1] == '@')
			n++;
	return n;
}

/* elapsed_ms - milliseconds since *t0. */
static double
elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* ------------------------------------------------------------- golden */

struct golden {
	const char	*name;
	const char	*a, *b;
	int		 context;
	size_t		 hunks;
	const char	*want;
};

#define TWELVE	"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"

static const struct golden goldens[] = {
	{ "equal", "a\nb\n", "a\nb\n", 3, 0, "" },
	{ "both empty", "", "", 3, 0, "" },
	{ "equal, unterminated", "a\nb", "a\nb", 3, 0, "" },
	{ "into empty file", "", "a\nb\nc\n", 3, 1,
	    HDR "@@ -0,0 +1,3 @@\n+a\n+b\n+c\n" },
	{ "to empty file", "a\nb\nc\n", "", 3, 1,
	    HDR "@@ -1,3 +0,0 @@\n-a\n-b\n-c\n" },
	{ "one line each", "a\n", "b\n", 3, 1,
	    HDR "@@ -1 +1 @@\n-a\n+b\n" },
	{ "change in the middle", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
	    "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n", 3, 1,
	    HDR "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n" },
	{ "insertion, no context", "1\n2\n3\n4\n5\n6\n",
	    "1\n2\n3\nx\n4\n5\n6\n", 0, 1, HDR "@@ -3,0 +4 @@\n+x\n" },
	{ "deletion, no context", "1\n2\n3\n4\n5\n6\n", "1\n2\n3\n5\n6\n",
	    0, 1, HDR "@@ -4 +3,0 @@\n-4\n" },
	{ "6 lines apart: one hunk", TWELVE,
	    "1\ntwo\n3\n4\n5\n6\n7\n8\nnine\n10\n11\n12\n", 3, 1,
	    HDR "@@ -1,12 +1,12 @@\n 1\n-2\n+two\n 3\n 4\n 5\n 6\n 7\n 8\n"
	    "-9\n+nine\n 10\n 11\n 12\n" },
	{ "7 lines apart: two hunks", TWELVE,
	    "1\ntwo\n3\n4\n5\n6\n7\n8\n9\nten\n11\n12\n", 3, 2,
	    HDR "@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"
	    "@@ -7,6 +7,6 @@\n 7\n 8\n 9\n-10\n+ten\n 11\n 12\n" },
	{ "context 1", TWELVE, "1\ntwo\n3\n4\n5\nsix\n7\n8\n9\n10\n11\n",
	    1, 3,
	    HDR "@@ -1,3 +1,3 @@\n 1\n-2\n+two\n 3\n@@ -5,3 +5,3 @@\n 5\n"
	    "-6\n+six\n 7\n@@ -11,2 +11 @@\n 11\n-12\n" },
	{ "newline added at end", "a\nb", "a\nb\n", 3, 1,
	    HDR "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
	    "+b\n" },
	{ "newline removed at end", "a\nb\n", "a\nb", 3, 1,
	    HDR "@@ -1,2 +1,2 @@\n a\n-b\n+b\n"
	    "\\ No newline at end of file\n" },
	{ "unterminated context line", "a\nb\nc", "x\nb\nc", 3, 1,
	    HDR "@@ -1,3 +1,3 @@\n-a\n+x\n b\n c\n"
	    "\\ No newline at end of file\n" },
	{ "both unterminated", "a\nb", "a\nc", 3, 1,
	    HDR "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
	    "+c\n\\ No newline at end of file\n" },
	{ "CRLF to LF is a change", "a\r\nb\r\n", "a\r\nb\n", 3, 1,
	    HDR "@@ -1,2 +1,2 @@\n a\r\n-b\r\n+b\n" },
	{ "CRLF kept as is", "a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n", 3, 1,
	    HDR "@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\r\n" },
	{ "lone CR is not a line end", "a\rb\n", "a\rc\n", 3, 1,
	    HDR "@@ -1 +1 @@\n-a\rb\n+a\rc\n" },
	/* GNU slides a change down a run of equal lines, as far as it goes. */
	{ "insertion into a run", "x\nx\nx\n", "x\nx\nx\nx\n", 3, 1,
	    HDR "@@ -1,3 +1,4 @@\n x\n x\n x\n+x\n" },
	{ "insertion into a run, no context", "a\nx\nx\nb\n",
	    "a\nx\nx\nx\nb\n", 0, 1, HDR "@@ -3,0 +4 @@\n+x\n" },
	{ "swap", "a\nb\n", "b\na\n", 3, 1,
	    HDR "@@ -1,2 +1,2 @@\n-a\n b\n+a\n" },
	/*
	 * GNU's "confusing lines": blank lines, which the new text has very
	 * many of, are not matched inside a block that is rewritten anyway.
	 */
	{ "rewritten block with blank lines",
	    "h\na1\na2\na3\n\nb1\nb2\nb3\n\nc1\nc2\nc3\nt\n\n\n\n\n\n\n",
	    "h\nx1\nx2\n\n\n\n\n\n\nt\n\n\n\n\n\n\n", 3, 1,
	    HDR "@@ -1,15 +1,12 @@\n h\n-a1\n-a2\n-a3\n-\n-b1\n-b2\n-b3\n-\n"
	    "-c1\n-c2\n-c3\n+x1\n+x2\n+\n+\n+\n+\n+\n+\n t\n \n \n" },
};

static void
test_golden(void **state)
{
	const struct golden *g;
	struct sbuf out;
	size_t i, n, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		g = &goldens[i];
		memset(&out, 0, sizeof(out));
		n = diff_unified(&out, "A", "B", g->a, strlen(g->a), g->b,
		    strlen(g->b), g->context);
		if (n != g->hunks || strcmp(out.s ? out.s : "", g->want) != 0) {
			print_error("case '%s': got %zu hunk(s):\n%s\nwant %zu:"
			    "\n%s\n", g->name, n, out.s ? out.s : "", g->hunks,
			    g->want);
			failed++;
		} else if (!applies(g->a, strlen(g->a), g->b, strlen(g->b),
		    &out)) {
			print_error("case '%s': diff does not apply\n", g->name);
			failed++;
		}
		sbuf_free(&out);
	}
	assert_int_equal(failed, 0);
}

/* The diff is appended to what out holds; labels are printed as given. */
static void
test_append_and_labels(void **state)
{
	struct sbuf out = { 0 };

	(void)state;
	sbuf_adds(&out, "before\n");
	assert_int_equal(diff_unified(&out, "/etc/mail/aliases",
	    "/etc/mail/aliases (desired)", "a\n", 2, "b\n", 2, 3), 1);
	assert_string_equal(out.s, "before\n--- /etc/mail/aliases\n"
	    "+++ /etc/mail/aliases (desired)\n@@ -1 +1 @@\n-a\n+b\n");
	assert_int_equal(diff_unified(&out, "x", "y", "a\n", 2, "a\n", 2, 3),
	    0);
	assert_int_equal(out.len, strlen("before\n--- /etc/mail/aliases\n"
	    "+++ /etc/mail/aliases (desired)\n@@ -1 +1 @@\n-a\n+b\n"));
	sbuf_free(&out);
}

/* --------------------------------------------------- random vs GNU diff */

#define RAND_PAIRS	400
#define RAND_MAXL	300

/* rnd - xorshift64*, from a fixed seed so every run sees the same pairs. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* below - a random number from 0 to n - 1. */
static size_t
below(uint64_t *s, size_t n)
{
	return n ? (size_t)(rnd(s) >> 33) % n : 0;
}

/* A file as line ids (0 is an empty line) and their line ends. */
struct tfile {
	int	id[RAND_MAXL];
	char	crlf[RAND_MAXL];
	size_t	n;
	int	cut;		/* drop the final "\n" */
};

/* tf_insert - a random line at position at (if there is room). */
static void
tf_insert(struct tfile *f, size_t at, int words, int crlf, uint64_t *s)
{
	if (f->n == RAND_MAXL)
		return;
	memmove(f->id + at + 1, f->id + at, (f->n - at) * sizeof(f->id[0]));
	memmove(f->crlf + at + 1, f->crlf + at, f->n - at);
	f->id[at] = (int)below(s, (size_t)words);
	f->crlf[at] = below(s, 20) == 0 ? !crlf : (char)crlf;
	f->n++;
}

/* tf_edit - b from a by a few deletions, insertions, copies and moves. */
static void
tf_edit(struct tfile *b, int words, int crlf, uint64_t *s)
{
	size_t e, i, at, len, nedit = below(s, 8);
	int id;

	for (e = 0; e < nedit; e++) {
		switch (below(s, 4)) {
		case 0:		/* delete a few lines */
			if (b->n == 0)
				break;
			at = below(s, b->n);
			len = 1 + below(s, 3);
			if (len > b->n - at)
				len = b->n - at;
			memmove(b->id + at, b->id + at + len,
			    (b->n - at - len) * sizeof(b->id[0]));
			memmove(b->crlf + at, b->crlf + at + len,
			    b->n - at - len);
			b->n -= len;
			break;
		case 1:		/* insert a few lines */
			at = below(s, b->n + 1);
			for (i = below(s, 3) + 1; i > 0; i--)
				tf_insert(b, at, words, crlf, s);
			break;
		case 2:		/* replace a line */
			if (b->n > 0)
				b->id[below(s, b->n)] = (int)below(s,
				    (size_t)words);
			break;
		default:	/* move a line elsewhere */
			if (b->n < 2)
				break;
			at = below(s, b->n);
			id = b->id[at];
			memmove(b->id + at, b->id + at + 1,
			    (b->n - at - 1) * sizeof(b->id[0]));
			at = below(s, b->n);
			memmove(b->id + at + 1, b->id + at,
			    (b->n - at - 1) * sizeof(b->id[0]));
			b->id[at] = id;
			break;
		}
	}
}

/* tf_render - the bytes of f. */
static void
tf_render(const struct tfile *f, struct sbuf *out)
{
	size_t i;

	out->len = 0;
	sbuf_add(out, "", 0);
	for (i = 0; i < f->n; i++) {
		if (f->id[i] != 0)
			sbuf_addf(out, "l%d", f->id[i]);
		sbuf_adds(out, f->crlf[i] ? "\r\n" : "\n");
	}
	if (f->cut && out->len > 0)
		out->s[--out->len] = '\0';	/* may leave a lone "\r" */
}

/* write_file - path gets the bytes of b. */
static void
write_file(const char *path, const struct sbuf *b)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(b->s, 1, b->len, fp), b->len);
	assert_int_equal(fclose(fp), 0);
}

/* gnu_diff - what GNU diff -U context prints for the two files. */
static void
gnu_diff(const char *dir, int context, struct sbuf *out)
{
	char cmd[512], buf[4096];
	FILE *fp;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), GNU_DIFF " -U%d --label A --label B "
	    "%s/A %s/B", context, dir, dir);
	out->len = 0;
	sbuf_add(out, "", 0);
	fp = popen(cmd, "r");
	assert_non_null(fp);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sbuf_add(out, buf, n);
	st = pclose(fp);
	/* 0: same, 1: different, 2: trouble. */
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) <= 1);
}

/* random_pair - the i-th pair: small alphabet, so lines match often. */
static void
random_pair(uint64_t *s, struct tfile *a, struct tfile *b, int *context)
{
	static const int contexts[] = { 0, 1, 2, 3, 3, 3, 5 };
	int words = 2 + (int)below(s, below(s, 4) == 0 ? 60 : 6);
	int crlf = below(s, 8) == 0;
	size_t i, n = below(s, below(s, 10) == 0 ? RAND_MAXL : 30);

	a->n = 0;
	for (i = 0; i < n; i++)
		tf_insert(a, a->n, words, crlf, s);
	if (below(s, 5) == 0) {		/* unrelated */
		b->n = 0;
		for (i = below(s, 60); i > 0; i--)
			tf_insert(b, b->n, words, crlf, s);
		/* Half share only empty lines: GNU's "confusing lines". */
		if (below(s, 2) == 0)
			for (i = 0; i < b->n; i++)
				b->id[i] += b->id[i] ? 1000 : 0;
	} else {
		*b = *a;
		tf_edit(b, words, crlf, s);
	}
	a->cut = below(s, 6) == 0;
	b->cut = below(s, 6) == 0;
	*context = contexts[below(s, sizeof(contexts) / sizeof(contexts[0]))];
}

/*
 * Byte for byte against GNU diff.  GNU's output is not always a shortest
 * script (its heuristics), and among shortest ones it picks by its own
 * rules; diff.c reproduces those rules, so identity is required, not just
 * an equally short script.  The pair is printed when they differ.
 */
static void
test_random_vs_gnu(void **state)
{
	static struct tfile a, b;
	struct sbuf ta = { 0 }, tb = { 0 }, want = { 0 }, got = { 0 };
	char dir[] = "/tmp/diff_test.XXXXXX", path[64];
	uint64_t seed = 0x6d61696c70726f76ULL;	/* "mailprov" */
	size_t i, n, same = 0, nhunks = 0, failed = 0;
	int context;

	(void)state;
	if (access(GNU_DIFF, X_OK) != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < RAND_PAIRS; i++) {
		random_pair(&seed, &a, &b, &context);
		tf_render(&a, &ta);
		tf_render(&b, &tb);
		snprintf(path, sizeof(path), "%s/A", dir);
		write_file(path, &ta);
		snprintf(path, sizeof(path), "%s/B", dir);
		write_file(path, &tb);
		gnu_diff(dir, context, &want);

		got.len = 0;
		sbuf_add(&got, "", 0);
		n = diff_unified(&got, "A", "B", ta.s, ta.len, tb.s, tb.len,
		    context);
		nhunks += n;
		if (got.len == want.len && memcmp(got.s, want.s, got.len) == 0 &&
		    n == count_hunks(want.s, want.len))
			same++;
		else if (failed++ < 3)
			print_error("pair %zu (-U%d): got %zu hunk(s):\n%s\n"
			    "want (GNU diff):\n%s\n", i, context, n, got.s,
			    want.s);
		if (!applies(ta.s, ta.len, tb.s, tb.len, &got)) {
			print_error("pair %zu: diff does not apply\n", i);
			failed++;
		}
	}
	print_message("%zu of %d random pairs identical to GNU diff "
	    "(%zu hunks)\n", same, RAND_PAIRS, nhunks);
	snprintf(path, sizeof(path), "%s/A", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/B", dir);
	unlink(path);
	rmdir(dir);
	sbuf_free(&ta);
	sbuf_free(&tb);
	sbuf_free(&want);
	sbuf_free(&got);
	assert_int_equal(failed, 0);
}

/* ----------------------------------------------------------- big input */

#define BIG	100000

/* alias_line - line i of the big aliases file. */
static void
alias_line(struct sbuf *b, size_t i)
{
	sbuf_addf(b, "alias%06zu: user%06zu@example.com\n", i, i);
}

/*
 * 100,000 lines, 5 changes far apart: 5 hunks at the right places (line
 * numbers shift after the deletion and the insertion), fast.
 */
static void
test_big_scattered(void **state)
{
	static const char *const heads[] = {
		"@@ -9998,7 +9998,7 @@\n",	/* line 10001 replaced */
		"@@ -29998,7 +29998,6 @@\n",	/* line 30001 deleted */
		"@@ -49998,6 +49997,7 @@\n",	/* a line before 50001 */
		"@@ -69998,7 +69998,7 @@\n",	/* line 70001 replaced */
		"@@ -89998,7 +89998,7 @@\n",	/* line 90001: a copy */
	};
	struct sbuf a = { 0 }, b = { 0 }, out = { 0 };
	struct timespec t0;
	const char *p;
	size_t i, n;
	double ms;

	(void)state;
	for (i = 0; i < BIG; i++) {
		alias_line(&a, i);
		if (i == 10000)
			sbuf_adds(&b, "alias010000: changed@example.com\n");
		else if (i == 30000)
			continue;
		else if (i == 50000) {
			sbuf_adds(&b, "newalias: x@example.com\n");
			alias_line(&b, i);
		} else if (i == 70000)
			sbuf_adds(&b, "alias070000: other@example.com\n");
		else if (i == 90000)
			alias_line(&b, 5);	/* matches a line far away */
		else
			alias_line(&b, i);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = diff_unified(&out, "A", "B", a.s, a.len, b.s, b.len, 3);
	ms = elapsed_ms(&t0);
	print_message("100,000 lines, 5 changes: %.1f ms\n", ms);
	assert_int_equal(n, 5);
	assert_int_equal(count_hunks(out.s, out.len), 5);
	for (p = out.s, i = 0; i < 5; i++) {
		p = strstr(p, heads[i]);
		if (p == NULL)
			print_error("got no hunk header %s", heads[i]);
		assert_non_null(p);
	}
	assert_true(applies(a.s, a.len, b.s, b.len, &out));
	assert_true(ms < 1000);		/* ~10 ms at -O2; slack for sanitizers */
	sbuf_free(&a);
	sbuf_free(&b);
	sbuf_free(&out);
}

/*
 * 200,000 lines against 200,000 others drawn from the same 5,000 lines:
 * far too many edits to search to the end, so the diff is cut short (a
 * split where the search got furthest, then wholesale deletion and
 * insertion once the work budget is spent), quickly and in bounded
 * memory, and still turns a into b.  Then 200,000 lines against 200,000
 * that are all different: one hunk replacing everything.
 */
static void
test_big_unrelated(void **state)
{
	struct sbuf a = { 0 }, b = { 0 }, out = { 0 };
	uint64_t seed = 42;
	struct timespec t0;
	size_t i, n;
	double ms;

	(void)state;
	for (i = 0; i < 2 * BIG; i++) {
		sbuf_addf(&a, "k%zu\n", below(&seed, 5000));
		sbuf_addf(&b, "k%zu\n", below(&seed, 5000));
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = diff_unified(&out, "A", "B", a.s, a.len, b.s, b.len, 3);
	ms = elapsed_ms(&t0);
	print_message("200,000 lines, too many edits: %.1f ms, %zu hunk(s)\n",
	    ms, n);
	assert_true(n >= 1);
	assert_true(applies(a.s, a.len, b.s, b.len, &out));
	assert_true(ms < 5000);

	a.len = b.len = out.len = 0;
	for (i = 0; i < 2 * BIG; i++) {
		sbuf_addf(&a, "a%zu\n", i);
		sbuf_addf(&b, "b%zu\n", i);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = diff_unified(&out, "A", "B", a.s, a.len, b.s, b.len, 3);
	ms = elapsed_ms(&t0);
	print_message("200,000 lines, none in common: %.1f ms\n", ms);
	assert_int_equal(n, 1);
	assert_memory_equal(out.s, HDR "@@ -1,200000 +1,200000 @@\n-a0\n",
	    strlen(HDR "@@ -1,200000 +1,200000 @@\n-a0\n"));
	assert_true(applies(a.s, a.len, b.s, b.len, &out));
	assert_true(ms < 2000);
	sbuf_free(&a);
	sbuf_free(&b);
	sbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_append_and_labels),
		cmocka_unit_test(test_random_vs_gnu),
		cmocka_unit_test(test_big_scattered),
		cmocka_unit_test(test_big_unrelated),
	};

	return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
