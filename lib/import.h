/*
 * import.h - the host as it is, written as a desired state.
 *
 * `mailprov import' adopts a host that somebody configured by hand: it
 * reads sendmail.cf (/etc/mail/sendmail.cf, else /etc/sendmail.cf), asks
 * sendmail itself what it makes of it (sendmail -C CF -bt: $w, $m, $j,
 * $S, $=w, $=R, where a remote and a local-domain address go), reads the
 * local-host-names and relay-domains files the Fw and FR lines name, the
 * aliases file, the TLS options and the access map, the /usr/lib/sendmail
 * link and, through SRC, the sendmail subsystem; and writes a desired
 * state (schema version 1) whose comments say where each value was found.
 *
 * The guarantee: the text loads (it is checked with the loader `mailprov
 * validate' uses), and `mailprov plan' with it on the same host finds
 * nothing to change.  A key is written only when mailprov's own editor,
 * run on a copy of what the host has, leaves it as it is (cf_set_macro,
 * cf_ensure_class_file, cf_restrict_class, listfile_edit, cf_relay_all,
 * cf_set_mailer_port, the TLS plan, aliases_edit, program_plan,
 * service_plan); any other key is shown commented out, with the reason
 * and what sendmail says, so that an admin can take it over knowingly.
 * A key the loader refuses (an alias loop, a relay entry that would be an
 * open relay, a name the schema does not allow) is commented out with the
 * loader's message, and the text made again.
 *
 * Aliases: every entry, in merge mode, when the file has at most
 * IMPORT_ALIASES_MAX; else only postmaster, MAILER-DAEMON and root, with
 * a comment saying how many were left out; all_aliases writes all of them
 * in exact mode (merge when an entry cannot be written: a name defined
 * twice, no postmaster or MAILER-DAEMON).  Program and file targets are
 * written as the file has them, with allow_programs / allow_files true.
 *
 * Nothing is written and nothing is changed on the host: sendmail runs
 * only as -bt and -d0.1 (capabilities, never cached), SRC is only asked.
 * Convention: 0 / -1 with a one-line reason in *why (caller frees).
 */
#ifndef MAILPROV_IMPORT_H
#define MAILPROV_IMPORT_H

#include "src.h"
#include "util.h"

#define IMPORT_ALIASES_MAX	1000

struct import_opts {
	const char	*root;		/* "" for none */
	const char	*sendmail;	/* the binary to ask; NULL: the one
					   the plan would run */
	struct src	*src;		/* asked, never changed; not NULL */
	int		 all_aliases;
	int		 timeout_ms;	/* 0: the default */
};

/* import_host - out gets the desired state of the host under o->root. */
int	import_host(const struct import_opts *o, struct sbuf *out,
	    char **why);

#endif
