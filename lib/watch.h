/*
 * watch.h - notice new files in the incoming directory.
 *
 * Three implementations behind this interface, chosen by the Makefile:
 * watch_inotify.c (Linux), watch_ahafs.c (AIX: an AHAFS modDir monitor
 * when /aha is mounted, else a timed scan) and watch_poll.c (elsewhere:
 * no descriptor, the daemon rescans every `poll` seconds).  The daemon
 * sleeps in poll() on watch_fd() when there is one, so an idle daemon
 * does not wake up for nothing.
 */
#ifndef MAILPROV_WATCH_H
#define MAILPROV_WATCH_H

struct watch;

/* watch_open - watch dir (which must exist); NULL with errno on failure. */
struct watch	*watch_open(const char *dir);
/* watch_fd - a descriptor to poll for POLLIN, or -1 (rescan on a timer). */
int		 watch_fd(const struct watch *w);
/*
 * watch_read - consume what is pending: 1 something changed in dir, 0
 * nothing, -1 the directory itself went away (close and open again).
 */
int		 watch_read(struct watch *w);
void		 watch_close(struct watch *w);
/* watch_name - "inotify", "ahafs" or "poll", for the status. */
const char	*watch_name(void);

#endif
