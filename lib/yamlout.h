/*
 * yamlout.h - a commented YAML document written as text, key by key.
 *
 * `mailprov import' writes a desired state that a person reads and edits:
 * every key has comments above it, and a key the host cannot be
 * described by is still shown, commented out, with the reason.  libyaml's
 * emitter writes no comments, so this writes the text itself, from a
 * list of items (a key and its value, at a depth), each in a group: a
 * group is left out as a whole (its items commented out, the reason
 * above the first), and a group inside a left-out group is left out too.
 *
 * Scalars are written plain only when they are letters, digits and
 * . _ / @ + - starting with a letter, '/' or '_', and are not a word
 * YAML readers take for a boolean or null (true, no, on, null, ...);
 * anything else is double-quoted: valid printable UTF-8 copied, '"' and
 * '\' escaped, control characters (C0, DEL, C1) as \xNN, the YAML line
 * breaks U+0085, U+2028, U+2029 as \N, \L, \P, and U+FEFF, U+FFFE,
 * U+FFFF as \uXXXX; a YAML reader reads back the same bytes.  A YAML
 * file holds only UTF-8, so an item whose key, value or list item is not
 * valid UTF-8 cannot be written: yo_render leaves its group out, the
 * reason (yo_utf8_reason) above it, and yo_scalar writes each byte that
 * is in no UTF-8 sequence as '?' (in the commented-out item only).
 * Comment text is written with control bytes and bytes that are not
 * ASCII replaced by '?', so a host's bytes cannot make the file invalid
 * or break out of a comment; a commented-out item's value is escaped as
 * above, so it cannot either.  Lines are wrapped at 78 columns.
 *
 * After yo_render, each item that was written (not left out) knows its
 * lines, so a loader's "line:col: message" can be traced back to the
 * item (yo_item_at) and its group left out with that message.
 */
#ifndef MAILPROV_YAMLOUT_H
#define MAILPROV_YAMLOUT_H

#include <stddef.h>

#include "util.h"

enum yo_kind {
	YO_HEADER,	/* "key:", a mapping follows at depth + 1 */
	YO_STR,		/* "key: scalar", quoted as needed */
	YO_RAW,		/* "key: text", as given (true, 587, merge) */
	YO_LIST,	/* "key:" and "- item" lines; "key: []" if empty */
	YO_FLOW,	/* "key: [a, b]" */
	YO_NOTE		/* comments only */
};

struct yo_item {
	int		 depth;		/* two spaces each */
	char		*key;
	enum yo_kind	 kind;
	char		*s;		/* YO_STR, YO_RAW */
	struct strlist	 l;		/* YO_LIST, YO_FLOW */
	struct strlist	 notes;		/* comment lines above it */
	int		 group;
	unsigned	 first, last;	/* its lines once rendered; 0: none */
};

struct yo_group {
	char	*gone;		/* why it is left out, or NULL */
	int	 parent;	/* -1 for none */
};

struct yamlout {
	struct yo_item	*v;
	size_t		 n;
	struct yo_group	*g;
	size_t		 ng;
};

/* yo_group - a new group inside parent (-1: none); its number. */
int	yo_group(struct yamlout *y, int parent);
/*
 * yo_leave_out - group g is left out because of what fmt says; 1, or 0
 * when it (or a group it is in) already was.
 */
int	yo_leave_out(struct yamlout *y, int g, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* yo_gone - why g is left out (its own reason or its parent's), or NULL. */
const char *yo_gone(const struct yamlout *y, int g);
/*
 * yo_add - a new item; s (copied) is the value of YO_STR and YO_RAW.
 * The pointer is valid until the next yo_add.
 */
struct yo_item *yo_add(struct yamlout *y, int group, int depth,
	    const char *key, enum yo_kind kind, const char *s);
/* yo_note - one more comment above the item (wrapped when written). */
void	yo_note(struct yo_item *it, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* yo_render - the document, appended to out. */
void	yo_render(struct yamlout *y, struct sbuf *out);
/* yo_item_at - the item written on line (1-based), or -1. */
long	yo_item_at(const struct yamlout *y, unsigned line);
/*
 * yo_bad_byte - the first byte of the item's key, value or list items that
 * is not valid UTF-8, or -1 when all of them are.
 */
int	yo_bad_byte(const struct yo_item *it);
/* yo_utf8_reason - why an item with the byte c (yo_bad_byte) is left out. */
const char *yo_utf8_reason(int c);
/* yo_scalar - s as a YAML scalar: plain when safe, else double-quoted. */
void	yo_scalar(struct sbuf *b, const char *s);
void	yo_free(struct yamlout *y);

#endif
