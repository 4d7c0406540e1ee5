/*
 * diag.h - diagnostics: "path:line:col: message", one line each.
 *
 * A struct diags collects the errors of one input file.  It keeps the
 * first DIAG_MAX and counts the rest, so a hostile file cannot flood the
 * log.  Positions are 1-based; line 0 means "the file as a whole" and is
 * printed as "path: message".
 */
#ifndef MAILPROV_DIAG_H
#define MAILPROV_DIAG_H

#include <stdio.h>

#define DIAG_MAX 20

struct diag {
	unsigned  line;
	unsigned  col;
	char	 *msg;
};

struct diags {
	char		*path;		/* owned copy of the file's name */
	struct diag	 v[DIAG_MAX];
	size_t		 n;		/* entries kept in v */
	size_t		 dropped;	/* errors past DIAG_MAX */
};

void	diags_init(struct diags *d, const char *path);
void	diags_add(struct diags *d, unsigned line, unsigned col,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* diags_count - all errors seen, kept or dropped. */
size_t	diags_count(const struct diags *d);
/* diags_sort - order kept entries by position (stable). */
void	diags_sort(struct diags *d);
/* diags_print - one line per error, then one line for the dropped ones. */
void	diags_print(const struct diags *d, FILE *fp);
/* diags_format - the i-th kept entry as "path:line:col: msg" (caller frees). */
char	*diags_format(const struct diags *d, size_t i);
void	diags_free(struct diags *d);

#endif
