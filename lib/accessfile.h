/*
 * accessfile.h - sendmail's access map source, /etc/mail/access.
 *
 * The file is what makemap reads: one entry a line, "KEY<blanks>VALUE";
 * lines starting with '#' and blank lines are ignored; a line that starts
 * with a blank is a syntax error to makemap and a key alone has no value
 * ("no RHS"): both are kept here as they are and never count as entries.
 * A '#' after the key is part of the value, as makemap reads it.
 *
 * Keys match without case: makemap folds keys to lower case unless given
 * -f, and the access map's K line (FEATURE(access_db)) has no -f, so
 * sendmail folds its lookups too; "TLS_Srv:Relay.Example.NET" and
 * "tls_srv:relay.example.net" are one key.  Values keep their case.
 *
 * The editor keeps every line it does not manage byte for byte:
 *   set     the first line with the key keeps its key and the blanks after
 *           it, only the value is replaced; later lines with the key are
 *           commented out as "# mailprov: <line>" (makemap refuses a
 *           duplicate key and keeps the first, so they did nothing; the
 *           comment keeps what the admin wrote); a missing key is
 *           appended as "key<TAB>value" (after a line break if the file
 *           lacked a final one), with the file's line ending.
 *   remove  (value NULL) every line with the key is deleted; mailprov
 *           removes only the entries it is told to.
 *
 * After the file is written the map must be rebuilt; the type is the
 * class of the cf's access K line (cf_has_map: hash on AIX and Debian):
 *
 *     makemap hash /etc/mail/access < /etc/mail/access
 *
 * makemap appends ".db" to the name for hash and btree (it writes
 * /etc/mail/access.db; given "access.db" it writes that same file, not
 * access.db.db), exits 0 when all is well and 65 (EX_DATAERR) on a bad
 * line or a duplicate key, having still written the other entries.  When
 * the cf sets TrustedUser, makemap run as root gives the .db to that user
 * (Debian: smmta, mode 0640).  Checked with Debian's makemap (sendmail
 * 8.17.1.9).
 */
#ifndef MAILPROV_ACCESSFILE_H
#define MAILPROV_ACCESSFILE_H

#include <stddef.h>

#include "util.h"

/*
 * accessfile_check - key and value can be an entry: key not empty, no
 * blank, no line break, not starting with '#'; value not empty (makemap
 * refuses an empty value without -e), no line break.  0, or -1 with the
 * reason in *why.  accessfile_edit does nothing for an entry that fails.
 */
int	accessfile_check(const char *key, const char *value, char **why);

/*
 * accessfile_edit - out = old (len bytes) with exactly one entry for key
 * holding value, or none when value is NULL (see above).  *changed is 1
 * when out differs from old, else 0.
 */
void	accessfile_edit(const char *old, size_t len, const char *key,
	    const char *value, struct sbuf *out, int *changed);

/* accessfile_get - the value of the first entry for key, or NULL. */
char	*accessfile_get(const char *buf, size_t len, const char *key);

/*
 * AuthInfo: entries (sendmail's client AUTH, cf/README "Providing SMTP
 * AUTH Data when sendmail acts as Client") hold a password.  mailprov
 * writes one in a single form, which is how it knows its own entry:
 *
 *     AuthInfo:HOST<TAB>"U:user" "I:user" "P:secret" ["M:MECH MECH"]
 *
 * (U and I equal, these fields in this order, nothing else).  An entry
 * in any other form is the admin's.
 */
/*
 * accessfile_authinfo - that value for user, secret and mechs (NULL or
 * "" for none); NULL when a field cannot be quoted (a '"' or a line
 * break in it).
 */
char	*accessfile_authinfo(const char *user, const char *secret,
	    const char *mechs);
/* accessfile_authinfo_ours - value has the form mailprov writes. */
int	accessfile_authinfo_ours(const char *value);
/*
 * accessfile_mask - buf (len bytes, lines of an access file or of a diff
 * of one) onto out with the password of every line that holds
 * "AuthInfo:" (any case) replaced by ********: "P:x" and "P=x" fields,
 * quoted or not.  Nothing else changes.  The one place a secret is
 * taken out of what mailprov shows.
 */
void	accessfile_mask(const char *buf, size_t len, struct sbuf *out);
/*
 * accessfile_has_own_authinfo - buf (len bytes) holds an AuthInfo: entry
 * in mailprov's form (a password mailprov wrote).
 */
int	accessfile_has_own_authinfo(const char *buf, size_t len);
/* accessfile_has_authinfo - buf (len bytes) holds "AuthInfo:" anywhere. */
int	accessfile_has_authinfo(const char *buf, size_t len);

#endif
