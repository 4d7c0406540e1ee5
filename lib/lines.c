/*
 * lines.c - split a buffer into lines that point into it.
 */
#include "lines.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void
lines_push(struct lines *l, const char *p, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n].p = p;
	l->v[l->n].len = len;
	l->n++;
}

void
lines_split(struct lines *l, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;

	l->n = 0;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			lines_push(l, p, (size_t)(end - p));
			break;
		}
		lines_push(l, p, (size_t)(nl - p) + 1);
		p = nl + 1;
	}
}

void
lines_free(struct lines *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

size_t
line_body(const struct line *ln)
{
	size_t n = ln->len;

	if (n > 0 && ln->p[n - 1] == '\n') {
		n--;
		if (n > 0 && ln->p[n - 1] == '\r')
			n--;
	}
	return n;
}

const char *
line_eol(const struct line *ln)
{
	size_t b = line_body(ln);

	if (b == ln->len)
		return "";
	return ln->len - b == 2 ? "\r\n" : "\n";
}

const char *
lines_eol(const struct lines *l)
{
	if (l->n > 0 && strcmp(line_eol(&l->v[0]), "\r\n") == 0)
		return "\r\n";
	return "\n";
}
