/*
 * diag.c - collect and print "path:line:col: message" diagnostics.
 *
 * Contract: see diag.h.  Messages are sanitised on the way in: control
 * characters become '?', so a message quoting hostile input is still one
 * line on one terminal row.
 */
#include "diag.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
diags_init(struct diags *d, const char *path)
{
	memset(d, 0, sizeof(*d));
	d->path = xstrdup(path);
}

void
diags_add(struct diags *d, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	char *msg, *p;

	if (d->n == DIAG_MAX) {
		d->dropped++;
		return;
	}
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	for (p = msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	d->v[d->n].line = line;
	d->v[d->n].col = col;
	d->v[d->n].msg = msg;
	d->n++;
}

size_t
diags_count(const struct diags *d)
{
	return d->n + d->dropped;
}

void
diags_sort(struct diags *d)
{
	size_t i, j;
	struct diag t;

	/* Insertion sort: at most DIAG_MAX entries, and it is stable. */
	for (i = 1; i < d->n; i++) {
		t = d->v[i];
		for (j = i; j > 0 && (d->v[j - 1].line > t.line ||
		    (d->v[j - 1].line == t.line && d->v[j - 1].col > t.col)); j--)
			d->v[j] = d->v[j - 1];
		d->v[j] = t;
	}
}

char *
diags_format(const struct diags *d, size_t i)
{
	struct sbuf b = { 0 };

	if (d->v[i].line == 0)
		sbuf_addf(&b, "%s: %s", d->path, d->v[i].msg);
	else
		sbuf_addf(&b, "%s:%u:%u: %s", d->path, d->v[i].line,
		    d->v[i].col, d->v[i].msg);
	return b.s;
}

void
diags_print(const struct diags *d, FILE *fp)
{
	size_t i;
	char *s;

	for (i = 0; i < d->n; i++) {
		s = diags_format(d, i);
		fprintf(fp, "%s\n", s);
		free(s);
	}
	if (d->dropped > 0)
		fprintf(fp, "%s: %zu more error%s not shown\n", d->path,
		    d->dropped, d->dropped == 1 ? "" : "s");
}

void
diags_free(struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->path);
	memset(d, 0, sizeof(*d));
}
