/*
 * cf.h - a lossless sendmail.cf: find and edit the lines mailprov manages.
 *
 * The file is held as its lines, byte for byte.  Edits replace, comment
 * out, uncomment or insert whole lines; every other line is written back
 * exactly as it was read (tabs in R lines, comments, blank lines, CRLF).
 * Each edit that does more than the obvious (a duplicate definition
 * commented out, a Cw name dropped) adds a sentence to cf->notes for the
 * plan to show.
 *
 * Edits return 1 if they changed something, 0 if the file already said
 * it, -1 if they cannot be done (with the reason in cf->err).
 */
#ifndef MAILPROV_CF_H
#define MAILPROV_CF_H

#include <stddef.h>

#include "util.h"

struct cf_line {
	const char	*p;
	size_t		 len;	/* with the terminator */
	char		*own;	/* non-NULL when the line was rewritten */
	unsigned	 orig;	/* 1-based line number in the input, 0 if new */
};

struct cf {
	char		*buf;
	struct cf_line	*v;
	size_t		 n;
	size_t		 cap;
	const char	*eol;	/* the file's line ending */
	struct strlist	 notes;
	char		 err[256];
};

enum cf_relay_shape {
	CF_RELAY_NONE = 0,	/* no way to send all mail to $S */
	CF_RELAY_DIRECT,	/* a ruleset-0 rule "$#mailer $@ $S" */
	CF_RELAY_TRIPLE		/* m4's "$>MailerToTriple < $S >" for any host */
};

struct cf	*cf_parse(const char *buf, size_t len);
void		 cf_free(struct cf *cf);
void		 cf_serialize(const struct cf *cf, struct sbuf *out);

/* cf_macro - the value of the last active D line for name, or NULL. */
char		*cf_macro(const struct cf *cf, const char *name);
/* cf_class_file - path of the first active F line of class c, or NULL. */
char		*cf_class_file(const struct cf *cf, char c);
/* cf_alias_file - the first local AliasFile (O AliasFile= / OA), or NULL. */
char		*cf_alias_file(const struct cf *cf);

/* cf_set_macro - exactly one active "D<name><value>" line. */
int		 cf_set_macro(struct cf *cf, const char *name, const char *value);
/*
 * cf_ensure_class_file - exactly one active "F<c>-o PATH" line: the first
 * active one (its path kept, -o added), else the first commented one
 * uncommented, else a new line with default_path.  *path gets the path.
 */
int		 cf_ensure_class_file(struct cf *cf, char c,
		    const char *default_path, char **path);
/* cf_restrict_class - drop inline C<c> names not in allowed (no case). */
int		 cf_restrict_class(struct cf *cf, char c,
		    const struct strlist *allowed);
/*
 * cf_relay_all - on: every non-local address goes to $S (uncomment the
 * forward rule, comment out the AIX local-domain rule); off: the forward
 * rule commented out, the AIX rule active.  *shape says how $S is reached
 * once done (CF_RELAY_NONE with on: -1, nothing changed).
 */
int		 cf_relay_all(struct cf *cf, int on, enum cf_relay_shape *shape);
/*
 * cf_mailer_is_local - whether mailer name delivers on this host: 1 when
 * its P= is a program (not [IPC] or [TCP]) or its A= is "FILE socket"
 * (LMTP to a local socket), 0 when it talks to another host, -1 when the
 * cf defines no such mailer.
 */
int		 cf_mailer_is_local(const struct cf *cf, const char *name);
/*
 * cf_mailer_port - the port of mailer's "A=TCP $h [port]" equate: *port
 * gets the third word, or NULL when there is none (sendmail's default,
 * 25).  0 on success; -1 (and *port NULL) when the cf defines no such
 * mailer or its A= is not of that form (cf_set_mailer_port says why).
 */
int		 cf_mailer_port(const struct cf *cf, const char *mailer,
		    char **port);
/*
 * cf_set_mailer_port - the A= equate of the definition of mailer (one
 * "M<mailer>" line and its continuation lines) made "TCP $h port": the
 * port word replaced or added, or, for "25", dropped; every other byte of
 * the definition, tabs included, is kept.  port NULL: the port is not
 * managed, nothing is done (0).  -1 when port is not a number from 1 to
 * 65535, when the mailer is not defined or is defined twice, when it is
 * smtp, esmtp, smtp8 or dsmtp (they carry every direct MX delivery: the
 * smart host's port belongs on relay), when its P= is not [IPC] or [TCP],
 * or when its A= is not "TCP $h" with at most a port after it.
 */
int		 cf_set_mailer_port(struct cf *cf, const char *mailer,
		    const char *port);

/*
 * Options, long names only ("O Name=value"; the one-letter form "O<c>"
 * is not read).  Names match without case, as sendmail matches them, and
 * whole: "Timeout.queuewarn" is not "Timeout.queuewarn.urgent" (sendmail's
 * unambiguous abbreviations are not recognised).
 *
 * cf_option - the value of the last active line for name (blanks after
 * '=' skipped; "" for "O Name" without '='), or NULL when none is active.
 */
char		*cf_option(const struct cf *cf, const char *name);
/*
 * cf_set_option - exactly one active "O <name>=<value>" line: the first
 * active one rewritten in place (its continuation lines dropped), later
 * ones commented out with a note; else the first commented example
 * ("#O Name", "#O Name=...", "# O Name..."), as m4 writes unset options,
 * uncommented and set in place; else a new line after the last active O
 * line (after the V line, or the leading comments, when there is none).
 * A line that already holds the value is kept as it is.  value NULL:
 * every active line for name commented out.  -1 for a name that is not
 * letters, digits, '.', '-' and '_', a value with a line break, and for
 * DaemonPortOptions and ClientPortOptions, which sendmail takes once per
 * daemon or address family: one line cannot stand for them.
 */
int		 cf_set_option(struct cf *cf, const char *name,
		    const char *value);
/*
 * cf_has_map - an active "K<name> <class> [-flags] [file]" line defines
 * map name (the last one if there are several, as sendmail keeps the
 * last): 1, else 0.  *file (if file is not NULL) gets the file the map is
 * built from, its ".db" suffix dropped for hash and btree maps (what
 * makemap reads and names: "makemap hash /etc/mail/access" writes
 * /etc/mail/access.db), or NULL when the class reads no file of its own
 * (ldap, sequence, ...: anything but hash, btree, dbm, cdb and implicit)
 * or the line names none; *mclass (if not NULL) gets the class.  With an
 * access map present (FEATURE(access_db)) this is 1 for "access".
 */
int		 cf_has_map(const struct cf *cf, const char *name, char **file,
		    char **mclass);
/* cf_has_ruleset - an active "S<name>" line defines the named ruleset. */
int		 cf_has_ruleset(const struct cf *cf, const char *name);
/*
 * cf_ruleset_has - an active R line of ruleset name (from its S line to
 * the next S line) holds the text what, e.g. "$(access AuthInfo".
 */
int		 cf_ruleset_has(const struct cf *cf, const char *name,
		    const char *what);
/* cf_point_class_file - active F<c> lines read path (for a check copy). */
void		 cf_point_class_file(struct cf *cf, char c, const char *path);

#endif
