/*
 * accessfile.c - edit sendmail's access map source losslessly.
 *
 * Contract: see accessfile.h.
 */
#include "accessfile.h"
#include "lines.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * entry - whether line ln is an entry for key: 1 with *val the offset of
 * its value, else 0 (a comment, a blank line, a line starting with a
 * blank, another key, a key with no value).
 */
static int
entry(const struct line *ln, const char *key, size_t *val)
{
	size_t b = line_body(ln), kl = strlen(key), i;

	if (b <= kl || strncasecmp(ln->p, key, kl) != 0 ||
	    (ln->p[kl] != ' ' && ln->p[kl] != '\t'))
		return 0;
	for (i = kl; i < b && (ln->p[i] == ' ' || ln->p[i] == '\t'); i++)
		;
	if (i == b)
		return 0;
	*val = i;
	return 1;
}

int
accessfile_check(const char *key, const char *value, char **why)
{
	if (*key == '\0' || key[strcspn(key, " \t\r\n")] != '\0' ||
	    key[0] == '#')
		return seterr(why, "access key '%s': a key is one word, not "
		    "starting with '#'", key);
	if (value != NULL && (*value == '\0' ||
	    value[strcspn(value, "\r\n")] != '\0'))
		return seterr(why, "access key '%s': the value must be one "
		    "line, not empty", key);
	return 0;
}

/* put_value - line ln with its value (at val) replaced by value. */
static void
put_value(struct sbuf *out, const struct line *ln, size_t val,
    const char *value)
{
	sbuf_add(out, ln->p, val);
	sbuf_adds(out, value);
	sbuf_adds(out, line_eol(ln));
}

void
accessfile_edit(const char *old, size_t len, const char *key,
    const char *value, struct sbuf *out, int *changed)
{
	struct lines l = { 0 };
	size_t i, val, b;
	int seen = 0;
	char *why = NULL;

	sbuf_add(out, "", 0);
	*changed = 0;
	if (accessfile_check(key, value, &why) < 0) {
		free(why);
		sbuf_add(out, old, len);
		return;
	}
	lines_split(&l, old, len);
	for (i = 0; i < l.n; i++) {
		const struct line *ln = &l.v[i];

		b = line_body(ln);
		if (!entry(ln, key, &val))
			sbuf_add(out, ln->p, ln->len);
		else if (value == NULL)
			*changed = 1;			/* removed */
		else if (seen++ == 0) {
			put_value(out, ln, val, value);
			*changed |= b - val != strlen(value) ||
			    memcmp(ln->p + val, value, b - val) != 0;
		} else {
			sbuf_adds(out, "# mailprov: ");
			sbuf_add(out, ln->p, ln->len);
			*changed = 1;
		}
	}
	if (value != NULL && !seen) {
		if (out->len > 0 && out->s[out->len - 1] != '\n')
			sbuf_adds(out, lines_eol(&l));
		sbuf_addf(out, "%s\t%s%s", key, value, lines_eol(&l));
		*changed = 1;
	}
	lines_free(&l);
}

char *
accessfile_get(const char *buf, size_t len, const char *key)
{
	struct lines l = { 0 };
	size_t i, val;
	char *r = NULL;

	lines_split(&l, buf, len);
	for (i = 0; i < l.n && r == NULL; i++)
		if (entry(&l.v[i], key, &val))
			r = xstrndup(l.v[i].p + val, line_body(&l.v[i]) - val);
	lines_free(&l);
	return r;
}
