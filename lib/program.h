/*
 * program.h - the /usr/lib/sendmail link: which sendmail binary runs.
 *
 * SRC starts /usr/lib/sendmail (mkssys -p), and so do rc.tcpip, cron and
 * every program that submits mail; on AIX it is a symbolic link, and
 * IBM's way to run the TLS build is to point it at
 * /usr/sbin/sendmail_ssl (APAR IV91473: a migration could reset it, so
 * it is checked on every run).  program_plan() only reads; apply
 * replaces the link atomically (program_replace) and, after a failed
 * run, puts the old target back (program_restore).  A running daemon
 * keeps its executable until it is stopped and started: service.c
 * plans that restart.  Convention: 0 / -1 with the reason in *why.
 */
#ifndef MAILPROV_PROGRAM_H
#define MAILPROV_PROGRAM_H

struct program_link {
	int	 managed;
	char	*path;		/* the link, root prefixed */
	char	*label;		/* the link as the admin names it */
	char	*old;		/* its target now; NULL when there is none */
	char	*want;		/* the target the desired state names */
	int	 changed;
	int	 replaced;	/* set by program_replace */
};

/*
 * program_plan - compare root/link with want (an absolute path inside
 * root).  Refused: want is not an executable regular file, or the link
 * path holds something other than a symbolic link.
 */
int	program_plan(const char *root, const char *link, const char *want,
	    struct program_link *l, char **why);
int	program_replace(struct program_link *l, char **why);
/* program_restore - the old target back (the link removed if none). */
int	program_restore(struct program_link *l, char **why);
void	program_free(struct program_link *l);

#endif
