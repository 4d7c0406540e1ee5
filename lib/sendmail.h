/*
 * sendmail.h - every run of the sendmail binary, in one place.
 *
 * mailprov asks sendmail these things, through proc (fixed argv, clean
 * environment, a time limit), always with "-C CF" so that the answer is
 * about the file mailprov means (/dev/null when it is about the binary):
 *   sendmail_test        -bt: address-test commands on stdin (smcheck
 *                        parses the answers)
 *   sendmail_newaliases  -bi -oAFILE: rebuild the alias database
 *   sendmail_verify      -bv postmaster: is the postmaster deliverable
 *   sendmail_starttls    -bs: does it offer STARTTLS after EHLO
 *   sendmail_compile_info  -d0.1 -bt -C /dev/null, stdin empty: what the
 *                        binary was compiled with (smcaps parses it);
 *                        the block comes before any cf is read
 * and makemap, for the access map (sendmail_makemap).
 * A time limit of 0 takes the default of that run (paths.h).  Before any
 * run, the host's name must be one sendmail can qualify (it has a dot, or
 * the resolver gives a canonical name with one): else sendmail would
 * sleep 60 s before it reads anything, and the run fails at once instead.
 * Convention: 0 / -1 with the reason in *why (caller frees).
 */
#ifndef MAILPROV_SENDMAIL_H
#define MAILPROV_SENDMAIL_H

#include <stddef.h>

#include "proc.h"

/*
 * sendmail_test - run -bt with input; 0 when it ran (its answers, exit
 * status and a timeout are in *r, which the caller frees), -1 with *why
 * when it could not be started.
 */
int	sendmail_test(const char *sendmail, const char *cf, const char *input,
	    size_t len, int timeout_ms, struct proc_result *r, char **why);
/*
 * sendmail_newaliases - rebuild the database of the aliases file afile
 * for cf.  Success is sendmail's "AFILE: N aliases" line, not its exit
 * status alone; a rebuild that finds the database locked by another one
 * is retried once a second within the time limit.  -1 when sendmail
 * could not do it now (not started, timed out, still locked);
 * SENDMAIL_REFUSED when it read the file and would not build from it.
 */
#define SENDMAIL_REFUSED	(-2)
int	sendmail_newaliases(const char *sendmail, const char *cf,
	    const char *afile, int timeout_ms, char **why);
/*
 * sendmail_starttls - `sendmail -C cf -bs': wait for its 220, EHLO, and
 * require STARTTLS in the reply (server TLS initialised exactly as the
 * daemon will: the certificate files passed sendmail's own checks).
 * -1: it could not be asked (no greeting: a 4xx or 5xx one ends the
 * dialogue at once); SENDMAIL_NO_STARTTLS: it greeted and answered
 * EHLO without STARTTLS.
 */
#define SENDMAIL_NO_STARTTLS	(-3)
#define SENDMAIL_PROBE_NAME	"mailprov-check.invalid"
int	sendmail_starttls(const char *sendmail, const char *cf,
	    int timeout_ms, char **why);
/*
 * sendmail_makemap - `makemap -C CF CLASS FILE < FILE': the map sendmail
 * reads (FILE.db for hash) built from its source; makemap reads the cf
 * for its TrustedUser.  Any word on stderr fails.
 */
int	sendmail_makemap(const char *makemap, const char *cf,
	    const char *class, const char *file, int timeout_ms, char **why);
/* sendmail_verify - "sendmail -bv postmaster" says it is deliverable. */
int	sendmail_verify(const char *sendmail, const char *cf, int timeout_ms,
	    char **why);
/*
 * sendmail_compile_info - run "sendmail -d0.1 -bt" with empty input.  Its
 * stdout starts with the "Version" line and the "Compiled with:" block,
 * printed before the configuration is read, so a failing exit status
 * (no cf, a broken cf) says nothing about that block.  As sendmail_test.
 */
int	sendmail_compile_info(const char *sendmail, int timeout_ms,
	    struct proc_result *r, char **why);

#endif
