/*
 * aliases.c - parse and edit the sendmail aliases file losslessly.
 *
 * Contract: see aliases.h.  Lookups go through a sorted index of the
 * existing names, so a merge into a 100,000-entry file costs
 * O(n log n), not O(n * entries).
 */
#include "aliases.h"
#include "lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
is_blank_line(const struct line *ln)
{
	size_t b = line_body(ln), i;

	for (i = 0; i < b; i++)
		if (ln->p[i] != ' ' && ln->p[i] != '\t')
			return 0;
	return 1;
}

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
aliases_split_targets(const char *s, size_t n, struct strlist *out)
{
	size_t i, start = 0;
	int quoted = 0;

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
}

void
aliases_parse(const char *buf, size_t len, struct aliases *a)
{
	struct lines l = { 0 };
	struct sbuf val = { 0 };
	size_t i, cap = 0, b;
	const char *colon;

	memset(a, 0, sizeof(*a));
	lines_split(&l, buf, len);
	for (i = 0; i < l.n; i++) {
		const struct line *ln = &l.v[i];
		struct alias_entry *e;

		if (ln->p[0] == '#' || is_blank_line(ln))
			continue;
		if (ln->p[0] == ' ' || ln->p[0] == '\t') {
			a->bad++;	/* a continuation with nothing to continue */
			continue;
		}
		b = line_body(ln);
		colon = memchr(ln->p, ':', b);
		if (colon == NULL) {
			a->bad++;
			continue;
		}
		if (a->n == cap) {
			cap = cap ? cap * 2 : 64;
			a->v = xreallocarray(a->v, cap, sizeof(*a->v));
		}
		e = &a->v[a->n++];
		memset(e, 0, sizeof(*e));
		e->name = xstrndup(ln->p, (size_t)(colon - ln->p));
		e->name[strcspn(e->name, " \t")] = '\0';
		e->first = e->last = i;
		val.len = 0;
		sbuf_add(&val, colon + 1, b - (size_t)(colon - ln->p) - 1);
		while (i + 1 < l.n && (l.v[i + 1].p[0] == ' ' ||
		    l.v[i + 1].p[0] == '\t') && !is_blank_line(&l.v[i + 1])) {
			i++;
			sbuf_adds(&val, " ");
			sbuf_add(&val, l.v[i].p, line_body(&l.v[i]));
			e->last = i;
		}
		aliases_split_targets(val.s, val.len, &e->targets);
	}
	sbuf_free(&val);
	lines_free(&l);
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
render(struct sbuf *out, const char *name, const struct strlist *t,
    const char *eol)
{
	size_t i;

	sbuf_addf(out, "%s: ", name);
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

struct byname {
	const char	*name;
	size_t		 idx;
};

static int
byname_cmp(const void *x, const void *y)
{
	const struct byname *a = x, *b = y;
	int c = strcasecmp(a->name, b->name);

	return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

/* find - the first entry named name, via the sorted index; -1 if none. */
static long
find(const struct byname *ix, size_t n, const char *name)
{
	size_t lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcasecmp(ix[mid].name, name);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcasecmp(ix[lo].name, name) == 0 ?
	    (long)ix[lo].idx : -1;
}

/* line actions for the rewrite */
enum { KEEP = 0, DROP, REPLACE };

void
aliases_edit(const char *buf, size_t len, const struct desired_aliases *want,
    struct sbuf *out, struct strlist *notes)
{
	struct aliases cur;
	struct lines l = { 0 };
	struct byname *ix;
	unsigned char *act;
	size_t *repl;		/* entry line -> desired index + 1 */
	unsigned char *wanted;	/* existing entry is listed in want */
	const char *eol;
	size_t i, j;
	long e;
	char msg[160];

	sbuf_add(out, "", 0);
	aliases_parse(buf, len, &cur);
	lines_split(&l, buf, len);
	eol = lines_eol(&l);
	act = xcalloc(l.n + 1, 1);
	repl = xcalloc(l.n + 1, sizeof(*repl));
	wanted = xcalloc(cur.n + 1, 1);
	ix = xcalloc(cur.n + 1, sizeof(*ix));
	for (i = 0; i < cur.n; i++)
		ix[i].name = cur.v[i].name, ix[i].idx = i;
	qsort(ix, cur.n, sizeof(*ix), byname_cmp);
	/* Later duplicates of a name are dropped once the name is managed. */
	for (i = 1; i < cur.n; i++)
		if (strcasecmp(ix[i - 1].name, ix[i].name) == 0) {
			const struct alias_entry *d = &cur.v[ix[i].idx];

			if (desired_aliases_find(want, d->name) == NULL)
				continue;
			for (j = d->first; j <= d->last; j++)
				act[j] = DROP;
			snprintf(msg, sizeof(msg), "aliases: '%s' was defined "
			    "again at line %zu; removed that definition",
			    d->name, d->first + 1);
			strlist_push(notes, msg);
		}
	for (i = 0; i < want->n; i++) {
		const struct dalias *w = &want->entries[i];

		if ((e = find(ix, cur.n, w->name)) < 0)
			continue;
		wanted[e] = 1;
		if (same_targets(&cur.v[e].targets, &w->targets))
			continue;
		act[cur.v[e].first] = REPLACE;
		repl[cur.v[e].first] = i + 1;
		for (j = cur.v[e].first + 1; j <= cur.v[e].last; j++)
			act[j] = DROP;
	}
	if (want->mode.v == ALIASES_EXACT)
		for (i = 0; i < cur.n; i++)
			if (!wanted[i] && act[cur.v[i].first] == KEEP)
				for (j = cur.v[i].first; j <= cur.v[i].last; j++)
					act[j] = DROP;
	for (i = 0; i < l.n; i++) {
		if (act[i] == KEEP)
			sbuf_add(out, l.v[i].p, l.v[i].len);
		else if (act[i] == REPLACE) {
			const struct dalias *w = &want->entries[repl[i] - 1];

			e = find(ix, cur.n, w->name);
			render(out, cur.v[e].name, &w->targets,
			    *line_eol(&l.v[i]) ? line_eol(&l.v[i]) : eol);
		}
	}
	for (i = 0; i < want->n; i++) {
		const struct dalias *w = &want->entries[i];

		if (find(ix, cur.n, w->name) >= 0)
			continue;
		if (out->len > 0 && out->s[out->len - 1] != '\n')
			sbuf_adds(out, eol);
		render(out, w->name, &w->targets, eol);
	}
	free(ix);
	free(wanted);
	free(repl);
	free(act);
	lines_free(&l);
	aliases_free(&cur);
}
