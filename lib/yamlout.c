/*
 * yamlout.c - a commented YAML document written as text.
 *
 * Contract: see yamlout.h.
 */
#include "yamlout.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WRAP	78

int
yo_group(struct yamlout *y, int parent)
{
	y->g = xreallocarray(y->g, y->ng + 1, sizeof(*y->g));
	y->g[y->ng].gone = NULL;
	y->g[y->ng].parent = parent;
	return (int)y->ng++;
}

const char *
yo_gone(const struct yamlout *y, int g)
{
	for (; g >= 0; g = y->g[g].parent)
		if (y->g[g].gone != NULL)
			return y->g[g].gone;
	return NULL;
}

int
yo_leave_out(struct yamlout *y, int g, const char *fmt, ...)
{
	va_list ap;

	if (yo_gone(y, g) != NULL)
		return 0;
	va_start(ap, fmt);
	y->g[g].gone = xvasprintf(fmt, ap);
	va_end(ap);
	return 1;
}

struct yo_item *
yo_add(struct yamlout *y, int group, int depth, const char *key,
    enum yo_kind kind, const char *s)
{
	struct yo_item *it;

	y->v = xreallocarray(y->v, y->n + 1, sizeof(*y->v));
	it = &y->v[y->n++];
	memset(it, 0, sizeof(*it));
	it->group = group;
	it->depth = depth;
	it->key = key ? xstrdup(key) : NULL;
	it->kind = kind;
	it->s = s ? xstrdup(s) : NULL;
	return it;
}

void
yo_note(struct yo_item *it, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strlist_take(&it->notes, xvasprintf(fmt, ap));
	va_end(ap);
}

/* plain_ok - s can be written without quotes and read back as itself. */
static int
plain_ok(const char *s)
{
	static const char *const words[] = { "true", "false", "yes", "no",
	    "on", "off", "null", "y", "n", NULL };
	size_t i;

	if (*s == '\0' || !((*s >= 'a' && *s <= 'z') ||
	    (*s >= 'A' && *s <= 'Z') || *s == '/' || *s == '_'))
		return 0;
	if (s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._/@+-")] != '\0')
		return 0;
	for (i = 0; words[i] != NULL; i++)
		if (strcasecmp(s, words[i]) == 0)
			return 0;
	return 1;
}

/* bad_byte - the first byte of s that is not in a UTF-8 sequence, or -1. */
static int
bad_byte(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k;

	for (; n > 0; p += k, n -= k)
		if ((k = utf8_len(p, n, NULL)) == 0)
			return *p;
	return -1;
}

int
yo_bad_byte(const struct yo_item *it)
{
	size_t i;
	int c = -1;

	if (it->key != NULL)
		c = bad_byte(it->key);
	if (c < 0 && it->s != NULL)
		c = bad_byte(it->s);
	for (i = 0; c < 0 && i < it->l.n; i++)
		c = bad_byte(it->l.v[i]);
	return c;
}

void
yo_scalar(struct sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k;
	unsigned long cp;

	if (plain_ok(s)) {
		sbuf_adds(b, s);
		return;
	}
	sbuf_adds(b, "\"");
	for (; n > 0; p += k, n -= k) {
		if ((k = utf8_len(p, n, &cp)) == 0) {
			sbuf_adds(b, "?");	/* not UTF-8: see yamlout.h */
			k = 1;
		} else if (cp == '"' || cp == '\\')
			sbuf_addf(b, "\\%c", (int)cp);
		else if (cp == 0x85 || cp == 0x2028 || cp == 0x2029)
			sbuf_addf(b, "\\%c", cp == 0x85 ? 'N' : cp == 0x2028 ?
			    'L' : 'P');
		else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			sbuf_addf(b, "\\x%02lx", cp);
		else if (cp == 0xfeff || cp == 0xfffe || cp == 0xffff)
			sbuf_addf(b, "\\u%04lx", cp);
		else
			sbuf_add(b, (const char *)p, k);
	}
	sbuf_adds(b, "\"");
}

const char *
yo_utf8_reason(int c)
{
	static char r[128];

	snprintf(r, sizeof(r), "it holds the byte 0x%02x, which is not valid "
	    "UTF-8: a YAML file cannot hold it", (unsigned)c & 0xffu);
	return r;
}

/* What is written, and how many lines so far. */
struct out {
	struct sbuf	*b;
	unsigned	 line;		/* lines written so far */
};

static void
newline(struct out *o)
{
	sbuf_adds(o->b, "\n");
	o->line++;
}

/*
 * comment - text as comment lines at indent, wrapped; bytes that are not
 * printable ASCII become '?'.
 */
static void
comment(struct out *o, int depth, const char *text)
{
	size_t col, n, ind = (size_t)depth * 2;
	const char *p = text;

	while (*p != '\0') {
		sbuf_addf(o->b, "%*s#", (int)ind, "");
		col = ind + 1;
		do {
			p += strspn(p, " ");
			n = strcspn(p, " ");
			if (n == 0)
				break;
			if (col > ind + 1 && col + 1 + n > WRAP)
				break;
			sbuf_adds(o->b, " ");
			for (col += 1 + n; n > 0; n--, p++)
				sbuf_add(o->b, *p >= 0x20 && *p < 0x7f ? p :
				    "?", 1);
		} while (*p != '\0');
		newline(o);
	}
}

/* value - the item's first line after its key, and its list lines. */
static void
value(struct out *o, const struct yo_item *it, int commented)
{
	size_t i;

	if (it->kind == YO_STR || it->kind == YO_RAW) {
		sbuf_adds(o->b, " ");
		if (it->kind == YO_STR)
			yo_scalar(o->b, it->s);
		else
			sbuf_adds(o->b, it->s);
	} else if (it->kind == YO_FLOW || (it->kind == YO_LIST &&
	    it->l.n == 0)) {
		sbuf_adds(o->b, " [");
		for (i = 0; i < it->l.n; i++) {
			sbuf_adds(o->b, i ? ", " : "");
			yo_scalar(o->b, it->l.v[i]);
		}
		sbuf_adds(o->b, "]");
	}
	newline(o);
	for (i = 0; it->kind == YO_LIST && i < it->l.n; i++) {
		if (commented)
			sbuf_addf(o->b, "%*s#   - ", it->depth * 2, "");
		else
			sbuf_addf(o->b, "%*s- ", it->depth * 2 + 2, "");
		yo_scalar(o->b, it->l.v[i]);
		newline(o);
	}
}

/*
 * item - one item: its comments, the reason it is left out (unless the
 * item before said it: a group's items are added together), its lines.
 */
static void
item(struct out *o, struct yamlout *y, size_t i, const char *before)
{
	struct yo_item *it = &y->v[i];
	const char *gone = yo_gone(y, it->group);
	size_t k;

	for (k = 0; k < it->notes.n; k++)
		comment(o, it->depth, it->notes.v[k]);
	if (gone != NULL && gone != before) {
		char *t = xasprintf("not managed: %s", gone);

		comment(o, it->depth, t);
		free(t);
	}
	it->first = it->last = 0;
	if (it->kind == YO_NOTE)
		return;
	if (gone != NULL) {
		sbuf_addf(o->b, "%*s# ", it->depth * 2, "");
		yo_scalar(o->b, it->key);
		sbuf_adds(o->b, ":");
		value(o, it, 1);
		return;
	}
	it->first = o->line + 1;
	sbuf_addf(o->b, "%*s", it->depth * 2, "");
	yo_scalar(o->b, it->key);
	sbuf_adds(o->b, ":");
	value(o, it, 0);
	it->last = o->line;
}

void
yo_render(struct yamlout *y, struct sbuf *out)
{
	struct out o;
	size_t i;
	int c;

	/* What a YAML file cannot hold is left out before anything is
	 * written, so that a group is left out as a whole. */
	for (i = 0; i < y->n; i++)
		if (yo_gone(y, y->v[i].group) == NULL &&
		    (c = yo_bad_byte(&y->v[i])) >= 0)
			yo_leave_out(y, y->v[i].group, "%s", yo_utf8_reason(c));
	o.b = out;
	o.line = 0;
	sbuf_add(out, "", 0);
	for (i = 0; i < out->len; i++)
		o.line += out->s[i] == '\n';
	for (i = 0; i < y->n; i++)
		item(&o, y, i, i > 0 ? yo_gone(y, y->v[i - 1].group) : NULL);
}

long
yo_item_at(const struct yamlout *y, unsigned line)
{
	size_t i;

	for (i = 0; i < y->n; i++)
		if (y->v[i].first > 0 && line >= y->v[i].first &&
		    line <= y->v[i].last)
			return (long)i;
	return -1;
}

void
yo_free(struct yamlout *y)
{
	size_t i;

	for (i = 0; i < y->n; i++) {
		free(y->v[i].key);
		free(y->v[i].s);
		strlist_clear(&y->v[i].l);
		strlist_clear(&y->v[i].notes);
	}
	for (i = 0; i < y->ng; i++)
		free(y->g[i].gone);
	free(y->v);
	free(y->g);
	memset(y, 0, sizeof(*y));
}
