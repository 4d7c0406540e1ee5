/*
 * cf.c - lossless editing of sendmail.cf.
 *
 * Contract: see cf.h.  What counts as a line we manage:
 *   D<x>value, D{name}value    macro definitions (commented: #D<x>...)
 *   F<c>[-o] path [format]     file classes (commented: #F<c>...)
 *   C<c>name name ...          inline classes
 *   R<lhs>TAB<rhs>[TAB<c>]     rules, only to comment or uncomment them
 *   S<name>[=<num>]            ruleset starts, to know where a rule lives
 *   O Name=value               options, long names (commented: #O Name...)
 *   K<name> <class> ... file   map definitions, read only
 *   M<name>, ... A=TCP $h      mailer definitions: the A= port word only
 * A line that starts with a blank continues the previous one (sendmail's
 * rule); a replaced definition takes its continuation lines with it.
 *
 * Limits: macro names are matched as written (D{name} and one-letter
 * names); an F line fed by a program (F<c>|prog) cannot be managed.
 */
#include "cf.h"
#include "lines.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------- basics */

struct cf *
cf_parse(const char *buf, size_t len)
{
	struct cf *cf = xcalloc(1, sizeof(*cf));
	struct lines l = { 0 };
	size_t i;

	cf->buf = xmalloc(len + 1);
	memcpy(cf->buf, buf, len);
	cf->buf[len] = '\0';
	lines_split(&l, cf->buf, len);
	cf->eol = lines_eol(&l);
	cf->cap = l.n + 8;
	cf->v = xcalloc(cf->cap, sizeof(*cf->v));
	for (i = 0; i < l.n; i++) {
		cf->v[i].p = l.v[i].p;
		cf->v[i].len = l.v[i].len;
		cf->v[i].orig = (unsigned)i + 1;
	}
	cf->n = l.n;
	lines_free(&l);
	return cf;
}

void
cf_free(struct cf *cf)
{
	size_t i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->n; i++)
		free(cf->v[i].own);
	free(cf->v);
	free(cf->buf);
	strlist_clear(&cf->notes);
	free(cf);
}

void
cf_serialize(const struct cf *cf, struct sbuf *out)
{
	size_t i;

	sbuf_add(out, "", 0);
	for (i = 0; i < cf->n; i++)
		sbuf_add(out, cf->v[i].p, cf->v[i].len);
}

/* body - the line without its terminator, as a new string. */
static char *
body(const struct cf *cf, size_t i)
{
	struct line ln = { cf->v[i].p, cf->v[i].len };

	return xstrndup(ln.p, line_body(&ln));
}

/* set_line - replace line i's bytes with text + its own terminator. */
static void
set_line(struct cf *cf, size_t i, const char *text)
{
	struct line ln = { cf->v[i].p, cf->v[i].len };
	struct sbuf b = { 0 };

	sbuf_addf(&b, "%s%s", text, line_eol(&ln));
	free(cf->v[i].own);
	cf->v[i].own = b.s;
	cf->v[i].p = b.s;
	cf->v[i].len = b.len;
}

/* is_cont - line i continues the one before it. */
static int
is_cont(const struct cf *cf, size_t i)
{
	return cf->v[i].len > 0 && (cf->v[i].p[0] == ' ' ||
	    cf->v[i].p[0] == '\t');
}

/* insert_line - a new line before index at. */
static void
insert_line(struct cf *cf, size_t at, const char *text)
{
	struct sbuf b = { 0 };

	/* Never between a line and its continuation: it would join them. */
	while (at < cf->n && is_cont(cf, at))
		at++;
	if (cf->n == cf->cap) {
		cf->cap *= 2;
		cf->v = xreallocarray(cf->v, cf->cap, sizeof(*cf->v));
	}
	/* A last line without a terminator gets one before we append. */
	if (at == cf->n && at > 0 && cf->v[at - 1].len > 0 &&
	    cf->v[at - 1].p[cf->v[at - 1].len - 1] != '\n') {
		char *prev = body(cf, at - 1);
		struct sbuf t = { 0 };

		sbuf_addf(&t, "%s%s", prev, cf->eol);
		free(cf->v[at - 1].own);
		cf->v[at - 1].own = t.s;
		cf->v[at - 1].p = t.s;
		cf->v[at - 1].len = t.len;
		free(prev);
	}
	memmove(&cf->v[at + 1], &cf->v[at], (cf->n - at) * sizeof(*cf->v));
	sbuf_addf(&b, "%s%s", text, cf->eol);
	cf->v[at].own = b.s;
	cf->v[at].p = b.s;
	cf->v[at].len = b.len;
	cf->v[at].orig = 0;
	cf->n++;
}

/* delete_line - remove line i. */
static void
delete_line(struct cf *cf, size_t i)
{
	free(cf->v[i].own);
	memmove(&cf->v[i], &cf->v[i + 1], (cf->n - i - 1) * sizeof(*cf->v));
	cf->n--;
}

/* logical_end - the last line of the logical line that starts at i. */
static size_t
logical_end(const struct cf *cf, size_t i)
{
	while (i + 1 < cf->n && is_cont(cf, i + 1))
		i++;
	return i;
}

/* drop_continuations - delete the continuation lines after line i. */
static void
drop_continuations(struct cf *cf, size_t i)
{
	while (i + 1 < cf->n && is_cont(cf, i + 1))
		delete_line(cf, i + 1);
}

static void
comment_out(struct cf *cf, size_t i)
{
	struct sbuf b = { 0 };
	char *t = body(cf, i);

	sbuf_addf(&b, "#%s", t);
	set_line(cf, i, b.s);
	sbuf_free(&b);
	free(t);
}

/* comment_logical - comment out line i and its continuation lines. */
static void
comment_logical(struct cf *cf, size_t i)
{
	size_t j, end = logical_end(cf, i);

	for (j = i; j <= end; j++)
		comment_out(cf, j);
}

static void
uncomment(struct cf *cf, size_t i)
{
	char *t = body(cf, i);

	set_line(cf, i, t + 1);
	free(t);
}

static unsigned
lineno(const struct cf *cf, size_t i)
{
	return cf->v[i].orig;
}

/* note - a sentence for the plan. */
static void __attribute__((format(printf, 2, 3)))
note(struct cf *cf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strlist_take(&cf->notes, xvasprintf(fmt, ap));
	va_end(ap);
}

/*
 * keep_first - line i defines <kind><name> again after line first:
 * comment line i out, and note which line stays.
 */
static void
keep_first(struct cf *cf, size_t first, size_t i, char kind,
    const char *name, const char *verb)
{
	note(cf, "%c%s was %s more than once: kept line %u, commented out "
	    "line %u", kind, name, verb, lineno(cf, first), lineno(cf, i));
	comment_logical(cf, i);
}

/* ------------------------------------------------------------- macros */

/*
 * comment_off - where the text of a commented line starts: after the '#'
 * and, as the stock AIX file writes "# FR-o ...", the blanks after it;
 * 0 when line i is not a comment.  *blanks says whether there were any.
 */
static size_t
comment_off(const struct cf *cf, size_t i, int *blanks)
{
	const char *p = cf->v[i].p;
	size_t off = 1, len = cf->v[i].len;

	if (len < 1 || p[0] != '#')
		return 0;
	while (off < len && (p[off] == ' ' || p[off] == '\t'))
		off++;
	*blanks = off > 1;
	return off;
}

/* one_word - from p to the end of the line is one word (no blank). */
static int
one_word(const char *p, const char *end)
{
	for (; p < end && *p != '\n' && *p != '\r'; p++)
		if (*p == ' ' || *p == '\t')
			return 0;
	return 1;
}

/*
 * macro_at - if line i defines name ("D<name>" or, commented, "#D<name>"
 * or "# D<name>"), the offset of the value; else 0.  After "# " only a
 * one-word value counts: "# DSN options ..." is prose, not an example.
 */
static size_t
macro_at(const struct cf *cf, size_t i, const char *name, int commented)
{
	const char *p = cf->v[i].p;
	size_t nl = strlen(name), len = cf->v[i].len, off = 0;
	int blanks = 0;

	if (commented && (off = comment_off(cf, i, &blanks)) == 0)
		return 0;
	if (len < off + 1 + nl || p[off] != 'D' ||
	    strncmp(p + off + 1, name, nl) != 0)
		return 0;
	if (blanks && !one_word(p + off + 1 + nl, p + len))
		return 0;
	return off + 1 + nl;
}

char *
cf_macro(const struct cf *cf, const char *name)
{
	char *val = NULL, *t;
	size_t i, off;

	for (i = 0; i < cf->n; i++)
		if ((off = macro_at(cf, i, name, 0)) != 0) {
			t = body(cf, i);
			free(val);
			val = xstrdup(t + off);
			free(t);
		}
	return val;
}

/* first_line - index of the first line starting with prefix, or n. */
static size_t
first_line(const struct cf *cf, const char *prefix)
{
	size_t i, pl = strlen(prefix);

	for (i = 0; i < cf->n; i++)
		if (cf->v[i].len >= pl && strncmp(cf->v[i].p, prefix, pl) == 0)
			return i;
	return cf->n;
}

/* header_end - the line after the file's leading comments and blanks. */
static size_t
header_end(const struct cf *cf)
{
	size_t i;

	for (i = 0; i < cf->n; i++)
		if (cf->v[i].len > 0 && cf->v[i].p[0] != '#' &&
		    cf->v[i].p[0] != '\n' && cf->v[i].p[0] != '\r')
			break;
	return i;
}

/*
 * anchor - where a new definition goes: before Cw, else before Fw, else
 * after V, else after the leading comment block; and after the lines
 * mailprov already inserted there, so that they keep the order they were
 * made in (Dw, Dm, Dj, DS; then Fw, FR).
 */
static size_t
anchor(const struct cf *cf)
{
	size_t i = first_line(cf, "Cw");

	if (i == cf->n && (i = first_line(cf, "Fw")) == cf->n) {
		if ((i = first_line(cf, "V")) < cf->n)
			i++;
		else
			i = header_end(cf);
	}
	while (i < cf->n && cf->v[i].orig == 0)
		i++;
	return i;
}

int
cf_set_macro(struct cf *cf, const char *name, const char *value)
{
	struct sbuf want = { 0 };
	size_t i, keep = cf->n, ndef = 0;
	int changed = 0;
	char *t;

	sbuf_addf(&want, "D%s%s", name, value);
	for (i = 0; i < cf->n; i++) {
		if (macro_at(cf, i, name, 0) == 0)
			continue;
		if (ndef++ == 0) {
			keep = i;
			t = body(cf, i);
			if (strcmp(t, want.s) != 0 || (i + 1 < cf->n &&
			    is_cont(cf, i + 1))) {
				set_line(cf, i, want.s);
				drop_continuations(cf, i);
				changed = 1;
			}
			free(t);
			continue;
		}
		keep_first(cf, keep, i, 'D', name, "defined");
		changed = 1;
	}
	if (ndef == 0) {
		/*
		 * A commented example is reused, unless continuation lines
		 * follow it: uncommented, they would join the definition.
		 */
		for (i = 0; i < cf->n; i++)
			if (macro_at(cf, i, name, 1) != 0 &&
			    logical_end(cf, i) == i)
				break;
		if (i < cf->n)
			set_line(cf, i, want.s);	/* the commented example */
		else
			insert_line(cf, anchor(cf), want.s);
		changed = 1;
	}
	sbuf_free(&want);
	return changed;
}

/* -------------------------------------------------------- file classes */

/*
 * class_at - line i is "F<c>..." (or, commented, "#F<c>..." or "# F<c>"
 * followed by a path): the offset just past "<kind><c>", else 0.
 */
static size_t
class_at(const struct cf *cf, size_t i, const char *kind, char c,
    int commented)
{
	const char *p = cf->v[i].p;
	size_t off = 0, len = cf->v[i].len, k;
	int blanks = 0;

	if (commented && (off = comment_off(cf, i, &blanks)) == 0)
		return 0;
	if (len < off + 2 || p[off] != kind[0] || p[off + 1] != c)
		return 0;
	if (blanks) {
		/* "# FR-o /path" and "# FR/path": prose has no path there. */
		k = off + 2 + (len >= off + 4 && strncmp(p + off + 2, "-o", 2) ==
		    0 ? 2 : 0);
		while (k < len && (p[k] == ' ' || p[k] == '\t'))
			k++;
		if (k >= len || p[k] != '/')
			return 0;
	}
	return off + 2;
}

/*
 * parse_fline - split "F<c>[-o] path [format]" (text after "F<c>") into
 * path and the rest.  Returns -1 for the program form.
 */
static int
parse_fline(const char *s, char **path, char **rest)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '|')
		return -1;
	if (strncmp(s, "-o", 2) == 0)
		s += 2;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strcspn(s, " \t");
	*path = xstrndup(s, n);
	*rest = xstrdup(s + n);
	return 0;
}

char *
cf_class_file(const struct cf *cf, char c)
{
	char *t, *path = NULL, *rest;
	size_t i;

	for (i = 0; i < cf->n && path == NULL; i++) {
		if (!class_at(cf, i, "F", c, 0))
			continue;
		t = body(cf, i);
		if (parse_fline(t + 2, &path, &rest) == 0)
			free(rest);
		free(t);
	}
	return path;
}

/* place_for_class - where a missing F<c> line goes. */
static size_t
place_for_class(const struct cf *cf, char c)
{
	size_t i, last = cf->n;

	for (i = 0; i < cf->n; i++)
		if (class_at(cf, i, "C", c, 0) || class_at(cf, i, "F", c, 0))
			last = i;
	if (last < cf->n)
		return logical_end(cf, last) + 1;
	for (i = 0; i < cf->n; i++)
		if (cf->v[i].len > 1 && cf->v[i].p[0] == 'F')
			last = i;
	if (last < cf->n)
		return logical_end(cf, last) + 1;
	return anchor(cf);
}

int
cf_ensure_class_file(struct cf *cf, char c, const char *default_path,
    char **path)
{
	struct sbuf want = { 0 };
	char *t, *p = NULL, *rest = NULL;
	size_t i, first = cf->n, commented = cf->n;
	int changed = 0;
	const char cls[2] = { c, '\0' };

	*path = NULL;
	for (i = 0; i < cf->n; i++) {
		if (class_at(cf, i, "F", c, 0)) {
			if (first == cf->n) {
				first = i;
				continue;
			}
			keep_first(cf, first, i, 'F', cls, "given");
			changed = 1;
		} else if (commented == cf->n && class_at(cf, i, "F", c, 1) &&
		    logical_end(cf, i) == i)
			commented = i;
	}
	i = first < cf->n ? first : commented;
	if (i < cf->n) {
		t = body(cf, i);
		if (parse_fline(t + class_at(cf, i, "F", c, i != first), &p,
		    &rest) < 0) {
			snprintf(cf->err, sizeof(cf->err), "line %u: class %c "
			    "is read from a program; mailprov can only manage "
			    "a file", lineno(cf, i), c);
			free(t);
			return -1;
		}
		if (*p == '\0') {
			free(p);
			p = xstrdup(default_path);
		}
		sbuf_addf(&want, "F%c-o %s%s", c, p, rest);
		if (strcmp(t, want.s) != 0) {
			set_line(cf, i, want.s);
			changed = 1;
		}
		free(t);
		free(rest);
	} else {
		p = xstrdup(default_path);
		sbuf_addf(&want, "F%c-o %s", c, p);
		insert_line(cf, place_for_class(cf, c), want.s);
		changed = 1;
	}
	sbuf_free(&want);
	*path = p;
	return changed;
}

int
cf_restrict_class(struct cf *cf, char c, const struct strlist *allowed)
{
	struct sbuf kept = { 0 }, dropped = { 0 };
	size_t i, j, end, n;
	char *t, *s;
	int changed = 0;

	for (i = 0; i < cf->n; i++) {
		if (!class_at(cf, i, "C", c, 0))
			continue;
		kept.len = dropped.len = 0;
		sbuf_addf(&kept, "C%c", c);
		sbuf_add(&dropped, "", 0);
		/* The names of the whole logical line, continuations included. */
		end = logical_end(cf, i);
		for (j = i; j <= end; j++) {
			t = body(cf, j);
			for (s = t + (j == i ? 2 : 0); *s != '\0'; s += n) {
				s += strspn(s, " \t");
				n = strcspn(s, " \t");
				if (n == 0)
					break;
				char *name = xstrndup(s, n);

				if (strlist_find(allowed, name, 1) >= 0)
					sbuf_addf(&kept, "%s%s", kept.len > 2 ?
					    " " : "", name);
				else
					sbuf_addf(&dropped, " %s", name);
				free(name);
			}
			free(t);
		}
		if (dropped.len == 0)
			continue;
		note(cf, "line %u: C%c also named%s, which accept_names does "
		    "not list; %s", lineno(cf, i), c, dropped.s, kept.len > 2 ?
		    "removed them" : "commented out the line");
		if (kept.len > 2) {
			set_line(cf, i, kept.s);
			drop_continuations(cf, i);
		} else
			comment_logical(cf, i);
		changed = 1;
	}
	sbuf_free(&kept);
	sbuf_free(&dropped);
	return changed;
}

/* alias_entry - one AliasFile entry, "type:" prefix dropped, if local. */
static char *
alias_entry(const char *e, size_t n)
{
	char *x = xstrndup(e, n), *f = x, *colon, *slash, *r = NULL;

	f += strspn(f, " \t");
	n = strlen(f);
	while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '\t'))
		f[--n] = '\0';
	colon = strchr(f, ':');
	slash = strchr(f, '/');
	if (colon != NULL && slash != NULL && colon < slash)
		f = colon + 1;
	if (f[0] == '/')
		r = xstrdup(f);
	free(x);
	return r;
}

char *
cf_alias_file(const struct cf *cf)
{
	char *t, *v, *res = NULL;
	size_t i, n;

	for (i = 0; i < cf->n && res == NULL; i++) {
		t = body(cf, i);
		/* Option names are not case-sensitive to sendmail. */
		if (strncasecmp(t, "O AliasFile", 11) == 0 &&
		    (v = strchr(t, '=')) != NULL)
			v++;
		else if (strncmp(t, "OA", 2) == 0)
			v = t + 2;
		else
			v = NULL;
		for (; v != NULL && res == NULL; v += n + 1) {
			n = strcspn(v, ",");
			res = alias_entry(v, n);
			if (v[n] == '\0')
				break;
		}
		free(t);
	}
	return res;
}

/* ------------------------------------------------------------ options */

/*
 * option_at - if line i sets option name ("O Name=value", or, commented,
 * "#O Name", "#O Name=..." or "# O Name..."), the offset of the value;
 * else 0.  As sendmail reads it: exactly one blank after 'O', the name
 * without case, blanks before and after '=' skipped; "O Name" alone has
 * an empty value.
 */
static size_t
option_at(const struct cf *cf, size_t i, const char *name, int commented)
{
	struct line ln = { cf->v[i].p, cf->v[i].len };
	const char *p = ln.p;
	size_t nl = strlen(name), len = line_body(&ln), off = 0, k;
	int blanks = 0;

	if (commented && (off = comment_off(cf, i, &blanks)) == 0)
		return 0;
	if (len < off + 2 + nl || p[off] != 'O' || p[off + 1] != ' ' ||
	    strncasecmp(p + off + 2, name, nl) != 0)
		return 0;
	k = off + 2 + nl;
	while (k < len && p[k] == ' ')
		k++;
	if (k == len)
		return k;
	if (p[k] != '=')
		return 0;
	for (k++; k < len && p[k] == ' '; k++)
		;
	return k;
}

char *
cf_option(const struct cf *cf, const char *name)
{
	char *val = NULL;
	size_t i, off;

	for (i = 0; i < cf->n; i++)
		if ((off = option_at(cf, i, name, 0)) != 0) {
			struct line ln = { cf->v[i].p, cf->v[i].len };

			free(val);
			val = xstrndup(ln.p + off, line_body(&ln) - off);
		}
	return val;
}

/* option_bad - why name and value cannot be written; NULL if they can. */
static const char *
option_bad(const char *name, const char *value)
{
	const char *s;

	if (*name == '\0')
		return "an empty option name";
	for (s = name; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._-", *s) == NULL)
			return "an option name holds only letters, digits, "
			    "'.', '-' and '_'";
	if (strcasecmp(name, "DaemonPortOptions") == 0 ||
	    strcasecmp(name, "ClientPortOptions") == 0)
		return "sendmail reads this option once per daemon or address "
		    "family, so one line cannot stand for it";
	if (value != NULL && value[strcspn(value, "\r\n")] != '\0')
		return "an option value cannot hold a line break";
	return NULL;
}

/*
 * option_place - where a new O line goes: after the last active O line,
 * else after V, else after the leading comments.
 */
static size_t
option_place(const struct cf *cf)
{
	size_t i, last = cf->n;

	for (i = 0; i < cf->n; i++)
		if (cf->v[i].len > 1 && cf->v[i].p[0] == 'O')
			last = i;
	if (last < cf->n)
		return logical_end(cf, last) + 1;
	if ((i = first_line(cf, "V")) < cf->n)
		return i + 1;
	return header_end(cf);
}

/* option_holds - line i, value at off, is exactly value, on one line. */
static int
option_holds(const struct cf *cf, size_t i, size_t off, const char *value)
{
	struct line ln = { cf->v[i].p, cf->v[i].len };
	size_t vl = strlen(value);

	return line_body(&ln) == off + vl && memcmp(ln.p + off, value, vl) ==
	    0 && logical_end(cf, i) == i;
}

/* unset_option - comment out every active line for name. */
static int
unset_option(struct cf *cf, const char *name)
{
	size_t i;
	int changed = 0;

	for (i = 0; i < cf->n; i++)
		if (option_at(cf, i, name, 0) != 0) {
			comment_logical(cf, i);
			changed = 1;
		}
	return changed;
}

/* option_example - the first commented example for name, or n. */
static size_t
option_example(const struct cf *cf, const char *name)
{
	size_t i;

	/* Not one followed by continuation lines: they would join it. */
	for (i = 0; i < cf->n; i++)
		if (option_at(cf, i, name, 1) != 0 && logical_end(cf, i) == i)
			return i;
	return cf->n;
}

int
cf_set_option(struct cf *cf, const char *name, const char *value)
{
	const char *bad = option_bad(name, value);
	char *want, *oname;
	size_t i, off, keep = cf->n;
	int changed = 0;

	if (bad != NULL) {
		snprintf(cf->err, sizeof(cf->err), "option %s: %s", name, bad);
		return -1;
	}
	if (value == NULL)
		return unset_option(cf, name);
	want = xasprintf("O %s=%s", name, value);
	oname = xasprintf(" %s", name);
	for (i = 0; i < cf->n; i++) {
		if ((off = option_at(cf, i, name, 0)) == 0)
			continue;
		if (keep < cf->n) {
			keep_first(cf, keep, i, 'O', oname, "set");
			changed = 1;
			continue;
		}
		keep = i;
		if (!option_holds(cf, i, off, value)) {
			set_line(cf, i, want);
			drop_continuations(cf, i);
			changed = 1;
		}
	}
	if (keep == cf->n) {
		if ((i = option_example(cf, name)) < cf->n)
			set_line(cf, i, want);
		else
			insert_line(cf, option_place(cf), want);
		changed = 1;
	}
	free(want);
	free(oname);
	return changed;
}

/* map_file_class - maps of this class are read from a file of their own. */
static int
map_file_class(const char *mclass)
{
	static const char *const c[] = { "hash", "btree", "dbm", "cdb",
	    "implicit" };
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (strcmp(mclass, c[i]) == 0)
			return 1;
	return 0;
}

/*
 * kline_file - the file of a K line's arguments (after the class), as
 * sendmail's map_parseargs finds it: the first word that is not a flag;
 * -k and -v take the next word when nothing follows the letter.  NULL if
 * there is none.
 */
static char *
kline_file(const char *s)
{
	size_t n;

	for (;; s += n) {
		s += strspn(s, " \t");
		n = strcspn(s, " \t");
		if (n == 0)
			return NULL;
		if (s[0] != '-')
			return xstrndup(s, n);
		if (n == 2 && (s[1] == 'k' || s[1] == 'v')) {
			s += n + strspn(s + n, " \t");
			n = strcspn(s, " \t");
		}
	}
}

int
cf_has_map(const struct cf *cf, const char *name, char **file, char **mclass)
{
	size_t i, nl = strlen(name), n, last = cf->n;
	char *t, *c, *cl, *f = NULL;

	for (i = 0; i < cf->n; i++)
		if (cf->v[i].len > nl + 1 && cf->v[i].p[0] == 'K' &&
		    strncmp(cf->v[i].p + 1, name, nl) == 0 &&
		    (cf->v[i].p[nl + 1] == ' ' || cf->v[i].p[nl + 1] == '\t'))
			last = i;
	if (file != NULL)
		*file = NULL;
	if (mclass != NULL)
		*mclass = NULL;
	if (last == cf->n)
		return 0;
	t = body(cf, last);
	c = t + 1 + nl + strspn(t + 1 + nl, " \t");
	n = strcspn(c, " \t");
	cl = xstrndup(c, n);
	if (map_file_class(cl))
		f = kline_file(c + n);
	/* makemap and sendmail add ".db" to hash and btree names. */
	if (f != NULL && (strcmp(cl, "hash") == 0 || strcmp(cl, "btree") ==
	    0) && strlen(f) > 3 && strcmp(f + strlen(f) - 3, ".db") == 0)
		f[strlen(f) - 3] = '\0';
	if (file != NULL)
		*file = f;
	else
		free(f);
	if (mclass != NULL)
		*mclass = cl;
	else
		free(cl);
	free(t);
	return 1;
}

/* --------------------------------------------------------------- rules */

/* in_ruleset0 - the ruleset line i belongs to is 0 or its Parse helpers. */
static int
in_ruleset0(const struct cf *cf, size_t i)
{
	char *t, *name, *eq;
	int r = 0;

	while (i-- > 0) {
		if (cf->v[i].len == 0 || cf->v[i].p[0] != 'S')
			continue;
		t = body(cf, i);
		name = t + 1 + strspn(t + 1, " \t");
		if ((eq = strchr(name, '=')) != NULL) {
			r = atoi(eq + 1 + strspn(eq + 1, " \t")) == 0 &&
			    isdigit((unsigned char)eq[1 + strspn(eq + 1, " \t")]);
			*eq = '\0';
		}
		name[strcspn(name, " \t")] = '\0';
		r = r || strcmp(name, "0") == 0 || strcasecmp(name, "parse0") ==
		    0 || strcasecmp(name, "parse1") == 0;
		free(t);
		return r;
	}
	return 0;
}

/* split_rule - R line text (no "R") into lhs and rhs; -1 if no tab. */
static int
split_rule(const char *s, char **lhs, char **rhs)
{
	size_t n = strcspn(s, "\t");

	if (s[n] != '\t')
		return -1;
	*lhs = xstrndup(s, n);
	s += n + strspn(s + n, "\t");
	*rhs = xstrndup(s, strcspn(s, "\t"));
	return 0;
}

/* squash - copy of s without blanks, for shape matching. */
static char *
squash(const char *s)
{
	char *r = xmalloc(strlen(s) + 1), *q = r;

	for (; *s; s++)
		if (*s != ' ')
			*q++ = *s;
	*q = '\0';
	return r;
}

enum rule_kind {
	RULE_OTHER,
	RULE_FORWARD,		/* $#mailer $@ $S: all mail to the relay */
	RULE_TRIPLE,		/* any host: $>MailerToTriple < $S > */
	RULE_AIX_LOCAL		/* $=m in the LHS, $#esmtp direct */
};

/* rule_kind - classify line i (commented if it starts with "#R"). */
static enum rule_kind
rule_kind(const struct cf *cf, size_t i, int *commented)
{
	char *t, *lhs, *rhs, *l, *r;
	const char *p = cf->v[i].p;
	enum rule_kind k = RULE_OTHER;
	int off;

	if (cf->v[i].len >= 2 && p[0] == 'R')
		off = 1;
	else if (cf->v[i].len >= 3 && p[0] == '#' && p[1] == 'R')
		off = 2;
	else
		return RULE_OTHER;
	if (!in_ruleset0(cf, i))
		return RULE_OTHER;
	*commented = off == 2;
	t = body(cf, i);
	if (split_rule(t + off, &lhs, &rhs) < 0) {
		free(t);
		return RULE_OTHER;
	}
	l = squash(lhs);
	r = squash(rhs);
	if (strncmp(r, "$#", 2) == 0 && strstr(r, "$@$S") != NULL)
		k = RULE_FORWARD;
	else if ((strstr(r, "$>MailerToTriple<$S>") || strstr(r, "$>95<$S>")) &&
	    (strstr(l, "<@$*>") || strstr(l, "<@$+>")))
		k = RULE_TRIPLE;
	else if (strstr(l, "$=m") != NULL && (strncmp(r, "$#esmtp", 7) == 0 ||
	    strncmp(r, "$#smtp", 6) == 0))
		k = RULE_AIX_LOCAL;
	free(l), free(r), free(lhs), free(rhs), free(t);
	return k;
}

int
cf_relay_all(struct cf *cf, int on, enum cf_relay_shape *shape)
{
	size_t i, fwd_off = cf->n, aix_on = cf->n, aix_off = cf->n;
	int commented, changed = 0, fwd_on = 0, triple = 0;
	enum rule_kind k;

	for (i = 0; i < cf->n; i++) {
		k = rule_kind(cf, i, &commented);
		if (k == RULE_FORWARD && !commented)
			fwd_on = 1;
		else if (k == RULE_FORWARD && fwd_off == cf->n &&
		    logical_end(cf, i) == i)
			fwd_off = i;
		else if (k == RULE_TRIPLE && !commented)
			triple = 1;
		else if (k == RULE_AIX_LOCAL && !commented && aix_on == cf->n)
			aix_on = i;
		else if (k == RULE_AIX_LOCAL && commented && aix_off == cf->n &&
		    logical_end(cf, i) == i)
			aix_off = i;
	}
	if (!on) {
		for (i = 0; i < cf->n; i++)
			if (rule_kind(cf, i, &commented) == RULE_FORWARD &&
			    !commented) {
				comment_logical(cf, i);
				changed = 1;
			}
		if (aix_on == cf->n && aix_off < cf->n) {
			uncomment(cf, aix_off);
			changed = 1;
		}
		*shape = triple ? CF_RELAY_TRIPLE : CF_RELAY_NONE;
		return changed;
	}
	if (!fwd_on && !triple && fwd_off == cf->n) {
		*shape = CF_RELAY_NONE;
		snprintf(cf->err, sizeof(cf->err), "no ruleset-0 rule can "
		    "send all mail to the smart host: neither a commented "
		    "\"forward all mail to the relay\" rule nor a "
		    "MailerToTriple smart-host rule was found");
		return -1;
	}
	if (!fwd_on && !triple) {
		uncomment(cf, fwd_off);
		note(cf, "line %u: enabled the rule that forwards all mail to "
		    "the smart host", lineno(cf, fwd_off));
		changed = 1;
		fwd_on = 1;
	}
	for (i = 0; i < cf->n; i++)
		if (rule_kind(cf, i, &commented) == RULE_AIX_LOCAL &&
		    !commented) {
			comment_logical(cf, i);
			note(cf, "line %u: commented out the rule that sends "
			    "local-domain ($=m) mail around the smart host",
			    lineno(cf, i));
			changed = 1;
		}
	*shape = fwd_on ? CF_RELAY_DIRECT : CF_RELAY_TRIPLE;
	return changed;
}

void
cf_point_class_file(struct cf *cf, char c, const char *path)
{
	struct sbuf want = { 0 };
	char *t, *p, *rest;
	size_t i;

	for (i = 0; i < cf->n; i++) {
		if (!class_at(cf, i, "F", c, 0))
			continue;
		t = body(cf, i);
		if (parse_fline(t + 2, &p, &rest) == 0) {
			want.len = 0;
			sbuf_addf(&want, "F%c-o %s%s", c, path, rest);
			set_line(cf, i, want.s);
			free(p);
			free(rest);
		}
		free(t);
	}
	sbuf_free(&want);
}

/* ------------------------------------------------------------ mailers */

/*
 * equate - where the value of the "k=" equate of a mailer definition
 * starts in def (an equate starts def or follows a blank or a comma, as
 * sendmail's makemailer reads the fields), blanks skipped; *n its length,
 * up to the next ',' or the end.  NULL if def has none.
 */
static const char *
equate(const char *def, char k, size_t *n)
{
	const char *p, *q;

	for (p = def; (p = strchr(p, '=')) != NULL; p++) {
		if (p == def)
			continue;
		q = p - 1;
		if (*q != k || (q > def && q[-1] != ' ' && q[-1] != '\t' &&
		    q[-1] != ','))
			continue;
		p++;
		p += strspn(p, " \t");
		*n = strcspn(p, ",");
		return p;
	}
	return NULL;
}

/* mailer_field - the value of "k=" in a mailer definition (caller frees). */
static char *
mailer_field(const char *def, char k)
{
	const char *v;
	size_t n;

	if (def == NULL || (v = equate(def, k, &n)) == NULL)
		return NULL;
	return xstrndup(v, n);
}

/*
 * mailer_def - the first line at or after from that defines mailer name
 * ("Mname," or "Mname P=...": the name ends at ',' or a blank), or n.
 */
static size_t
mailer_def(const struct cf *cf, const char *name, size_t from)
{
	size_t i, nl = strlen(name);

	for (i = from; i < cf->n; i++)
		if (cf->v[i].len >= nl + 2 && cf->v[i].p[0] == 'M' &&
		    strncmp(cf->v[i].p + 1, name, nl) == 0 &&
		    strchr(", \t", cf->v[i].p[nl + 1]) != NULL)
			return i;
	return cf->n;
}

/* mailer_text - the definition at line i, its lines joined by blanks. */
static void
mailer_text(const struct cf *cf, size_t i, struct sbuf *def)
{
	size_t j, end = logical_end(cf, i);

	def->len = 0;
	sbuf_add(def, "", 0);
	for (j = i; j <= end; j++) {
		char *b = body(cf, j);

		sbuf_addf(def, "%s ", b);
		free(b);
	}
}

int
cf_mailer_is_local(const struct cf *cf, const char *name)
{
	size_t i = mailer_def(cf, name, 0);
	struct sbuf def = { 0 };
	char *p, *a;
	int r;

	if (i == cf->n)
		return -1;
	mailer_text(cf, i, &def);
	p = mailer_field(def.s, 'P');
	a = mailer_field(def.s, 'A');
	/* A program (not [IPC]/[TCP]), or LMTP to a local socket. */
	r = (p != NULL && p[0] != '[') || (a != NULL &&
	    strncmp(a, "FILE", 4) == 0);
	free(p), free(a);
	sbuf_free(&def);
	return r;
}

/* Where "A=TCP $h [port]" lies: line, and offsets in that line's body. */
struct tcp_args {
	size_t	line;
	size_t	h_end;		/* just past "$h" */
	size_t	port;		/* the port word, or h_end when none */
	size_t	port_end;
};

/* word - the next blank-separated word of [s, end): offset and length. */
static size_t
word(const char *s, size_t *at, size_t end)
{
	size_t n = 0;

	while (*at < end && (s[*at] == ' ' || s[*at] == '\t'))
		(*at)++;
	while (*at + n < end && s[*at + n] != ' ' && s[*at + n] != '\t')
		n++;
	return n;
}

/*
 * tcp_words - split the A= value at v (n bytes) of line t into "TCP",
 * "$h" and an optional port word (a number or a service name); -1 if it
 * is anything else.
 */
static int
tcp_words(const char *t, size_t v, size_t n, struct tcp_args *ta)
{
	size_t at = v, end = v + n, w;

	if ((w = word(t, &at, end)) != 3 || strncasecmp(t + at, "TCP", 3) != 0)
		return -1;
	at += w;
	if ((w = word(t, &at, end)) != 2 || strncmp(t + at, "$h", 2) != 0)
		return -1;
	ta->h_end = ta->port = ta->port_end = at + w;
	at += w;
	if ((w = word(t, &at, end)) > 0) {
		ta->port = at;
		ta->port_end = at + w;
		for (; w > 0; w--)
			if (!isalnum((unsigned char)t[at + w - 1]) &&
			    t[at + w - 1] != '-')
				return -1;
		at = ta->port_end;
	}
	return word(t, &at, end) == 0 ? 0 : -1;
}

/* a_continues - the A= value ending line j goes on to a later line. */
static int
a_continues(const struct cf *cf, size_t j)
{
	size_t end = logical_end(cf, j), k;
	char *t;
	int r = -1;

	/* sendmail ends a field at ',' only: a line break does not end it. */
	for (k = j + 1; k <= end && r < 0; k++) {
		const char *p;

		t = body(cf, k);
		p = t + strspn(t, " \t");
		if (*p != '\0')
			r = *p != ',';
		free(t);
	}
	return r > 0;
}

/* tcp_equate - the A= equate of the definition at line i, split. */
static int
tcp_equate(const struct cf *cf, size_t i, const char *mailer,
    struct tcp_args *ta, char *err, size_t errlen)
{
	size_t j, end = logical_end(cf, i), n = 0;
	const char *v = NULL;
	char *t = NULL;
	int r = -1;

	for (j = i; j <= end && v == NULL; j++) {
		free(t);
		t = body(cf, j);
		v = equate(t, 'A', &n);
	}
	if (v == NULL)
		snprintf(err, errlen, "mailer %s has no A= equate", mailer);
	else if (strcspn(v, "\"\\") < n)
		snprintf(err, errlen, "mailer %s: A=%.*s is quoted; mailprov "
		    "only edits \"TCP $h [port]\"", mailer, (int)n, v);
	else if (tcp_words(t, (size_t)(v - t), n, ta) < 0)
		snprintf(err, errlen, "mailer %s: A=%.*s is not \"TCP $h\" "
		    "with at most a port after it", mailer, (int)n, v);
	else if (v[n] == '\0' && a_continues(cf, j - 1))
		snprintf(err, errlen, "mailer %s: its A= equate goes on past "
		    "line %u", mailer, lineno(cf, j - 1));
	else {
		ta->line = j - 1;
		r = 0;
	}
	free(t);
	return r;
}

/*
 * tcp_args - find mailer's only definition and its "A=TCP $h [port]"
 * equate; -1 with the reason in err if there is no such thing.
 */
static int
tcp_args(const struct cf *cf, const char *mailer, struct tcp_args *ta,
    char *err, size_t errlen)
{
	size_t i = mailer_def(cf, mailer, 0), again;
	struct sbuf def = { 0 };
	char *p;
	int r = -1;

	if (i == cf->n) {
		snprintf(err, errlen, "the cf defines no mailer %s", mailer);
		return -1;
	}
	if ((again = mailer_def(cf, mailer, i + 1)) < cf->n) {
		snprintf(err, errlen, "mailer %s is defined twice (lines %u "
		    "and %u)", mailer, lineno(cf, i), lineno(cf, again));
		return -1;
	}
	mailer_text(cf, i, &def);
	if ((p = mailer_field(def.s, 'P')) != NULL)
		p[strcspn(p, " \t")] = '\0';
	if (p == NULL || (strcmp(p, "[IPC]") != 0 && strcmp(p, "[TCP]") != 0))
		snprintf(err, errlen, "mailer %s does not connect over TCP "
		    "(P=%s, not [IPC] or [TCP])", mailer, p ? p : "");
	else
		r = tcp_equate(cf, i, mailer, ta, err, errlen);
	free(p);
	sbuf_free(&def);
	return r;
}

int
cf_mailer_port(const struct cf *cf, const char *mailer, char **port)
{
	struct tcp_args ta;
	char err[256], *t;

	*port = NULL;
	if (tcp_args(cf, mailer, &ta, err, sizeof(err)) < 0)
		return -1;
	if (ta.port_end > ta.port) {
		t = body(cf, ta.line);
		*port = xstrndup(t + ta.port, ta.port_end - ta.port);
		free(t);
	}
	return 0;
}

/* port_bad - why port cannot be set on mailer; NULL if it can. */
static const char *
port_bad(const char *mailer, const char *port)
{
	static const char *const direct[] = { "smtp", "esmtp", "smtp8",
	    "dsmtp" };
	size_t i, n = strspn(port, "0123456789");

	if (n == 0 || n > 5 || port[n] != '\0' || port[0] == '0' ||
	    atol(port) > 65535)
		return "a port is a number from 1 to 65535";
	for (i = 0; i < sizeof(direct) / sizeof(direct[0]); i++)
		if (strcmp(mailer, direct[i]) == 0)
			return "this mailer carries every direct (MX) delivery; "
			    "the smart host's port belongs on the relay mailer";
	return NULL;
}

int
cf_set_mailer_port(struct cf *cf, const char *mailer, const char *port)
{
	struct tcp_args ta;
	struct sbuf b = { 0 };
	const char *bad;
	char *t;
	int drop, has;

	if (port == NULL)
		return 0;
	if ((bad = port_bad(mailer, port)) != NULL) {
		snprintf(cf->err, sizeof(cf->err), "mailer %s, port %s: %s",
		    mailer, port, bad);
		return -1;
	}
	if (tcp_args(cf, mailer, &ta, cf->err, sizeof(cf->err)) < 0)
		return -1;
	t = body(cf, ta.line);
	drop = strcmp(port, "25") == 0;
	has = ta.port_end > ta.port;
	if (drop ? !has : (ta.port_end - ta.port == strlen(port) &&
	    strncmp(t + ta.port, port, strlen(port)) == 0)) {
		free(t);
		return 0;
	}
	/* Only the port word and, when it goes, the blanks before it. */
	sbuf_add(&b, t, drop || !has ? ta.h_end : ta.port);
	if (!drop)
		sbuf_addf(&b, "%s%s", has ? "" : " ", port);
	sbuf_adds(&b, t + ta.port_end);
	set_line(cf, ta.line, b.s);
	sbuf_free(&b);
	free(t);
	return 1;
}

/* ruleset_at - the index of ruleset name's S line, or cf->n. */
static size_t
ruleset_at(const struct cf *cf, const char *name)
{
	size_t i, nl = strlen(name);

	for (i = 0; i < cf->n; i++) {
		const char *p = cf->v[i].p;

		if (cf->v[i].len > nl && p[0] == 'S' && strncmp(p + 1, name,
		    nl) == 0 && strchr("= \t\r\n", p[1 + nl]) != NULL)
			return i;
	}
	return cf->n;
}

int
cf_has_ruleset(const struct cf *cf, const char *name)
{
	return ruleset_at(cf, name) < cf->n;
}

int
cf_ruleset_has(const struct cf *cf, const char *name, const char *what)
{
	size_t i, k, wl = strlen(what);

	for (i = ruleset_at(cf, name) + 1; i < cf->n; i++) {
		const struct cf_line *ln = &cf->v[i];

		if (ln->len > 0 && ln->p[0] == 'S')
			break;
		if (ln->len == 0 || ln->p[0] != 'R')
			continue;
		for (k = 0; k + wl <= ln->len; k++)
			if (memcmp(ln->p + k, what, wl) == 0)
				return 1;
	}
	return 0;
}
