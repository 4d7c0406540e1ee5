/*
 * aliases.c - parse and edit the sendmail aliases file losslessly.
 *
 * Contract: see aliases.h.  Lookups go through a sorted index of the
 * existing names, so a merge into a 100,000-entry file costs
 * O(n log n), not O(n * entries).
 */
#include "aliases.h"
#include "fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* unquote_push - trimmed target without its outer double quotes. */
static void
unquote_push(struct strlist *out, const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
		s++, n -= 2;
	if (n > 0)
		strlist_take(out, xstrndup(s, n));
}

void
aliases_split_targets(const char *s0, size_t n0, struct strlist *out)
{
	char *s = xmalloc(n0 + 1);
	size_t i, n = 0, start = 0;
	int quoted = 0;

	/* A backslash before a newline only joins lines: drop the pair. */
	for (i = 0; i < n0; i++) {
		if (s0[i] == '\\' && i + 1 < n0 && s0[i + 1] == '\n') {
			i++;
			continue;
		}
		if (s0[i] == '\\' && i + 2 < n0 && s0[i + 1] == '\r' &&
		    s0[i + 2] == '\n') {
			i += 2;
			continue;
		}
		s[n++] = s0[i];
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == ',' && !quoted) {
			unquote_push(out, s + start, i - start);
			start = i + 1;
		}
	}
	unquote_push(out, s + start, n - start);
	free(s);
}

/* line_end - offset just past the line starting at pos. */
static size_t
line_end(const char *buf, size_t len, size_t pos)
{
	const char *nl = memchr(buf + pos, '\n', len - pos);

	return nl ? (size_t)(nl - buf) + 1 : len;
}

/* ends_in_backslash - the line [start, end) ends with "\\" + newline. */
static int
ends_in_backslash(const char *buf, size_t start, size_t end)
{
	size_t n = end;

	if (n > start && buf[n - 1] == '\n')
		n--;
	if (n > start && buf[n - 1] == '\r')
		n--;
	return n > start && n < end && buf[n - 1] == '\\';
}

/* blank_from - the line at pos holds only blanks (or nothing). */
static int
blank_from(const char *buf, size_t pos, size_t end)
{
	for (; pos < end; pos++)
		if (buf[pos] != ' ' && buf[pos] != '\t' && buf[pos] != '\n' &&
		    buf[pos] != '\r')
			return 0;
	return 1;
}

int
aliases_next(const char *buf, size_t len, size_t *pos, struct alias_span *sp)
{
	size_t p = *pos, e;
	const char *colon;

	while (p < len) {
		e = line_end(buf, len, p);
		if (buf[p] == '#' || buf[p] == ' ' || buf[p] == '\t' ||
		    blank_from(buf, p, e) ||
		    (colon = memchr(buf + p, ':', e - p)) == NULL) {
			/*
			 * A comment, blank, stray or bad line; sendmail joins
			 * backslash lines before it looks, so one ending in a
			 * backslash takes the next line with it.
			 */
			while (e < len && ends_in_backslash(buf, p, e)) {
				p = e;
				e = line_end(buf, len, e);
			}
			p = e;
			continue;
		}
		sp->start = p;
		sp->name = buf + p;
		for (sp->nlen = 0; buf + p + sp->nlen < colon &&
		    buf[p + sp->nlen] != ' ' && buf[p + sp->nlen] != '\t';
		    sp->nlen++)
			;
		sp->value = (size_t)(colon - buf) + 1;
		sp->first_end = e;
		/*
		 * sendmail's continuation rules: a line ending in a backslash
		 * joins the next line, whatever it holds; a line starting
		 * with a blank or tab continues the entry, even if it holds
		 * nothing else.
		 */
		while (e < len && (ends_in_backslash(buf, p, e) ||
		    buf[e] == ' ' || buf[e] == '\t')) {
			p = e;
			e = line_end(buf, len, e);
		}
		sp->end = e;
		*pos = e;
		return 1;
	}
	*pos = len;
	return 0;
}

void
aliases_parse(const char *buf, size_t len, struct aliases *a)
{
	struct alias_span sp;
	size_t pos = 0, cap = 0, line = 0, at = 0;

	memset(a, 0, sizeof(*a));
	while (aliases_next(buf, len, &pos, &sp)) {
		struct alias_entry *e;

		if (a->n == cap) {
			cap = cap ? cap * 2 : 64;
			a->v = xreallocarray(a->v, cap, sizeof(*a->v));
		}
		e = &a->v[a->n++];
		memset(e, 0, sizeof(*e));
		e->name = xstrndup(sp.name, sp.nlen);
		/* Line numbers, counted only as far as needed. */
		for (; at < sp.start; at++)
			line += buf[at] == '\n';
		e->first = line;
		for (; at < sp.end - 1; at++)
			line += buf[at] == '\n';
		e->last = line;
		aliases_split_targets(buf + sp.value, sp.end - sp.value,
		    &e->targets);
	}
}

void
aliases_free(struct aliases *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->v[i].name);
		strlist_clear(&a->v[i].targets);
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* render - "name: t1, t2" with quotes where a target needs them. */
static void
render(struct sbuf *out, const char *name, size_t nlen,
    const struct strlist *t, const char *eol)
{
	size_t i;

	sbuf_add(out, name, nlen);
	sbuf_adds(out, ": ");
	for (i = 0; i < t->n; i++) {
		int q = strpbrk(t->v[i], " \t,") != NULL;

		sbuf_addf(out, "%s%s%s%s", i ? ", " : "", q ? "\"" : "",
		    t->v[i], q ? "\"" : "");
	}
	sbuf_adds(out, eol);
}

static int
same_targets(const struct strlist *a, const struct strlist *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

/* lower - ASCII only, as sendmail folds alias names; no locale lookup. */
static inline int
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* namecmp - two counted names, without case (the hot loop of a no-op). */
static int
namecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i, n = alen < blen ? alen : blen;
	int c;

	for (i = 0; i < n; i++)
		if ((c = lower((unsigned char)a[i]) - lower((unsigned char)b[i]))
		    != 0)
			return c;
	return (alen > blen) - (alen < blen);
}

static const struct desired_aliases *sort_want;

static int
want_cmp(const void *x, const void *y)
{
	const char *a = sort_want->entries[*(const size_t *)x].name;
	const char *b = sort_want->entries[*(const size_t *)y].name;

	return namecmp(a, strlen(a), b, strlen(b));
}

/* lookup - the desired entry named (name, n); -1 if not listed. */
static long
lookup(const struct desired_aliases *want, const size_t *ix,
    const size_t *wlen, const char *name, size_t n)
{
	size_t lo = 0, hi = want->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = namecmp(name, n, want->entries[ix[mid]].name,
		    wlen[ix[mid]]);
		if (c == 0)
			return (long)ix[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* span_eol - the terminator of an entry's first line ("" at EOF). */
static const char *
span_eol(const char *buf, const struct alias_span *sp)
{
	if (buf[sp->first_end - 1] != '\n')
		return "";
	if (sp->first_end - sp->start >= 2 && buf[sp->first_end - 2] == '\r')
		return "\r\n";
	return "\n";
}

/* count_lines - newlines in buf[0, end), for messages. */
static size_t
count_lines(const char *buf, size_t end)
{
	size_t n = 1, i;

	for (i = 0; i < end; i++)
		n += buf[i] == '\n';
	return n;
}

/* append_missing - the wanted entries the file lacked (!seen), at its end. */
static void
append_missing(struct sbuf *out, const struct desired_aliases *want,
    const unsigned char *seen, const size_t *wlen, const char *eol)
{
	size_t i;

	for (i = 0; i < want->n; i++) {
		const struct dalias *d = &want->entries[i];

		if (seen[i])
			continue;
		if (out->len > 0 && out->s[out->len - 1] != '\n')
			sbuf_adds(out, eol);
		/* A last line ending in a backslash would swallow ours: give
		 * it an empty line to join instead. */
		if (ends_in_backslash(out->s, 0, out->len))
			sbuf_adds(out, eol);
		render(out, d->name, wlen[i], &d->targets, eol);
	}
}

/*
 * next_wanted - in merge mode only entries named in want matter: step
 * from line to line (continuations included) and stop only at a line
 * whose first letter could begin a wanted name, where aliases_next
 * reads the entry.  A large file of other entries is read at the speed
 * of memchr.  first holds the lowercased first letters of the names.
 */
static int
next_wanted(const char *buf, size_t len, size_t *pos,
    const unsigned char *first, struct alias_span *sp)
{
	size_t p = *pos, e;
	int joined = 0;		/* the line before ended in a backslash */

	while (p < len) {
		const char *nl = memchr(buf + p, '\n', len - p);

		e = nl ? (size_t)(nl - buf) + 1 : len;
		if (!joined && first[lower((unsigned char)buf[p])]) {
			*pos = p;
			return aliases_next(buf, len, pos, sp);
		}
		/* Most lines end in a letter: ask only when it is a '\\'. */
		joined = e - p >= 2 && (buf[e - 2] == '\\' || buf[e - 2] == '\r') &&
		    ends_in_backslash(buf, p, e);
		p = e;
	}
	*pos = len;
	return 0;
}

/* The desired entries, indexed for one pass over a file. */
struct wanted {
	const struct desired_aliases *want;
	size_t		*ix;		/* entries, sorted by name */
	size_t		*wlen;		/* their names' lengths */
	unsigned char	*seen;		/* 1 found as wanted, 2 replaced */
	unsigned char	 first[256];	/* lowercased first letters */
	int		 merge;
	struct strlist	 cur;		/* targets of the entry at hand */
};

/* What becomes of an entry of the file. */
enum verdict { KEEP, REPLACE, DROP };

static void
wanted_init(struct wanted *x, const struct desired_aliases *want)
{
	size_t i;

	memset(x, 0, sizeof(*x));
	x->want = want;
	x->merge = want->mode.v != ALIASES_EXACT;
	x->ix = xcalloc(want->n + 1, sizeof(*x->ix));
	x->wlen = xcalloc(want->n + 1, sizeof(*x->wlen));
	x->seen = xcalloc(want->n + 1, 1);
	for (i = 0; i < want->n; i++) {
		x->ix[i] = i;
		x->wlen[i] = strlen(want->entries[i].name);
		x->first[lower((unsigned char)want->entries[i].name[0])] = 1;
	}
	sort_want = want;
	qsort(x->ix, want->n, sizeof(*x->ix), want_cmp);
	sort_want = NULL;
}

static void
wanted_free(struct wanted *x)
{
	strlist_clear(&x->cur);
	free(x->seen);
	free(x->wlen);
	free(x->ix);
}

/* wanted_next - the next entry that can matter (all of them in exact). */
static int
wanted_next(struct wanted *x, const char *buf, size_t len, size_t *pos,
    struct alias_span *sp)
{
	return x->merge ? next_wanted(buf, len, pos, x->first, sp) :
	    aliases_next(buf, len, pos, sp);
}

/*
 * judge - the verdict on the entry sp; *w gets its desired entry (-1
 * for none).  An entry named again after its first definition is dropped.
 */
static enum verdict
judge(struct wanted *x, const char *buf, const struct alias_span *sp,
    long *w)
{
	*w = lookup(x->want, x->ix, x->wlen, sp->name, sp->nlen);
	if (*w < 0)
		return x->merge ? KEEP : DROP;
	if (x->seen[*w] != 0)
		return DROP;
	strlist_clear(&x->cur);
	aliases_split_targets(buf + sp->value, sp->end - sp->value, &x->cur);
	if (same_targets(&x->cur, &x->want->entries[*w].targets)) {
		x->seen[*w] = 1;
		return KEEP;
	}
	x->seen[*w] = 2;
	return REPLACE;
}

/* all_seen - every desired entry was found in the file. */
static int
all_seen(const struct wanted *x)
{
	size_t i;

	for (i = 0; i < x->want->n; i++)
		if (!x->seen[i])
			return 0;
	return 1;
}

/* note_again - the note for a second definition of a desired entry. */
static void
note_again(struct strlist *notes, const char *buf, const struct alias_span *sp)
{
	char msg[200];

	snprintf(msg, sizeof(msg), "aliases: '%.*s' was defined again at line "
	    "%zu; removed that definition",
	    (int)(sp->nlen > 64 ? 64 : sp->nlen), sp->name,
	    count_lines(buf, sp->start));
	strlist_push(notes, msg);
}

/*
 * aliases_edit - one pass: bytes between entries are copied, each entry
 * is kept, replaced or dropped by what want says of its name.  No
 * allocation per entry, and nothing is copied until the first change, so
 * a no-op over 100,000 aliases costs little more than reading them.
 */
int
aliases_edit(const char *buf, size_t len, const struct desired_aliases *want,
    struct sbuf *out, struct strlist *notes)
{
	struct wanted x;
	struct alias_span sp;
	const char *eol = "\n", *nl;
	size_t pos = 0, copied = 0;
	int dirty = 0;
	enum verdict v;
	long w;

	if ((nl = memchr(buf, '\n', len)) != NULL && nl > buf && nl[-1] == '\r')
		eol = "\r\n";
	wanted_init(&x, want);
	sbuf_add(out, "", 0);
	while (wanted_next(&x, buf, len, &pos, &sp)) {
		if ((v = judge(&x, buf, &sp, &w)) == KEEP)
			continue;
		if (v == DROP && w >= 0)
			note_again(notes, buf, &sp);
		/* From the first change on, out holds the new file. */
		if (!dirty) {
			dirty = 1;
			out->s = xrealloc(out->s, len + 256);
			out->cap = len + 256;
		}
		sbuf_add(out, buf + copied, sp.start - copied);
		copied = sp.end;
		if (v == REPLACE)
			render(out, sp.name, sp.nlen, &want->entries[w].targets,
			    span_eol(buf, &sp));
	}
	if (dirty || !all_seen(&x)) {
		dirty = 1;
		sbuf_add(out, buf + copied, len - copied);
		append_missing(out, want, x.seen, x.wlen, eol);
	}
	wanted_free(&x);
	return dirty;
}

/*
 * safe_cut - where a piece of a file read in pieces can end: the start
 * of the last line of buf[0, len) whose first byte is there, that does
 * not begin with a blank, after a line that does not end in a
 * backslash.  No entry before it runs on past it, whatever follows, and
 * a reader starts there as at the start of a file.  0 for none.
 */
static size_t
safe_cut(const char *buf, size_t len)
{
	size_t c = len, s;

	while (c > 0) {
		for (s = c - 1; s > 0 && buf[s - 1] != '\n'; s--)
			;
		if (c < len && buf[c] != ' ' && buf[c] != '\t' &&
		    !ends_in_backslash(buf, s, c))
			return c;
		c = s;
	}
	return 0;
}

/* A check of a file read in pieces: it stops at the first change. */
struct scan {
	struct wanted	x;
	int		changes;
};

/* scan_feed - judge the entries of each whole piece (fileio_feed_fn). */
static size_t
scan_feed(void *ctx, const char *buf, size_t len, int eof)
{
	struct scan *sc = ctx;
	struct alias_span sp;
	size_t cut = eof ? len : safe_cut(buf, len), pos = 0;
	long w;

	/* A NUL byte: not a text file; the whole read says so. */
	if (memchr(buf, '\0', cut) != NULL)
		sc->changes = 1;
	while (!sc->changes && wanted_next(&sc->x, buf, cut, &pos, &sp))
		sc->changes = judge(&sc->x, buf, &sp, &w) != KEEP;
	return sc->changes ? FILEIO_SCAN_STOP : cut;
}

int
aliases_unchanged_file(const char *path, size_t max, int flags,
    const struct desired_aliases *want, struct stat *st)
{
	struct scan sc;
	int r, saved;

	sc.changes = 0;
	wanted_init(&sc.x, want);
	if ((r = fileio_scan(path, max, flags, st, scan_feed, &sc)) == 0)
		r = !sc.changes && all_seen(&sc.x);
	else if (r == 1)
		r = 0;		/* stopped at a change */
	saved = errno;
	wanted_free(&sc.x);
	errno = saved;
	return r;
}

/* problem - one more line sendmail cannot read. */
static void
problem(struct aliases_problems *pr, size_t line, const char *name,
    size_t nlen, const char *what)
{
	struct aliases_problem *x;

	pr->v = xreallocarray(pr->v, pr->n + 1, sizeof(*pr->v));
	x = &pr->v[pr->n++];
	x->line = line;
	x->name = xstrndup(name, nlen);
	x->what = what;
}

void
aliases_lint(const char *buf, size_t len, struct aliases_problems *pr)
{
	size_t p, e, line = 1, n;
	int in_entry = 0, joined = 0;

	memset(pr, 0, sizeof(*pr));
	for (p = 0; p < len; p = e, line++) {
		e = line_end(buf, len, p);
		/* Joined to the line before by its backslash: part of it. */
		if (joined) {
			joined = ends_in_backslash(buf, p, e);
			continue;
		}
		joined = ends_in_backslash(buf, p, e);
		if (buf[p] == ' ' || buf[p] == '\t') {
			/* sendmail: "Non-continuation line starts with space" */
			if (!in_entry && !blank_from(buf, p, e))
				problem(pr, line, "", 0, "a continuation line "
				    "with no entry before it");
			continue;
		}
		in_entry = 0;
		if (buf[p] == '#' || blank_from(buf, p, e))
			continue;
		if (memchr(buf + p, ':', e - p) != NULL) {
			in_entry = 1;
			continue;
		}
		for (n = 0; p + n < e && strchr(" \t\r\n", buf[p + n]) == NULL;
		    n++)
			;
		problem(pr, line, buf + p, n, "no ':' after the name (another "
		    "MTA's syntax?)");
	}
}

void
aliases_problems_free(struct aliases_problems *pr)
{
	size_t i;

	for (i = 0; i < pr->n; i++)
		free(pr->v[i].name);
	free(pr->v);
	memset(pr, 0, sizeof(*pr));
}
