/*
 * watch.h - notice new files in the incoming directory, and changes to
 * the files mailprovd manages.
 *
 * Three implementations behind this interface, chosen by the Makefile:
 * watch_inotify.c (Linux), watch_ahafs.c (AIX: AHAFS modDir monitors
 * when /aha is mounted, else a timed scan) and watch_poll.c (elsewhere:
 * no descriptor, the daemon rescans every `poll` seconds).  The daemon
 * sleeps in poll() on watch_fds() when there are some, so an idle daemon
 * does not wake up for nothing.
 *
 * Managed files are watched through their directories, since editors
 * and mailprov itself replace a file by renaming a new one over it: an
 * event about one of the watched names there (written and closed,
 * renamed in or away, created, removed, its attributes changed) reports
 * WATCH_FILES.  That only says "look": the daemon compares what lstat
 * says with what it recorded (fstamp.h) before it runs, so its own
 * writes, and events the platform cannot filter by name, cost a few
 * stat calls and nothing more.
 */
#ifndef MAILPROV_WATCH_H
#define MAILPROV_WATCH_H

#include <poll.h>
#include <stddef.h>

#include "util.h"

#define WATCH_INCOMING	0x1	/* look in the incoming directory */
#define WATCH_FILES	0x2	/* a watched file may have changed */
#define WATCH_MAXFDS	32	/* descriptors watch_fds() may give */

struct watch;

/* watch_open - watch dir (which must exist); NULL with errno on failure. */
struct watch	*watch_open(const char *dir);
/*
 * watch_files - watch the files at paths (absolute) from now on, instead
 * of those given before, through their directories.  A directory that
 * cannot be watched (missing, say) is scanned instead: watch_scans()
 * says so.  Watching what is watched already costs nothing.
 */
void		 watch_files(struct watch *w, const struct strlist *paths);
/*
 * watch_fds - the descriptors to poll for POLLIN, into pf (at most max,
 * revents cleared); how many.
 */
size_t		 watch_fds(const struct watch *w, struct pollfd *pf,
		    size_t max);
/*
 * watch_scans - 1 when something is not covered by a descriptor: the
 * daemon must look every `poll` seconds (WATCH_INCOMING | WATCH_FILES).
 */
int		 watch_scans(const struct watch *w);
/*
 * watch_read - consume what the n descriptors of pf (as watch_fds gave
 * them, revents set by poll) have pending: WATCH_INCOMING and
 * WATCH_FILES bits, 0 nothing, -1 the incoming directory itself went
 * away (close and open again).
 */
int		 watch_read(struct watch *w, const struct pollfd *pf, size_t n);
void		 watch_close(struct watch *w);
/* watch_name - "inotify", "ahafs" or "poll", for the status. */
const char	*watch_name(void);

#endif
