/*
 * smcaps.h - what the sendmail binary was compiled with.
 *
 * "sendmail -d0.1 -bt </dev/null" prints, on stdout and before it reads
 * any configuration:
 *
 *	Version 8.17.1.9
 *	 Compiled with: DNSMAP IPV6_FULL LDAPMAP LDAP_NETWORK_TIMEOUT
 *			LDAP_REFERRALS LOG ... MAXDAEMONS=64 ... NEWDB=5.3
 *			... SASLv2 SCANF SOCKETMAP STARTTLS ...
 *
 * The block ends at the first line that does not start with a TAB; what
 * follows (the SYSTEM IDENTITY block, the address test prompt) is not
 * read.  Each token is NAME or NAME=value.  STARTTLS means the binary can
 * do TLS; SASLv2 (or SASL, Cyrus SASL 1) means it can do SMTP AUTH.
 *
 * Probing runs the binary (through sendmail.c, so only on a host whose
 * name sendmail can qualify), and the answer is kept under the state
 * directory, keyed by the binary's file, so that a daemon does not run
 * sendmail on every status request.
 *
 * Convention: 0 / -1 with a one-line reason in *why (caller frees).
 */
#ifndef MAILPROV_SMCAPS_H
#define MAILPROV_SMCAPS_H

#include <stddef.h>

#include "src.h"
#include "util.h"

/* Only this much of sendmail's stdout is looked at: the block is first. */
#define SMCAPS_SCAN_MAX		(64 * 1024)
/* The cache: at most this many binaries, this many bytes. */
#define SMCAPS_CACHE_KEEP	8
#define SMCAPS_CACHE_MAX	(64 * 1024)

struct smcaps {
	char		*path;		/* the binary asked (as given) */
	char		*version;	/* "8.17.1.9", or NULL */
	struct strlist	 opts;		/* every token of "Compiled with:" */
	int		 starttls;	/* STARTTLS present */
	int		 sasl;		/* SASLv2 or SASL present */
};

/*
 * smcaps_parse - fill c (path NULL) from the stdout of "sendmail -d0.1
 * -bt": the first "Version V" line before the block gives version (NULL
 * if none), the " Compiled with:" line and the TAB-led lines after it
 * give opts, in order (CR, like any blank, separates tokens; bytes that
 * are not printable ASCII too).  Only the first SMCAPS_SCAN_MAX bytes of
 * out are read.  An empty block is a valid answer (no options).  -1 with
 * *why, and c empty, when there is no "Compiled with:" line.
 */
int	smcaps_parse(const char *out, size_t len, struct smcaps *c,
	    char **why);

/*
 * smcaps_probe - what bin was compiled with: run "bin -d0.1 -bt" (stdin
 * /dev/null, clean environment, timeout_ms, 0 for the default) and parse
 * it, whatever its exit status.  A run that timed out is an error even
 * if it printed a block (it may be cut short).
 *
 * With a state_dir, the answer is kept in state_dir/STATE_CAPS keyed by
 * bin's real path (symbolic links followed) and the device, inode, size
 * and mtime of the file it names; an answer kept for the same key is
 * returned without running bin.  A cache file that cannot be read, is not
 * trusted (fileio FILEIO_TRUSTED) or is malformed is ignored and written
 * anew (atomically); failing to write it is a warning (msg_warn), not an
 * error.  A failed probe is not kept.  state_dir NULL: no cache.
 *
 * c->path is bin as given.  On -1, c is empty (smcaps_free is harmless).
 */
int	smcaps_probe(const char *bin, const char *state_dir, int timeout_ms,
	    struct smcaps *c, char **why);

/* smcaps_has - 1 when c->opts holds NAME or NAME=value, else 0. */
int	smcaps_has(const struct smcaps *c, const char *name);

/*
 * smcaps_describe - append one line, no newline, for status and lssrc:
 * "sendmail 8.17.1.9 at /usr/sbin/sendmail: STARTTLS yes, SASL yes"
 * ("version unknown" when there is none).
 */
void	smcaps_describe(const struct smcaps *c, struct sbuf *out);

/* smcaps_free - release what c holds and empty it; NULL is harmless. */
void	smcaps_free(struct smcaps *c);

/*
 * smcaps_resolve_program - the program SRC starts for subsystem: the path
 * of its SRC definition, or DEF_SENDMAIL_LINK (/usr/lib/sendmail) when
 * SRC has no definition or no path, with symbolic links followed inside
 * root (fileio_resolve; root "" or NULL for none).  Returns the real path,
 * root prefixed (caller frees), which must name a regular file; or NULL
 * with *why (SRC could not be asked, a relative path, no such file).
 */
char	*smcaps_resolve_program(const char *root, struct src *src,
	    const char *subsystem, char **why);

#endif
