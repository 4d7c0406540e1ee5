/*
 * lines.h - a byte buffer seen as lines, without copying.
 *
 * Each line points into the caller's buffer and includes its terminator
 * ("\n" or "\r\n"); the last line may have none.  Joining the lines gives
 * back the buffer byte for byte, which is what lets the editors promise
 * that every line they do not manage is kept exactly.
 */
#ifndef MAILPROV_LINES_H
#define MAILPROV_LINES_H

#include <stddef.h>

struct line {
	const char	*p;
	size_t		 len;	/* with the terminator */
};

struct lines {
	struct line	*v;
	size_t		 n;
	size_t		 cap;
};

/* lines_split - index buf (which must outlive l). */
void	lines_split(struct lines *l, const char *buf, size_t len);
void	lines_push(struct lines *l, const char *p, size_t len);
void	lines_free(struct lines *l);

/* line_body - length without the terminator. */
size_t	line_body(const struct line *ln);
/* line_eol - the terminator: "\n", "\r\n" or "". */
const char *line_eol(const struct line *ln);
/* lines_eol - the file's line ending, from its first line ("\n" default). */
const char *lines_eol(const struct lines *l);

#endif
