/*
 * smcheck.h - ask the real sendmail what a candidate sendmail.cf does.
 *
 * Runs "sendmail -C CF -bt" through proc (fixed argv, clean environment,
 * time limit), feeds it address-test commands ($w, $m, $j, $S, $=w,
 * $=R when asked, /parse), and compares the answers with what the desired state says.
 * This is the check a text editor of sendmail.cf never makes.
 */
#ifndef MAILPROV_SMCHECK_H
#define MAILPROV_SMCHECK_H

#include "util.h"

struct smcheck_want {
	const char		*hostname;	/* $w, or NULL: not checked */
	const char		*domain;	/* $m */
	const char		*fqdn;		/* $j */
	const char		*smart_host;	/* $S ("" for empty) */
	const struct strlist	*accept_names;	/* all in $=w */
	int			 relay_all;	/* remote mail -> smart host */
	const char		*local_addr;	/* must be routed (candidate.c
						   checks it stays here) */
	const char		*domain_addr;	/* with relay_all: to the relay */
	int			 relay_check;	/* check_rcpt: no open relay */
	const char		*relay_to;	/* in relay_domains: relayed */
	int			 class_r;	/* also ask $=R (seen.class_r) */
};

struct smcheck_seen {
	char	*w, *m, *j, *S;
	struct strlist class_w;
	struct strlist class_r;			/* $=R, when asked */
	char	*remote_mailer, *remote_host;	/* /parse someone@remote.example */
	char	*local_mailer, *local_host;	/* /parse local_addr */
	char	*domain_mailer, *domain_host;
	char	*relay_to, *relay_other;	/* check_rcpt verdicts */
	struct strlist warnings;		/* lines printed before the banner */
};

#define SMCHECK_REMOTE	"someone@remote.example"
/* The relay check: an SMTP client that is neither local nor listed. */
#define SMCHECK_CLIENT		"192.0.2.7"
#define SMCHECK_CLIENT_NAME	"client.mailprov-check.invalid"
#define SMCHECK_OTHER		"someone@elsewhere.mailprov-check.invalid"

/*
 * smcheck_run - 0 when sendmail loads cf cleanly and every wanted answer
 * matches; -1 otherwise with a one-line reason in why (caller frees).
 * seen gets what sendmail said either way (free with smcheck_seen_free).
 */
int	smcheck_run(const char *sendmail, const char *cf, int timeout_ms,
	    const struct smcheck_want *w, struct smcheck_seen *seen, char **why);
void	smcheck_seen_free(struct smcheck_seen *s);

#endif
