/*
 * diff.c - unified diffs between two buffers, as GNU diff -u prints them.
 *
 * API: diff_unified() (diff.h).  The caller owns out; everything else is
 * allocated with the x-allocators and freed before returning.  Nothing is
 * global, so diffs may run side by side.  No diagnostics: any two
 * buffers have a diff.
 *
 * The aim is the very bytes GNU diff -u prints (after its two header
 * lines), so the choices below are GNU's, step by step; tests/diff_test.c
 * checks hundreds of random pairs against /usr/bin/diff.
 * 1. Both buffers are split into lines (lines.c), terminators included.
 *    The common prefix and suffix are set aside except `context' lines
 *    of each (GNU's "horizon"): the rest, the body, is what is compared.
 * 2. Body lines are numbered by equivalence class (a hash table that
 *    compares the bytes on a hash match).  A line with no equal in the
 *    other body is a change in every script: it is marked at once and
 *    left out of the search, and so are lines equal to very many others
 *    that sit among such lines (GNU's "confusing lines", a heuristic that
 *    can make the script a little longer than the shortest).  Replaced
 *    lines, the usual edit, then cost the search nothing.
 * 3. Myers' O((N+M)D) search, in its linear-space form: the forward and
 *    backward furthest-reaching searches meet in a middle snake, which
 *    splits the problem in two, recursively.  Memory is O(N+M); ties are
 *    broken as GNU breaks them.  Like GNU, a search that passes about
 *    sqrt(N+M) rounds, and at least DIFF_MAXCOST, splits where it got
 *    furthest instead (a longer script, but no quadratic time).
 * 4. Each run of changes is slid over equal lines as GNU's boundary
 *    shifting does: joined to a neighbouring run where it can be, else
 *    pushed down as far as it goes, then back up to the last place where
 *    it faces a change in the other file.
 * 5. Changes with at most 2 * context unchanged lines between them share
 *    a hunk; headers follow GNU ("-l" for one line, "-l,0" with l the line
 *    before for none) and a line without terminator is followed by
 *    "\ No newline at end of file".
 *
 * Limits: time is bounded by DIFF_MAXWORK comparisons per diff (about
 * half a second on pathological inputs of 200,000 lines); whatever is
 * left unsearched then is shown as deletions and insertions en bloc: a
 * correct script, not a short one, and not GNU's.  A body of
 * DIFF_MAXLINES lines or more takes the same way out.  Memory is linear,
 * under 100 bytes a line.  Inputs with NUL bytes are diffed like any
 * other, where GNU diff would only say "Binary files differ".
 */
#include "diff.h"
#include "lines.h"
#include "msg.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DIFF_MAXCOST	4096			/* rounds before a split */
#define DIFF_MAXWORK	((uint64_t)1 << 27)	/* comparisons per diff */
#define DIFF_MAXLINES	((size_t)1 << 30)	/* fits int32 diagonals */

struct file {
	struct lines	 l;
	char		*chg;	/* per line, 1 if deleted/inserted; chg[n] = 0 */
	int32_t		*seq;	/* classes of the lines searched */
	size_t		*real;	/* their line numbers */
	size_t		 nseq;
};

struct change {
	size_t	a, na;		/* first deleted line of a (from 0), count */
	size_t	b, nb;		/* first inserted line of b, count */
};

struct search {
	const int32_t	*x, *y;		/* classes of the two sequences */
	int32_t		*fd, *bd;	/* furthest x per diagonal */
	char		*dx, *dy;	/* out: deleted, inserted */
	int32_t		 maxcost;	/* rounds before giving up */
	uint64_t	 work;		/* comparisons so far */
};

/* A box of the edit graph, and a band of diagonals min..max in it. */
struct band {
	int32_t	xoff, xlim, yoff, ylim;
	int32_t	min, max;
};

struct slot {
	uint32_t	h;		/* low bits of the line's hash */
	int32_t		cls;		/* its class + 1; 0: free */
};

/* line_eq - same bytes, terminator included. */
static int
line_eq(const struct line *x, const struct line *y)
{
	return x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

/* line_hash - 64-bit FNV-1a of the line's bytes. */
static uint64_t
line_hash(const struct line *ln)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < ln->len; i++) {
		h ^= (unsigned char)ln->p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * classify - number lines lo[k]..hi[k]-1 of both files by class, into
 * f[k].seq; count[k][c] gets the number of lines of class c in file k.
 */
static void
classify(struct file f[2], const size_t lo[2], const size_t hi[2],
    int32_t *count[2])
{
	struct slot *tab;
	const struct line *ln, **rep;
	size_t cap = 16, s, i, k, n;
	int32_t ncls = 0;
	uint64_t h;

	/* Open addressing, at most half full; rep[c]: a line of class c. */
	n = (hi[0] - lo[0]) + (hi[1] - lo[1]);
	while (cap < 2 * n)
		cap *= 2;
	tab = xcalloc(cap, sizeof(*tab));
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): rep is a T ** */
	rep = xreallocarray(NULL, n, sizeof(*rep));
	for (k = 0; k < 2; k++) {
		n = hi[k] - lo[k];
		f[k].seq = xreallocarray(NULL, n, sizeof(*f[k].seq));
		f[k].real = xreallocarray(NULL, n, sizeof(*f[k].real));
		for (i = 0; i < n; i++) {
			ln = &f[k].l.v[lo[k] + i];
			h = line_hash(ln);
			for (s = (size_t)(h >> 32) & (cap - 1); tab[s].cls != 0;
			    s = (s + 1) & (cap - 1))
				if (tab[s].h == (uint32_t)h &&
				    line_eq(rep[tab[s].cls - 1], ln))
					break;
			if (tab[s].cls == 0) {
				tab[s].h = (uint32_t)h;
				rep[ncls] = ln;
				tab[s].cls = ++ncls;
			}
			f[k].seq[i] = tab[s].cls - 1;
		}
	}
	free(tab);
	free(rep);
	for (k = 0; k < 2; k++) {
		count[k] = xcalloc((size_t)ncls, sizeof(*count[k]));
		for (i = 0; i < hi[k] - lo[k]; i++)
			count[k][f[k].seq[i]]++;
	}
}

/*
 * prune_run - settle the tentative discards (2) in the run of discards
 * dis[0..n-1], which starts with a sure one (1): keep them only where
 * sure discards dominate, as GNU diff does.  Returns the run's length.
 */
static size_t
prune_run(char *dis, size_t n)
{
	size_t len, i, tent = 0, least, q, consec;

	for (len = 0; len < n && dis[len] != 0; len++)
		tent += dis[len] == 2;
	while (dis[len - 1] == 2)
		dis[--len] = 0, tent--;
	if (tent * 4 > len) {
		for (i = 0; i < len; i++)
			if (dis[i] == 2)
				dis[i] = 0;
		return 0;	/* look again at each sure discard in it */
	}
	/* Clear every stretch of `least' (about sqrt(len / 4)) or more. */
	for (least = 1, q = len / 4; (q >>= 2) > 0; )
		least *= 2;
	least++;
	for (i = 0, consec = 0; i < len; i++) {
		if (dis[i] != 2)
			consec = 0;
		else if (++consec == least)
			i -= consec;	/* go back and clear the stretch */
		else if (consec > least)
			dis[i] = 0;
	}
	/*
	 * Clear those at the head, up to 3 sure ones in a row or a sure one
	 * 8 or more lines in; then the same at the tail.
	 */
	for (i = 0, consec = 0; i < len; i++) {
		if (i >= 8 && dis[i] == 1)
			break;
		if (dis[i] == 2)
			consec = 0, dis[i] = 0;
		else
			consec = dis[i] == 0 ? 0 : consec + 1;
		if (consec == 3)
			break;
	}
	for (i = 0, consec = 0; i < len; i++) {
		if (i >= 8 && dis[len - 1 - i] == 1)
			break;
		if (dis[len - 1 - i] == 2)
			consec = 0, dis[len - 1 - i] = 0;
		else
			consec = dis[len - 1 - i] == 0 ? 0 : consec + 1;
		if (consec == 3)
			break;
	}
	return len;
}

/*
 * discard - mark as changed, and leave out of the search, the lines of
 * f[k].seq that no line of the other file equals, and, as GNU diff does,
 * lines equal to very many others that sit among such lines.  Keeps in
 * seq/real the lines left, with their line numbers.
 */
static void
discard(struct file f[2], const size_t lo[2], const size_t hi[2],
    int32_t *const count[2])
{
	char *dis;
	size_t k, i, n, len, many, q;
	int32_t match;

	for (k = 0; k < 2; k++) {
		n = hi[k] - lo[k];
		dis = xcalloc(n, 1);
		/* "Very many": 5 times about sqrt(n / 64), doubling. */
		for (many = 5, q = n / 64; (q >>= 2) > 0; )
			many *= 2;
		for (i = 0; i < n; i++) {
			match = count[1 - k][f[k].seq[i]];
			if (match == 0)
				dis[i] = 1;
			else if ((size_t)match > many)
				dis[i] = 2;
		}
		for (i = 0; i < n; i++) {
			if (dis[i] == 2)
				dis[i] = 0;
			else if (dis[i] == 1 && (len = prune_run(dis + i,
			    n - i)) > 0)
				i += len - 1;
		}
		f[k].nseq = 0;
		for (i = 0; i < n; i++) {
			if (dis[i]) {
				f[k].chg[lo[k] + i] = 1;
				continue;
			}
			f[k].seq[f[k].nseq] = f[k].seq[i];
			f[k].real[f[k].nseq++] = lo[k] + i;
		}
		free(dis);
	}
}

/*
 * give_up - GNU diff's way out of a costly search: split at whichever of
 * the forward and backward searches has got further, measured in x + y.
 * The part on that search's side of the split is known to be reachable
 * at the cost spent so far; *min says which part that is (1: the first).
 */
static void
give_up(const struct search *s, const struct band *f, const struct band *b,
    int32_t *xm, int32_t *ym, int *min)
{
	int64_t fbest = -1, bbest = INT64_MAX, fx = 0, bx = 0, x, y;
	int32_t d;

	for (d = f->max; d >= f->min; d -= 2) {
		x = s->fd[d] < f->xlim ? s->fd[d] : f->xlim;
		y = x - d;
		if (y > f->ylim)
			x = f->ylim + d, y = f->ylim;
		if (x + y > fbest)
			fbest = x + y, fx = x;
	}
	for (d = b->max; d >= b->min; d -= 2) {
		x = s->bd[d] > b->xoff ? s->bd[d] : b->xoff;
		y = x - d;
		if (y < b->yoff)
			x = b->yoff + d, y = b->yoff;
		if (x + y < bbest)
			bbest = x + y, bx = x;
	}
	if ((int64_t)f->xlim + f->ylim - bbest <
	    fbest - ((int64_t)f->xoff + f->yoff)) {
		*xm = (int32_t)fx;
		*ym = (int32_t)(fbest - fx);
		*min = 1;
	} else {
		*xm = (int32_t)bx;
		*ym = (int32_t)(bbest - bx);
		*min = 2;
	}
}

/*
 * middle - the middle snake of x[xoff..xlim) against y[yoff..ylim): run
 * the furthest-reaching search forward from the top left and backward
 * from the bottom right, one edit step each in turn, until they meet.
 * Ties go as in GNU diff, so the split, and the script, are GNU's.  Past
 * s->maxcost rounds, unless minimal, split as give_up() says.  Returns 0
 * with the split in *xm, *ym and in *min which parts are to be searched
 * to the end (3: both), or -1 once the work budget is spent.
 */
static int
middle(struct search *s, const struct band *box, int minimal, int32_t *xm,
    int32_t *ym, int *min)
{
	int32_t *fd = s->fd, *bd = s->bd;
	const int32_t dmin = box->xoff - box->ylim, dmax = box->xlim - box->yoff;
	struct band f, b;
	int32_t c, d, x, y, x0, lo, hi;
	int odd;

	/* fd[d], bd[d]: furthest x on diagonal d (x - y) each way. */
	f = b = *box;
	f.min = f.max = box->xoff - box->yoff;
	b.min = b.max = box->xlim - box->ylim;
	odd = (f.min - b.min) & 1;
	fd[f.min] = box->xoff;
	bd[b.min] = box->xlim;
	*min = 3;
	for (c = 1; s->work <= DIFF_MAXWORK; c++) {
		/* Widen each band by a diagonal a side, inside the box. */
		if (f.min > dmin)
			fd[--f.min - 1] = -1;
		else
			f.min++;
		if (f.max < dmax)
			fd[++f.max + 1] = -1;
		else
			f.max--;
		for (d = f.max; d >= f.min; d -= 2) {
			lo = fd[d - 1];
			hi = fd[d + 1];
			x = x0 = lo < hi ? hi : lo + 1;
			for (y = x - d; x < box->xlim && y < box->ylim &&
			    s->x[x] == s->y[y]; x++, y++)
				continue;
			s->work += (uint64_t)(x - x0) + 1;
			fd[d] = x;
			if (odd && b.min <= d && d <= b.max && bd[d] <= x) {
				*xm = x;
				*ym = y;
				return 0;
			}
		}
		if (b.min > dmin)
			bd[--b.min - 1] = INT32_MAX;
		else
			b.min++;
		if (b.max < dmax)
			bd[++b.max + 1] = INT32_MAX;
		else
			b.max--;
		for (d = b.max; d >= b.min; d -= 2) {
			lo = bd[d - 1];
			hi = bd[d + 1];
			x = x0 = lo < hi ? lo : hi - 1;
			for (y = x - d; x > box->xoff && y > box->yoff &&
			    s->x[x - 1] == s->y[y - 1]; x--, y--)
				continue;
			s->work += (uint64_t)(x0 - x) + 1;
			bd[d] = x;
			if (!odd && f.min <= d && d <= f.max && x <= fd[d]) {
				*xm = x;
				*ym = y;
				return 0;
			}
		}
		if (!minimal && c >= s->maxcost) {
			give_up(s, &f, &b, xm, ym, min);
			return 0;
		}
	}
	return -1;
}

/*
 * compare - mark in dx, dy what a short script deletes from
 * x[xoff..xlim) and inserts from y[yoff..ylim), splitting at the middle
 * snake; shortest if minimal or if the search never gives up.  A part
 * left when the work budget is spent is marked all deleted and inserted.
 */
static void
compare(struct search *s, int32_t xoff, int32_t xlim, int32_t yoff,
    int32_t ylim, int minimal)
{
	struct band box;
	int32_t xm, ym;
	int min;

	while (xoff < xlim && yoff < ylim && s->x[xoff] == s->y[yoff])
		xoff++, yoff++;
	while (xoff < xlim && yoff < ylim &&
	    s->x[xlim - 1] == s->y[ylim - 1])
		xlim--, ylim--;
	box.xoff = xoff;
	box.xlim = xlim;
	box.yoff = yoff;
	box.ylim = ylim;
	box.min = box.max = 0;	/* middle() sets its own */
	if (xoff == xlim || yoff == ylim ||
	    middle(s, &box, minimal, &xm, &ym, &min) == -1 ||
	    xm < xoff || xm > xlim || ym < yoff || ym > ylim) {
		memset(s->dx + xoff, 1, (size_t)(xlim - xoff));
		memset(s->dy + yoff, 1, (size_t)(ylim - yoff));
		return;
	}
	compare(s, xoff, xm, yoff, ym, min & 1);
	compare(s, xm, xlim, ym, ylim, (min & 2) != 0);
}

/* search - mark the changed lines of the body lo[k]..hi[k]-1. */
static void
search(struct file f[2], const size_t lo[2], const size_t hi[2])
{
	struct search s;
	int32_t *fdv, *bdv, *count[2], n, m;
	size_t i, k, q;

	if (hi[0] - lo[0] >= DIFF_MAXLINES || hi[1] - lo[1] >= DIFF_MAXLINES) {
		for (k = 0; k < 2; k++)
			memset(f[k].chg + lo[k], 1, hi[k] - lo[k]);
		return;
	}
	classify(f, lo, hi, count);
	discard(f, lo, hi, count);
	free(count[0]);
	free(count[1]);
	n = (int32_t)f[0].nseq;
	m = (int32_t)f[1].nseq;
	/* Diagonals run from -m to n, with one spare at each end. */
	fdv = xreallocarray(NULL, (size_t)n + (size_t)m + 3, sizeof(*fdv));
	bdv = xreallocarray(NULL, (size_t)n + (size_t)m + 3, sizeof(*bdv));
	s.x = f[0].seq;
	s.y = f[1].seq;
	s.fd = fdv + m + 1;
	s.bd = bdv + m + 1;
	s.dx = xcalloc(f[0].nseq, 1);
	s.dy = xcalloc(f[1].nseq, 1);
	/* GNU's bound: about sqrt(n + m), and at least DIFF_MAXCOST. */
	for (s.maxcost = 1, q = (size_t)n + (size_t)m + 3; q != 0; q >>= 2)
		s.maxcost *= 2;
	if (s.maxcost < DIFF_MAXCOST)
		s.maxcost = DIFF_MAXCOST;
	s.work = 0;
	compare(&s, 0, n, 0, m, 0);
	for (i = 0; i < f[0].nseq; i++)
		if (s.dx[i])
			f[0].chg[f[0].real[i]] = 1;
	for (i = 0; i < f[1].nseq; i++)
		if (s.dy[i])
			f[1].chg[f[1].real[i]] = 1;
	free(s.dx);
	free(s.dy);
	free(fdv);
	free(bdv);
}

/*
 * slide - move the runs of changes c of one file over equal lines (oc:
 * the other file's changes): join neighbouring runs where possible, else
 * push each run down as far as it goes, then back up to the last place
 * where it faces a change in the other file.  This is the rule of GNU
 * diff's shift_boundaries, so our hunks are cut where GNU cuts them.
 */
static void
slide(char *c, const char *oc, const struct line *v, size_t n)
{
	size_t i = 0, j = 0, start, len, align;

	/* j: the line of the other file matched to line i (both unchanged). */
	for (;;) {
		while (i < n && !c[i]) {
			while (oc[j])
				j++;
			i++, j++;
		}
		if (i == n)
			break;
		start = i;
		while (c[i])
			i++;
		while (oc[j])
			j++;
		do {
			len = i - start;
			while (start > 0 &&
			    line_eq(&v[start - 1], &v[i - 1])) {
				c[--start] = 1;
				c[--i] = 0;
				while (start > 0 && c[start - 1])
					start--;
				do
					j--;
				while (oc[j]);
			}
			align = j > 0 && oc[j - 1] ? i : n;
			while (i < n && line_eq(&v[start], &v[i])) {
				c[start++] = 0;
				c[i++] = 1;
				while (c[i])
					i++;
				while (oc[++j])
					align = i;
			}
		} while (len != i - start);
		while (align < i) {
			c[--start] = 1;
			c[--i] = 0;
			do
				j--;
			while (oc[j]);
		}
	}
}

/* changes - the marked lines as (deleted run, inserted run) pairs. */
static struct change *
changes(const struct file f[2], size_t *np)
{
	struct change *v = NULL;
	size_t i = 0, j = 0, a0, b0, n = 0, cap = 0;

	while (i < f[0].l.n || j < f[1].l.n) {
		if (i < f[0].l.n && j < f[1].l.n && !f[0].chg[i] &&
		    !f[1].chg[j]) {
			i++, j++;
			continue;
		}
		a0 = i;
		b0 = j;
		while (f[0].chg[i])
			i++;
		while (f[1].chg[j])
			j++;
		if (i == a0 && j == b0)
			msg_panic("diff: unchanged lines left in one file only");
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n].a = a0;
		v[n].na = i - a0;
		v[n].b = b0;
		v[n].nb = j - b0;
		n++;
	}
	*np = n;
	return v;
}

/* put_range - one side of a hunk header, as GNU prints it. */
static void
put_range(struct sbuf *out, size_t s, size_t e)
{
	if (e == s)
		sbuf_addf(out, "%zu,0", s);	/* the line before, none */
	else if (e - s == 1)
		sbuf_addf(out, "%zu", s + 1);
	else
		sbuf_addf(out, "%zu,%zu", s + 1, e - s);
}

/* put_line - one hunk line with its mark, and GNU's note if unterminated. */
static void
put_line(struct sbuf *out, char mark, const struct line *ln)
{
	sbuf_add(out, &mark, 1);
	sbuf_add(out, ln->p, ln->len);
	if (ln->len == 0 || ln->p[ln->len - 1] != '\n')
		sbuf_adds(out, "\n\\ No newline at end of file\n");
}

/* put_hunk - changes c[0..nc-1] with ctx lines of context around them. */
static void
put_hunk(struct sbuf *out, const struct file f[2], const struct change *c,
    size_t nc, size_t ctx)
{
	const struct change *last = &c[nc - 1];
	size_t s0, s1, e0, e1, post, i, j, k;

	s0 = c[0].a > ctx ? c[0].a - ctx : 0;
	s1 = c[0].b - (c[0].a - s0);
	e0 = last->a + last->na;
	post = f[0].l.n - e0 < ctx ? f[0].l.n - e0 : ctx;
	e1 = last->b + last->nb + post;
	e0 += post;

	sbuf_adds(out, "@@ -");
	put_range(out, s0, e0);
	sbuf_adds(out, " +");
	put_range(out, s1, e1);
	sbuf_adds(out, " @@\n");
	i = s0;
	for (k = 0; k < nc; k++) {
		for (; i < c[k].a; i++)
			put_line(out, ' ', &f[0].l.v[i]);
		for (; i < c[k].a + c[k].na; i++)
			put_line(out, '-', &f[0].l.v[i]);
		for (j = c[k].b; j < c[k].b + c[k].nb; j++)
			put_line(out, '+', &f[1].l.v[j]);
	}
	for (; i < e0; i++)
		put_line(out, ' ', &f[0].l.v[i]);
}

size_t
diff_unified(struct sbuf *out, const char *label_a, const char *label_b,
    const char *a, size_t alen, const char *b, size_t blen, int context)
{
	struct file f[2];
	struct change *c = NULL;
	size_t pre, suf, lo[2], hi[2], k, h, t, nc = 0, nh = 0, ctx;

	ctx = context > 0 ? (size_t)context : 0;
	memset(f, 0, sizeof(f));
	lines_split(&f[0].l, a, alen);
	lines_split(&f[1].l, b, blen);

	/*
	 * The body compared is what lies between the common prefix and
	 * suffix, widened by ctx lines of each, which is the part GNU diff
	 * reads into its line tables (its "horizon"): it bounds how far a
	 * change may slide and which lines count as having a match.  The
	 * suffix may not reach into the prefix that is left out.
	 */
	for (pre = 0; pre < f[0].l.n && pre < f[1].l.n &&
	    line_eq(&f[0].l.v[pre], &f[1].l.v[pre]); pre++)
		continue;
	lo[0] = lo[1] = pre - (pre < ctx ? pre : ctx);
	for (suf = 0; suf < f[0].l.n - lo[0] && suf < f[1].l.n - lo[1] &&
	    line_eq(&f[0].l.v[f[0].l.n - 1 - suf],
	    &f[1].l.v[f[1].l.n - 1 - suf]); suf++)
		continue;
	for (k = 0; k < 2; k++) {
		hi[k] = f[k].l.n - suf + (suf < ctx ? suf : ctx);
		f[k].chg = xcalloc(f[k].l.n + 1, 1);
	}
	if (pre == f[0].l.n && pre == f[1].l.n)
		goto done;

	search(f, lo, hi);
	for (k = 0; k < 2; k++)
		if (hi[k] > lo[k])	/* else l.v may be NULL */
			slide(f[k].chg + lo[k], f[1 - k].chg + lo[1 - k],
			    f[k].l.v + lo[k], hi[k] - lo[k]);
	c = changes(f, &nc);
	if (nc == 0)
		goto done;
	sbuf_addf(out, "--- %s\n+++ %s\n", label_a, label_b);
	for (h = 0; h < nc; h = t + 1) {
		for (t = h; t + 1 < nc &&
		    c[t + 1].a - (c[t].a + c[t].na) <= 2 * ctx; t++)
			continue;
		put_hunk(out, f, c + h, t - h + 1, ctx);
		nh++;
	}
done:
	free(c);
	for (k = 0; k < 2; k++) {
		lines_free(&f[k].l);
		free(f[k].chg);
		free(f[k].seq);
		free(f[k].real);
	}
	return nh;
}
