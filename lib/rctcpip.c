/*
 * rctcpip.c - find and switch a subsystem's start line in /etc/rc.tcpip.
 *
 * Contract: see rctcpip.h.  A commented line is any number of '#' and
 * blanks before "start"; enabling removes exactly those, keeping the
 * line's own indentation; disabling puts one '#' in front.
 */
#include "rctcpip.h"
#include "lines.h"

#include <string.h>

/*
 * match - line ln starts (after '#'s and blanks) with "start PROG" where
 * PROG's base name is sub.  *on says whether it was not commented; *body
 * is the offset of "start".
 */
static int
match(const struct line *ln, const char *sub, int *on, size_t *body)
{
	size_t b = line_body(ln), i = 0, j, k, sl = strlen(sub);
	int hashes = 0;

	while (i < b && (ln->p[i] == '#' || ln->p[i] == ' ' ||
	    ln->p[i] == '\t'))
		hashes += ln->p[i++] == '#';
	/* cppcheck-suppress knownConditionTrueFalse ; wrong: i may be b - 6 */
	if (b - i < 6 || strncmp(ln->p + i, "start", 5) != 0 ||
	    (ln->p[i + 5] != ' ' && ln->p[i + 5] != '\t'))
		return 0;
	*body = i;
	for (j = i + 5; j < b && (ln->p[j] == ' ' || ln->p[j] == '\t'); j++)
		;
	for (k = j; k < b && ln->p[k] != ' ' && ln->p[k] != '\t'; k++)
		if (ln->p[k] == '/')
			j = k + 1;	/* base name */
	if (k - j != sl || strncmp(ln->p + j, sub, sl) != 0)
		return 0;
	*on = hashes == 0;
	return 1;
}

int
rctcpip_state(const char *buf, size_t len, const char *sub)
{
	struct lines l = { 0 };
	size_t i, body;
	int on, r = -1;

	lines_split(&l, buf, len);
	for (i = 0; i < l.n; i++)
		if (match(&l.v[i], sub, &on, &body)) {
			r = on;
			if (on)
				break;	/* one enabled line is enough */
		}
	lines_free(&l);
	return r;
}

int
rctcpip_set(const char *buf, size_t len, const char *sub, int on,
    struct sbuf *out)
{
	struct lines l = { 0 };
	size_t i, body, lead;
	int was, found = 0, changed = 0, done = 0;

	lines_split(&l, buf, len);
	sbuf_add(out, "", 0);
	for (i = 0; i < l.n; i++) {
		const struct line *ln = &l.v[i];

		if (!match(ln, sub, &was, &body)) {
			sbuf_add(out, ln->p, ln->len);
			continue;
		}
		found = 1;
		if (on && !was && !done && rctcpip_state(buf, len, sub) != 1) {
			/* Keep the indentation that came before the '#'. */
			for (lead = 0; lead < body && (ln->p[lead] == ' ' ||
			    ln->p[lead] == '\t'); lead++)
				;
			sbuf_add(out, ln->p, lead);
			sbuf_add(out, ln->p + body, ln->len - body);
			changed = done = 1;
		} else if (!on && was) {
			sbuf_adds(out, "#");
			sbuf_add(out, ln->p, ln->len);
			changed = 1;
		} else
			sbuf_add(out, ln->p, ln->len);
		if (on && was)
			done = 1;
	}
	lines_free(&l);
	return found ? changed : -1;
}
