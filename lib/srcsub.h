/*
 * srcsub.h - the daemon's side of SRC: requests from srcmstr on a sockets
 * (-K) subsystem, and the replies to them.
 *
 * When srcmstr starts a sockets subsystem, descriptor 0 is an AF_UNIX
 * datagram socket.  Each request is one packet: a header holding the
 * address the reply must go to, then the request (object, action, two
 * parameters).  srcsub reads and checks one packet at a time, tells the
 * daemon what was asked, and sends the answer to the address written in
 * the packet (never to the sender's address).  On AIX the packets go
 * through libsrc (srcrrqs/srcsrpy); elsewhere lib/compat provides the
 * same calls, so the daemon and tests/srcmstr run the same code.
 *
 * Conventions: srcsub_open returns NULL on failure; srcsub_recv returns
 * 1/0/-1 as described below; the replies return 0, or -1 with a one-line
 * reason in srcsub_error().  Not thread-safe (srcrrqs is not).
 */
#ifndef MAILPROV_SRCSUB_H
#define MAILPROV_SRCSUB_H

#include <stddef.h>

enum srcsub_req {
	SRCSUB_STOP_NORMAL, SRCSUB_STOP_FORCED, SRCSUB_STOP_CANCEL,
	SRCSUB_REFRESH, SRCSUB_STATUS_SHORT, SRCSUB_STATUS_LONG,
	SRCSUB_TRACE_ON, SRCSUB_TRACE_OFF, SRCSUB_START, SRCSUB_OTHER
};

struct srcsub;

/*
 * srcsub_open - NULL (errno ENOTSOCK) unless fd is an AF_UNIX datagram
 * socket (started by SRC).  On success the srcsub owns fd and
 * srcsub_close() closes it.
 */
struct srcsub *srcsub_open(int fd);
/* srcsub_fd - the socket, for poll(). */
int  srcsub_fd(const struct srcsub *s);
/*
 * srcsub_recv - read one request (a non-blocking fd is fine): 1 got one
 * (*req set); 0 nothing read (srcsub_error() is "") or a packet ignored
 * because it was too short, too long or unusable (srcsub_error() says
 * why, for the caller to log); -1 error on the socket.  Actions, stop
 * kinds, status kinds and trace switches that srcsub does not know, and
 * requests for subservers, give SRCSUB_OTHER: answer SRC_SUBICMD.
 */
int  srcsub_recv(struct srcsub *s, enum srcsub_req *req);
/* srcsub_error - why the last call failed or ignored a packet; never NULL. */
const char *srcsub_error(const struct srcsub *s);

/*
 * Replies go to the return address of the last request srcsub_recv()
 * returned 1 for; -1 if there is none, or if a packet has been ignored
 * since.  A request may be answered more than once.
 */
/* srcsub_reply_ok - an svrreply with rtncode SRC_OK. */
int  srcsub_reply_ok(struct srcsub *s);
/*
 * srcsub_reply_code - an svrreply with rtncode code (e.g. SRC_SUBICMD
 * for an invalid command, SRC_SUBMSG with text); msg (NULL for none) is
 * cut to 255 bytes, on a UTF-8 character boundary.
 */
int  srcsub_reply_code(struct srcsub *s, int code, const char *msg);
/* srcsub_reply_text - a message for the admin (SRC_SUBMSG). */
int  srcsub_reply_text(struct srcsub *s, const char *msg);
/* srcsub_reply_badcmd - not a request this subsystem knows (SRC_SUBICMD). */
int  srcsub_reply_badcmd(struct srcsub *s);
/*
 * srcsub_reply_status - the long status: the first line is the header,
 * then one line each, sent the way lssrc -l prints them, in as many
 * packets as needed (STATCONTINUED), the last marked END.  A line becomes
 * one statcode: its first word (up to 29 bytes) the name, the rest after
 * one space the text (up to 64 bytes); a line whose first word is longer
 * is all text.  Trailing blanks are dropped, control characters become
 * spaces, and what does not fit is cut on a UTF-8 character boundary.
 */
int  srcsub_reply_status(struct srcsub *s, const char *const *lines,
	    size_t n);
/* srcsub_close - close the socket and free s; NULL is fine. */
void srcsub_close(struct srcsub *s);

#endif
