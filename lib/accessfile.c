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

char *
accessfile_authinfo(const char *user, const char *secret, const char *mechs)
{
	const char *bad = "\"\r\n";

	if (user[strcspn(user, bad)] != '\0' ||
	    secret[strcspn(secret, bad)] != '\0' ||
	    (mechs != NULL && mechs[strcspn(mechs, bad)] != '\0'))
		return NULL;
	if (mechs == NULL || *mechs == '\0')
		return xasprintf("\"U:%s\" \"I:%s\" \"P:%s\"", user, user,
		    secret);
	return xasprintf("\"U:%s\" \"I:%s\" \"P:%s\" \"M:%s\"", user, user,
	    secret, mechs);
}

/*
 * field - at *s a quoted field "T:...": its text (after "T:") and length,
 * *s past it and the blanks after it; 0 when there is none.
 */
static int
field(const char **s, char tag, const char **text, size_t *n)
{
	const char *p = *s, *end;

	if (p[0] != '"' || p[1] != tag || p[2] != ':')
		return 0;
	if ((end = strchr(p + 3, '"')) == NULL)
		return 0;
	*text = p + 3;
	*n = (size_t)(end - *text);
	p = end + 1;
	p += strspn(p, " \t");
	*s = p;
	return 1;
}

int
accessfile_authinfo_ours(const char *value)
{
	const char *s = value, *u, *i, *pw, *m;
	size_t un, in, pn, mn;

	if (!field(&s, 'U', &u, &un) || !field(&s, 'I', &i, &in) ||
	    !field(&s, 'P', &pw, &pn))
		return 0;
	if (*s != '\0' && !field(&s, 'M', &m, &mn))
		return 0;
	return *s == '\0' && un > 0 && un == in && memcmp(u, i, un) == 0 &&
	    pn > 0;
}

/* mask_line - one line (n bytes), its passwords masked, onto out. */
static void
mask_line(const char *p, size_t n, struct sbuf *out)
{
	size_t i = 0, k;

	while (i < n) {
		if ((p[i] == 'P' || p[i] == 'p') && i + 1 < n &&
		    (p[i + 1] == ':' || p[i + 1] == '=') &&
		    (i == 0 || p[i - 1] == '"' || p[i - 1] == ' ' ||
		    p[i - 1] == '\t')) {
			/* Quoted, it ends at the quote; bare, at a blank. */
			const char *end = i > 0 && p[i - 1] == '"' ? "\"\r\n" :
			    "\" \t\r\n";

			sbuf_add(out, p + i, 2);
			sbuf_adds(out, "********");
			/* Up to its end; a backslash takes the byte after it
			 * along (an admin's "P:a\"b" is one value), and a NUL
			 * is masked, not taken for the end. */
			for (k = i + 2; k < n && (p[k] == '\0' ||
			    strchr(end, p[k]) == NULL); k++)
				if (p[k] == '\\' && k + 1 < n && p[k + 1] != '\n')
					k++;
			i = k;
			continue;
		}
		sbuf_add(out, p + i, 1);
		i++;
	}
}

int
accessfile_has_authinfo(const char *p, size_t n)
{
	static const char tag[] = "authinfo:";
	size_t i, t = sizeof(tag) - 1;

	for (i = 0; i + t <= n; i++)
		if (strncasecmp(p + i, tag, t) == 0)
			return 1;
	return 0;
}

void
accessfile_mask(const char *buf, size_t len, struct sbuf *out)
{
	size_t i = 0, n;
	const char *nl;

	sbuf_add(out, "", 0);
	while (i < len) {
		nl = memchr(buf + i, '\n', len - i);
		n = nl != NULL ? (size_t)(nl - (buf + i)) + 1 : len - i;
		if (accessfile_has_authinfo(buf + i, n))
			mask_line(buf + i, n, out);
		else
			sbuf_add(out, buf + i, n);
		i += n;
	}
}

int
accessfile_has_own_authinfo(const char *buf, size_t len)
{
	struct lines l = { 0 };
	size_t i, k, b;
	int r = 0;
	char *v;

	lines_split(&l, buf, len);
	for (i = 0; i < l.n && !r; i++) {
		const struct line *ln = &l.v[i];

		b = line_body(ln);
		if (b < 9 || strncasecmp(ln->p, "AuthInfo:", 9) != 0)
			continue;
		k = strcspn(ln->p, " \t");
		if (k >= b)
			continue;
		while (k < b && (ln->p[k] == ' ' || ln->p[k] == '\t'))
			k++;
		v = xstrndup(ln->p + k, b - k);
		r = accessfile_authinfo_ours(v);
		util_wipe(v, b - k);
		free(v);
	}
	lines_free(&l);
	return r;
}
