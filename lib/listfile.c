/*
 * listfile.c - edit local-host-names and relay-domains losslessly.
 *
 * Contract: see listfile.h.
 */
#include "listfile.h"
#include "lines.h"

#include <string.h>

/* first_word - the entry on a line: offset and length; 0 if none. */
static size_t
first_word(const struct line *ln, size_t *off)
{
	size_t b = line_body(ln), i = 0;

	while (i < b && (ln->p[i] == ' ' || ln->p[i] == '\t'))
		i++;
	if (i == b || ln->p[i] == '#')
		return 0;
	*off = i;
	while (i < b && ln->p[i] != ' ' && ln->p[i] != '\t')
		i++;
	return i - *off;
}

/* only_comment_after - from i on, the line holds blanks or a comment. */
static int
only_comment_after(const struct line *ln, size_t i)
{
	size_t b = line_body(ln);

	while (i < b && (ln->p[i] == ' ' || ln->p[i] == '\t'))
		i++;
	return i == b || ln->p[i] == '#';
}

void
listfile_entries(const char *buf, size_t len, struct strlist *out)
{
	struct lines l = { 0 };
	size_t i, off, n;

	lines_split(&l, buf, len);
	for (i = 0; i < l.n; i++)
		if ((n = first_word(&l.v[i], &off)) > 0)
			strlist_take(out, xstrndup(l.v[i].p + off, n));
	lines_free(&l);
}

void
listfile_edit(const char *buf, size_t len, const struct strlist *want,
    struct sbuf *out)
{
	struct lines l = { 0 };
	const char *eol;
	size_t i, off, n, k = 0;

	lines_split(&l, buf, len);
	eol = lines_eol(&l);
	sbuf_add(out, "", 0);
	for (i = 0; i < l.n; i++) {
		const struct line *ln = &l.v[i];

		if ((n = first_word(ln, &off)) == 0) {
			sbuf_add(out, ln->p, ln->len);	/* comment or blank */
			continue;
		}
		if (k == want->n)
			continue;			/* an extra entry */
		/*
		 * Kept as it is only if it holds nothing else: with a scanf
		 * format on the F line sendmail may read further words.
		 */
		if (n == strlen(want->v[k]) && memcmp(ln->p + off, want->v[k],
		    n) == 0 && only_comment_after(ln, off + n))
			sbuf_add(out, ln->p, ln->len);
		else
			sbuf_addf(out, "%s%s", want->v[k],
			    *line_eol(ln) ? line_eol(ln) : eol);
		k++;
	}
	if (k < want->n && out->len > 0 && out->s[out->len - 1] != '\n')
		sbuf_adds(out, eol);
	for (; k < want->n; k++)
		sbuf_addf(out, "%s%s", want->v[k], eol);
	lines_free(&l);
}
