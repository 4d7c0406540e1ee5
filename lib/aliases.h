/*
 * aliases.h - the aliases file: entries with continuation lines, comments.
 *
 * An entry starts on a line that does not begin with a blank or '#' and
 * runs on over the lines that begin with a blank or tab.  Names compare
 * without case, as sendmail's do.  The editor keeps every line it does
 * not need to change byte for byte: in merge mode all other entries and
 * all comments; in exact mode all comments, and only the listed entries.
 */
#ifndef MAILPROV_ALIASES_H
#define MAILPROV_ALIASES_H

#include <stddef.h>
#include <sys/stat.h>

#include "desired.h"
#include "util.h"

struct alias_entry {
	char	*name;		/* as written */
	struct strlist targets;	/* trimmed, outer quotes removed */
	size_t	 first;		/* first line (0-based) */
	size_t	 last;		/* last continuation line */
};

struct aliases {
	struct alias_entry *v;
	size_t	 n;
	size_t	 bad;		/* lines that are neither entry nor comment */
};

/* One entry as found in the buffer: offsets, no copies. */
struct alias_span {
	size_t		 start;		/* its first byte */
	size_t		 first_end;	/* past its first line */
	size_t		 end;		/* past its last continuation line */
	const char	*name;		/* into the buffer */
	size_t		 nlen;
	size_t		 value;		/* just past the ':' */
};

/*
 * aliases_next - the next entry at or after *pos (comments, blank lines
 * and lines that are not entries are stepped over).  1 and *sp filled,
 * or 0 at the end; *pos moves past what was read.
 */
int	aliases_next(const char *buf, size_t len, size_t *pos,
	    struct alias_span *sp);

/* aliases_parse - the entries of buf. */
void	aliases_parse(const char *buf, size_t len, struct aliases *a);
void	aliases_free(struct aliases *a);

/*
 * aliases_edit - out = buf with the desired entries ensured (merge) or
 * made the only ones (exact).  Sentences about what else was done (a
 * duplicate removed) go to notes.  Returns 1 when the file changes; 0
 * when it stays as it is, and then out is left empty (no copy is made).
 */
int	aliases_edit(const char *buf, size_t len,
	    const struct desired_aliases *want, struct sbuf *out,
	    struct strlist *notes);

/*
 * aliases_unchanged_file - 1 when aliases_edit would leave the file at
 * path as it is, found by reading it in pieces through one small buffer
 * (fileio_scan; max and flags as for fileio_read; st gets the file's
 * status), so that a large file that stays as it is never has to be held
 * whole.  0 when it changes or holds a NUL byte: the caller then reads
 * it whole and edits it, which says what.  -1 with errno (fileio_read's)
 * when it cannot be read.
 */
int	aliases_unchanged_file(const char *path, size_t max, int flags,
	    const struct desired_aliases *want, struct stat *st);

/* A line of an aliases file that sendmail cannot read. */
struct aliases_problem {
	size_t		 line;		/* 1-based */
	char		*name;		/* its first word ("" for none) */
	const char	*what;		/* what is wrong, static text */
};

struct aliases_problems {
	struct aliases_problem	*v;
	size_t			 n;
};

/*
 * aliases_lint - the lines of buf that sendmail's alias reader cannot
 * read: a line with no ':' after the name (as another MTA writes
 * "@example.com user@example.com"), a continuation line with no entry
 * before it.  The editor steps over such lines and keeps them.
 */
void	aliases_lint(const char *buf, size_t len, struct aliases_problems *pr);
void	aliases_problems_free(struct aliases_problems *pr);

/* aliases_split_targets - "a, b, \"|x y\"" into trimmed targets. */
void	aliases_split_targets(const char *s, size_t n, struct strlist *out);

#endif
