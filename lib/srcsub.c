/*
 * srcsub.c - the subsystem side of SRC, written against <spc.h>.
 *
 * Contract: see srcsub.h.  This file is the whole of srcsub's logic on
 * every platform; only the header and the library behind it change, and
 * the Makefile chooses them: on AIX the system's <spc.h> and libsrc
 * (srcsub_aixcheck.c adds compile-time checks of that header), elsewhere
 * lib/compat/spc.h and lib/compat/srcapi.c.
 *
 * Receiving: one recv() into a buffer one byte larger than SRCPKTMAX, so
 * an oversized datagram is seen rather than silently cut.  A packet is
 * used only if it holds at least a header and a whole request (a socket
 * packet has no message-queue mtype); srcrrqs() gives the header, and its
 * return address is the only place a reply goes: the datagram's source
 * address is never asked for.  Both are copied at once, since srcrrqs()
 * keeps its result in a static buffer.
 *
 * Replying: START/STOP/REFRESH/TRACE answers are one whole struct srcrep
 * (rtnmsg NUL-padded, not trimmed), objtype and objname echoing the
 * request.  The long status is a run of packets of statcode entries, as
 * many per packet as fit in SRCPKTMAX or in the size the requester gave
 * in parm2, each marked STATCONTINUED, then a packet holding only the
 * header, marked END: a requester that does not read entries from the
 * END packet loses nothing, one that does finds none.
 *
 * Ownership: the srcsub owns the socket from srcsub_open() on.  Errors
 * are kept as text in the srcsub (srcsub_error()); nothing is logged here.
 */
#include "srcsub.h"
#include "util.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <spc.h>	/* AIX: the system's; elsewhere lib/compat/spc.h */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A request is a header then a subreq; nothing shorter is used. */
#define REQ_MIN		(sizeof(struct srchdr) + sizeof(struct subreq))
/* Where the statcode array starts in a status packet. */
#define STAT_OFF	offsetof(struct statrep, statcode)

/* Compile-time check (C99 has no static_assert): both replies fit. */
extern const char srcsub_layout_ok[
    (sizeof(struct srcrep) <= SRCPKTMAX &&
     STAT_OFF + sizeof(struct statcode) <= SRCPKTMAX) ? 1 : -1];

struct srcsub {
	int		fd;
	struct sockaddr_un self;	/* our own address: never reply to it */
	int		have_req;	/* hdr and req hold a valid request */
	struct srchdr	hdr;		/* its return address, from srcrrqs */
	struct subreq	req;		/* objname NUL-terminated */
	char		err[256];
	union {
		/* cppcheck-suppress unusedStructMember ; it aligns raw */
		struct srchdr	align;
		char		raw[SRCPKTMAX + 1];
	} in;
	union {
		struct srcrep	rep;
		/* cppcheck-suppress unusedStructMember ; it aligns raw */
		struct statrep	stat;
		char		raw[SRCPKTMAX];
	} out;
};

/* fail - keep a reason for srcsub_error(); returns -1. */
static int fail(struct srcsub *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
fail(struct srcsub *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return -1;
}

struct srcsub *
srcsub_open(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss), tlen;
	struct srcsub *s;
	int type;

	memset(&ss, 0, sizeof(ss));
	tlen = sizeof(type);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
	    ss.ss_family != AF_UNIX ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0 ||
	    type != SOCK_DGRAM) {
		errno = ENOTSOCK;
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->fd = fd;
	memcpy(&s->self, &ss, len < sizeof(s->self) ? len : sizeof(s->self));
	return s;
}

int
srcsub_fd(const struct srcsub *s)
{
	return s->fd;
}

const char *
srcsub_error(const struct srcsub *s)
{
	return s->err;
}

/* classify - what a well-formed request asks for. */
static enum srcsub_req
classify(const struct subreq *r)
{
	if (r->object != SUBSYSTEM)
		return SRCSUB_OTHER;	/* no subservers */
	switch (r->action) {
	case START:
		return SRCSUB_START;
	case REFRESH:
		return SRCSUB_REFRESH;
	case STOP:
		if (r->parm1 == NORMAL)
			return SRCSUB_STOP_NORMAL;
		if (r->parm1 == FORCED)
			return SRCSUB_STOP_FORCED;
		if (r->parm1 == CANCEL)
			return SRCSUB_STOP_CANCEL;
		break;
	case STATUS:
		if (r->parm1 == SHORTSTAT)
			return SRCSUB_STATUS_SHORT;
		if (r->parm1 == LONGSTAT)
			return SRCSUB_STATUS_LONG;
		break;
	case TRACE:
		if (r->parm2 == TRACEON)
			return SRCSUB_TRACE_ON;
		if (r->parm2 == TRACEOFF)
			return SRCSUB_TRACE_OFF;
		break;
	default:
		break;
	}
	return SRCSUB_OTHER;
}

int
srcsub_recv(struct srcsub *s, enum srcsub_req *req)
{
	struct srchdr *h;
	ssize_t n;

	s->err[0] = '\0';
	n = recv(s->fd, s->in.raw, sizeof(s->in.raw), 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		return fail(s, "SRC socket: %s", strerror(errno));
	}
	/* A packet was read: whatever came before can no longer be answered. */
	s->have_req = 0;
	if ((size_t)n < REQ_MIN) {
		fail(s, "ignored a short SRC packet: %zd bytes, a request "
		    "needs %zu", n, REQ_MIN);
		return 0;
	}
	if ((size_t)n > SRCPKTMAX) {
		fail(s, "ignored an SRC packet longer than %d bytes",
		    SRCPKTMAX);
		return 0;
	}
	h = srcrrqs(s->in.raw);
	if (h == NULL) {
		fail(s, "ignored an SRC packet: srcrrqs refused it");
		return 0;
	}
	/* A request that asks for the reply to come back to us would make
	 * us answer ourselves for ever. */
	if (s->self.sun_path[0] != '\0' && strncmp(h->retaddr.sun_path,
	    s->self.sun_path, sizeof(s->self.sun_path)) == 0) {
		fail(s, "ignored an SRC packet whose reply address is this "
		    "subsystem's own socket");
		return 0;
	}
	s->hdr = *h;
	memcpy(&s->req, s->in.raw + sizeof(struct srchdr), sizeof(s->req));
	s->req.objname[sizeof(s->req.objname) - 1] = '\0';
	s->have_req = 1;
	*req = classify(&s->req);
	return 1;
}

/* is_ctl - a byte that must not reach a terminal through lssrc. */
static int
is_ctl(char c)
{
	unsigned char u = (unsigned char)c;

	return u < 0x20 || u == 0x7f;
}

/* put_text - copy up to size-1 bytes of p[0..len), cut on a UTF-8 boundary. */
static void
put_text(char *dst, size_t size, const char *p, size_t len)
{
	size_t i;

	if (len > size - 1) {
		len = size - 1;
		/* p[len] is the first byte left out: not inside a character. */
		while (len > 0 && ((unsigned char)p[len] & 0xc0) == 0x80)
			len--;
	}
	for (i = 0; i < len; i++)
		dst[i] = (char)(is_ctl(p[i]) ? ' ' : p[i]);
	dst[len] = '\0';
}

/* start_packet - a zeroed reply whose header is the request's. */
static void
start_packet(struct srcsub *s)
{
	memset(&s->out, 0, sizeof(s->out));
	memcpy(s->out.raw, &s->hdr, sizeof(s->hdr));
}

/* send_packet - hand the first size bytes of s->out to srcsrpy(). */
static int
send_packet(struct srcsub *s, size_t size, int cont)
{
	int rc;

	errno = 0;
	rc = srcsrpy(&s->hdr, s->out.raw, (int)size, (unsigned short)cont);
	if (rc != SRC_OK)
		return fail(s, "SRC reply not sent: srcsrpy returned %d%s%s",
		    rc, errno != 0 ? ": " : "",
		    errno != 0 ? strerror(errno) : "");
	return 0;
}

int
srcsub_reply_ok(struct srcsub *s)
{
	return srcsub_reply_code(s, SRC_OK, NULL);
}

int
srcsub_reply_text(struct srcsub *s, const char *msg)
{
	return srcsub_reply_code(s, SRC_SUBMSG, msg);
}

int
srcsub_reply_badcmd(struct srcsub *s)
{
	return srcsub_reply_code(s, SRC_SUBICMD, NULL);
}

int
srcsub_reply_code(struct srcsub *s, int code, const char *msg)
{
	struct svrreply *r = &s->out.rep.svrreply;

	s->err[0] = '\0';
	if (!s->have_req)
		return fail(s, "no SRC request to reply to");
	if (code < SHRT_MIN || code > SHRT_MAX)
		return fail(s, "SRC return code %d out of range", code);
	start_packet(s);
	r->rtncode = (short)code;
	r->objtype = s->req.object;
	put_text(r->objname, sizeof(r->objname), s->req.objname,
	    strlen(s->req.objname));
	if (msg != NULL)
		put_text(r->rtnmsg, sizeof(r->rtnmsg), msg, strlen(msg));
	return send_packet(s, sizeof(struct srcrep), END);
}

/* fill_statcode - one status line as lssrc -l shows it: name, text. */
static void
fill_statcode(struct statcode *sc, short objtype, const char *line)
{
	size_t len = strlen(line), sp;

	memset(sc, 0, sizeof(*sc));
	sc->objtype = objtype;
	sc->status = 0;		/* no status word after the text */
	while (len > 0 && (line[len - 1] == ' ' || is_ctl(line[len - 1])))
		len--;
	for (sp = 0; sp < len && line[sp] != ' ' && !is_ctl(line[sp]); sp++)
		;
	if (sp == 0 || sp >= sizeof(sc->objname)) {
		/* Leading blank, or a first word too long for the name. */
		put_text(sc->objtext, sizeof(sc->objtext), line, len);
	} else if (sp == len) {
		put_text(sc->objname, sizeof(sc->objname), line, len);
	} else {
		put_text(sc->objname, sizeof(sc->objname), line, sp);
		put_text(sc->objtext, sizeof(sc->objtext), line + sp + 1,
		    len - sp - 1);
	}
}

int
srcsub_reply_status(struct srcsub *s, const char *const *lines, size_t n)
{
	struct statcode sc;
	size_t limit, per, i, j, k;

	s->err[0] = '\0';
	if (!s->have_req)
		return fail(s, "no SRC request to reply to");
	if (n > 0 && lines == NULL)
		return fail(s, "no status lines given");
	/* A status requester says in parm2 how much it can take at once. */
	limit = SRCPKTMAX;
	if (s->req.action == STATUS && s->req.parm2 > 0 &&
	    (size_t)s->req.parm2 < limit)
		limit = (size_t)s->req.parm2;
	per = limit > STAT_OFF ? (limit - STAT_OFF) / sizeof(sc) : 0;
	if (per == 0)
		per = 1;
	for (i = 0; i < n; i += k) {
		k = n - i < per ? n - i : per;
		start_packet(s);
		for (j = 0; j < k; j++) {
			fill_statcode(&sc, SUBSYSTEM,
			    lines[i + j] != NULL ? lines[i + j] : "");
			memcpy(s->out.raw + STAT_OFF + j * sizeof(sc), &sc,
			    sizeof(sc));
		}
		if (send_packet(s, STAT_OFF + k * sizeof(sc),
		    STATCONTINUED) < 0)
			return -1;
	}
	start_packet(s);
	return send_packet(s, sizeof(struct srchdr), END);
}

void
srcsub_close(struct srcsub *s)
{
	if (s == NULL)
		return;
	close(s->fd);
	free(s);
}
