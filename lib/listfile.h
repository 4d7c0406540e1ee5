/*
 * listfile.h - one-entry-per-line files: local-host-names, relay-domains.
 *
 * sendmail reads the first word of each line that is not blank and does
 * not start with '#'.  The editor keeps comment and blank lines where they
 * are, keeps an entry line byte for byte when its first word is already
 * the wanted one and nothing but a comment follows it, rewrites entry lines in order, drops the extra ones and
 * appends the missing ones.
 */
#ifndef MAILPROV_LISTFILE_H
#define MAILPROV_LISTFILE_H

#include <stddef.h>

#include "util.h"

/* listfile_entries - the first word of every entry line, in order. */
void	listfile_entries(const char *buf, size_t len, struct strlist *out);

/* listfile_edit - out = buf made to list exactly want, in order. */
void	listfile_edit(const char *buf, size_t len, const struct strlist *want,
	    struct sbuf *out);

#endif
