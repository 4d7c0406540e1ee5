/*
 * plantls.h - the parts of a plan that decide which sendmail runs and
 * what it does with TLS: the /usr/lib/sendmail link (sendmail.program),
 * the binary's capabilities, the certificate files, the TLS options of
 * the cf, the relay mailer's port and the TLS_Srv: and AuthInfo:
 * entries of the access map.  Called by plan.c only; the same
 * conventions (0 / -1 with *why, p->errpos on the key an error is
 * about).
 */
#ifndef MAILPROV_PLANTLS_H
#define MAILPROV_PLANTLS_H

#include "cf.h"
#include "desired.h"
#include "plan.h"

/*
 * plantls_prepare - before the files: the link, the binary that will run
 * (p->binary) and, when TLS or AUTH is asked for, its capabilities:
 * refused when it lacks them, with the cure.
 */
int	plantls_prepare(const struct desired *ds, const struct plan_env *env,
	    struct plan *p, char **why);
/*
 * plantls_edit_cf - the certificate files checked as sendmail will check
 * them (with the cf's RunAsUser and DontBlameSendmail), the six TLS
 * options, the relay mailer's port, and the access map a requirement on
 * the smart host needs.
 */
int	plantls_edit_cf(const struct desired *ds, struct cf *cf,
	    struct plan *p, char **why);
/*
 * plantls_access - the TLS_Srv: and AuthInfo: entries of the smart host
 * in the access map's source file.  The AuthInfo: value carries the
 * secret read from auth.secret_file (checked there; plan.c then sets
 * p->access_secret and p->access_tighten from the new bytes).
 * mailprov's own entries (by value or form) go when their key is left
 * out; the admin's stay, with a warning.
 */
int	plantls_access(const struct desired *ds, const char *root,
	    const struct cf *cf, struct plan *p, char **why);

#endif
