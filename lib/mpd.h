/*
 * mpd.h - mailprovd, the SRC subsystem: its loop and its state.
 *
 * mpd_main() runs in the foreground until SRC (or SIGTERM) stops it:
 * it reconciles at start, every `interval` seconds to repair drift (when
 * a stat shows a change, or full_interval has passed), at once on
 * REFRESH (SRC request, or SIGHUP when not under SRC), when a
 * desired-state file is dropped into the incoming directory, and when a
 * file the last run managed or the desired state is changed by anyone
 * else.  Between runs it sleeps in poll() on the SRC socket, a self-pipe
 * for signals and the watcher of the incoming directory and those
 * files.  Every run writes status.json and syslog lines; the long status
 * (lssrc -ls mailprovd) shows the same facts.
 */
#ifndef MAILPROV_MPD_H
#define MAILPROV_MPD_H

struct mpd_opts {
	const char	*conf;		/* -c */
	int		 conf_given;	/* -c was given: it must exist */
	const char	*root;		/* --root, "" for none */
	const char	*backend;	/* --src-backend, NULL: the config's */
	int		 debug;		/* -d: log to stderr too */
	const char	*fetch_helper;	/* mailprov-fetch */
};

/* mpd_main - the daemon; returns the process exit code. */
int	mpd_main(const struct mpd_opts *o);

#endif
