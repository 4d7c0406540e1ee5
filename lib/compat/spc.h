/*
 * spc.h - a stand-in for AIX's <spc.h> on systems without SRC (compat).
 *
 * Only what the subsystem side of a sockets (-K) subsystem needs: the
 * request and reply packets, their constants, and srcrrqs()/srcsrpy()
 * (lib/compat/srcapi.c).  Written from the layout documented in
 * shared/reference/aix-src-sendmail-nim.md section 1.5 and IBM's
 * srcrrqs/srcsrpy pages; names and values follow AIX so that the same
 * srcsub code compiles against this file and the real one.  The return
 * address is an AF_UNIX path here (AIX's sockaddr_un is larger, so the
 * packets are not byte-compatible across systems: they never need to be).
 *
 * Built only where AIX's header is missing; the Makefile puts lib/compat
 * on the include path for the files that say <spc.h>.
 */
#ifndef MAILPROV_COMPAT_SPC_H
#define MAILPROV_COMPAT_SPC_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

/* Largest packet either side sends or accepts. */
#define SRCPKTMAX	8192

/* subreq.object: the subsystem itself (other values name subservers). */
#define SUBSYSTEM	17

/* subreq.action (0-255 belong to SRC). */
#define START		0
#define STOP		1
#define STATUS		2
#define TRACE		4
#define REFRESH		5

/* STOP: parm1 */
#define NORMAL		0
#define FORCED		1
#define CANCEL		2
/* STATUS: parm1; parm2 carries the requester's largest reply */
#define SHORTSTAT	0
#define LONGSTAT	1
/* TRACE: parm2 */
#define TRACEOFF	0
#define TRACEON		1

/* statcode.status */
#define SRCACT		1	/* active */
#define SRCINAC		2	/* inactive */
#define SRCSTPG		3	/* stopping */
#define SRCSUSP		4
#define SRCWARN		5
#define SRCSTAR		6	/* starting */
#define SRCOPND		7
#define SRCLOSD		8
#define SRCOPPN		9
#define SRCLSPN		10
#define SRCINOP		11	/* inoperative */
#define SRCOBIN		12
#define SRCNOSTAT	13
#define SRCTSTPN	14
#define SRCTST		15

/* How a subsystem is contacted (the ODM contact field). */
#define SRCIPC		1
#define SRCSIGNAL	2
#define SRCSOCKET	3

/* srchdr.cont: is more of this reply coming? */
#define END		0
#define CONTINUED	1	/* more svrreply packets */
#define STATCONTINUED	2	/* more status packets */
#define NEWREQUEST	3

/* Return codes (svrreply.rtncode, srcsrpy()). */
#define SRC_OK		0
#define SRC_SUBMSG	(-1)	/* rtnmsg holds the subsystem's own text */
#define SRC_CONT	(-9005)	/* signals subsystem: request refused */
#define SRC_STPG	(-9006)	/* subsystem is stopping */
#define SRC_REPLYSZ	(-9011)	/* reply size out of range */
#define SRC_STPOK	(-9044)
#define SRC_TRACONOK	(-9091)
#define SRC_SUBICMD	(-9087)	/* subsystem got a command it does not know */
#define SRC_REFOK	(-9095)
/*
 * Compat only, not an AIX value: srcsrpy() could not deliver (bad return
 * address, no receiver, or it did not drain within SRCCOMPAT_SEND_MS).
 */
#define SRC_COMPAT_SEND	(-9990)
#define SRCCOMPAT_SEND_MS 10000

/* Every packet starts with where the reply goes. */
struct srchdr {
	struct sockaddr_un retaddr;
	char	pad[4];
	short	dversion;
	short	cont;		/* END, CONTINUED, STATCONTINUED, ... */
};

/* The request proper, after the header. */
struct subreq {
	short	object;		/* SUBSYSTEM or a subserver code */
	short	action;		/* START, STOP, ... */
	short	parm1;
	short	parm2;
	char	objname[30];
};

/* A request as it arrives on the socket (no message-queue mtype). */
struct srcreq {
	struct srchdr srchdr;
	struct subreq subreq;
};

/* Answer to START, STOP, REFRESH, TRACE (and errors). */
struct svrreply {
	short	rtncode;	/* SRC_OK, SRC_SUBMSG or an error < 0 */
	short	objtype;
	char	objtext[65];
	char	objname[30];
	char	rtnmsg[256];
};

struct srcrep {
	struct srchdr	srchdr;
	struct svrreply	svrreply;
};

/* One line of a long status: "objname objtext <text of status>". */
struct statcode {
	short	objtype;
	short	status;		/* SRCACT ...; 0 prints no status word */
	char	objtext[65];
	char	objname[30];
};

/* Answer to STATUS: the header, then as many statcode as fit. */
struct statrep {
	struct srchdr	srchdr;
	struct statcode	statcode[1];
};

/*
 * srcrrqs - copy the header of a received packet to a static buffer and
 * return it; the next call overwrites it.
 */
struct srchdr *srcrrqs(char *pkt);
/*
 * srcsrpy - send one reply packet to hdr->retaddr from a socket of its
 * own.  size is sizeof(short) (a bare return code) or from
 * sizeof(struct srchdr) to SRCPKTMAX; continued is stored in the packet's
 * srchdr.cont unless the reply is a bare code.  SRC_OK, SRC_REPLYSZ, or
 * SRC_COMPAT_SEND (errno set).
 */
int srcsrpy(struct srchdr *hdr, char *pkt, int size, unsigned short continued);

#endif
