/*
 * incoming.h - desired-state files dropped into the incoming directory.
 *
 * A file is taken when it is complete (it has rested `settle` seconds
 * since its last change; a file renamed in after being written elsewhere
 * rests as long as any other), when it passes the trust checks (regular
 * file, not a symbolic link, owned by root, not group- or world-writable,
 * in a directory likewise), and when it validates.  A good file becomes
 * the current desired state atomically, the previous one kept in the
 * history directory (newest `keep`); a bad one goes to rejected/ with a
 * NAME.err file holding its "path:line:col: message" lines.  Names
 * starting with '.' are in-progress temporaries and are left alone.
 * Files are taken oldest first, so of a burst the newest good one wins.
 * A good file that cannot be installed now (no room to keep the previous
 * state in the history, or to write the new one) is not rejected: it and
 * every newer file stay for a scan INCOMING_RETRY seconds later.
 */
#ifndef MAILPROV_INCOMING_H
#define MAILPROV_INCOMING_H

#include <stdio.h>

#include "util.h"

#define INCOMING_RETRY	10	/* seconds */

struct incoming_cfg {
	const char	*dir;		/* the incoming directory */
	const char	*desired;	/* the current desired-state file */
	const char	*history;	/* where previous ones go */
	int		 keep;		/* how many previous ones */
	int		 settle;	/* seconds */
};

struct incoming_result {
	int		 accepted;	/* good files installed */
	int		 rejected;	/* bad files set aside */
	int		 deferred;	/* good ones left for the next scan */
	int		 wait;		/* seconds until a resting file is due
					   or a deferred one is tried again,
					   0 none */
	struct strlist	 messages;	/* one line per file, for the log */
};

/*
 * incoming_install - make buf the current desired state (c->desired, 0600
 * root, atomically), the previous one kept in c->history (newest
 * c->keep).  -1 with errno and *what (the step that failed).  Also for
 * a restore that reinstates a desired state.
 */
int	incoming_install(const struct incoming_cfg *c, const char *buf,
	    size_t len, const char **what);
/* incoming_take - process the directory once.  -1 if it cannot be read. */
int	incoming_take(const struct incoming_cfg *c, struct incoming_result *r);
void	incoming_result_free(struct incoming_result *r);

#endif
