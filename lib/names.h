/*
 * names.h - what a host name, a domain, a relay entry, an alias, a smart
 * host and an SRC argument string may look like.
 *
 * Every names_check_* returns NULL when the value is acceptable, or a
 * static string saying what is wrong (for "path:line:col: <field> <why>").
 * The rules are the seed guide's pitfalls made strict: identity that
 * sendmail can use, and nothing that opens a relay or reaches a shell.
 */
#ifndef MAILPROV_NAMES_H
#define MAILPROV_NAMES_H

#include <stddef.h>

/* The ODM limit on SRC cmdargs (SRCsubsys.cmdargs is 200 bytes). */
#define NAMES_SRC_ARGS_MAX	199
/* The ODM limit on an SRC subsystem name (30 bytes with the NUL). */
#define NAMES_SRC_NAME_MAX	29

const char	*names_check_label(const char *s);	/* one DNS label */
const char	*names_check_short_host(const char *s);	/* label, no dot */
const char	*names_check_dns(const char *s);	/* DNS name */
const char	*names_check_domain(const char *s);	/* DNS name with a dot or one label */
int		 names_is_ipv4(const char *s);		/* dotted quad */
const char	*names_check_smart_host(const char *s);
/* names_smart_host_name - the host of "[mailer:][host]"; caller frees. */
char		*names_smart_host_name(const char *s);
const char	*names_check_relay_entry(const char *s);
const char	*names_check_alias_name(const char *s);
const char	*names_check_src_args(const char *s);
const char	*names_check_src_name(const char *s);
/*
 * names_check_sendmail_daemon_args - s, the arguments SRC gives sendmail
 * (already through names_check_src_args), holds -bd and only words that
 * cannot change which configuration sendmail reads or which files it
 * writes: -bd, -q[p][INTERVAL] (INTERVAL: digits with s, m, h, d or w,
 * repeated) and -LTAG.  -C, -X, -O, -o, -M, -D, -d and the rest are
 * refused.  On a refused word, *word and *len give it within s; when the
 * fault is the missing -bd, *word is NULL.
 */
const char	*names_check_sendmail_daemon_args(const char *s,
		    const char **word, size_t *len);
const char	*names_check_abspath(const char *s);
/*
 * names_check_safe_path - an absolute path of the characters a path in a
 * sendmail.cf option or a link target needs ([A-Za-z0-9._/+@-]): no
 * blank, comma, quote or shell character.
 */
const char	*names_check_safe_path(const char *s);
/* names_check_auth_user - an AUTH user name: printable, no blank/quote. */
const char	*names_check_auth_user(const char *s);
/* names_check_sasl_mech - a SASL mechanism name (RFC 4422: A-Z 0-9 - _). */
const char	*names_check_sasl_mech(const char *s);

enum alias_target {
	TARGET_ADDRESS,		/* user, \user, user@domain */
	TARGET_PROGRAM,		/* |command, "|command args" */
	TARGET_FILE,		/* /path, "/path" */
	TARGET_INCLUDE,		/* :include:/path */
	TARGET_INVALID
};

/* names_alias_target - classify t; on TARGET_INVALID *why says why. */
enum alias_target names_alias_target(const char *t, const char **why);

/* names_distance - edit distance with transpositions, case-insensitive. */
size_t		 names_distance(const char *a, const char *b);

#endif
