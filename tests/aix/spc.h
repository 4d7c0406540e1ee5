/*
 * spc.h - declarations only: the part of AIX's <spc.h> that mailprov's
 * srcsub (lib/srcsub.c, lib/srcsub_aixcheck.c) uses, for `make
 * aix-check` (-D_AIX -fsyntax-only on a system without AIX headers).
 *
 * Written from IBM's pages for srcrrqs and srcsrpy ("#include <spc.h>",
 * libsrc.a) and the structures and values listed in
 * shared/reference/aix-src-sendmail-nim.md 1.5.  On AIX the system's
 * sockaddr_un is larger than Linux's; only names and types matter here.
 * Nothing is defined that srcsub does not use: a new use must be added
 * here on purpose, checked against IBM's documentation.
 */
#ifndef MAILPROV_TESTS_AIX_SPC_H
#define MAILPROV_TESTS_AIX_SPC_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#define SRCPKTMAX	8192
#define SUBSYSTEM	17

#define START		0
#define STOP		1
#define STATUS		2
#define TRACE		4
#define REFRESH		5

#define NORMAL		0
#define FORCED		1
#define CANCEL		2
#define SHORTSTAT	0
#define LONGSTAT	1
#define TRACEOFF	0
#define TRACEON		1

#define END		0
#define CONTINUED	1
#define STATCONTINUED	2

#define SRC_OK		0
#define SRC_SUBMSG	(-1)
#define SRC_REPLYSZ	(-9011)
#define SRC_SUBICMD	(-9087)

struct srchdr {
	struct sockaddr_un retaddr;
	char	pad[4];
	short	dversion;
	short	cont;
};

struct subreq {
	short	object;
	short	action;
	short	parm1;
	short	parm2;
	char	objname[30];
};

/* As compiled without SRCBYQUEUE: no leading mtype. */
struct srcreq {
	struct srchdr srchdr;
	struct subreq subreq;
};

struct svrreply {
	short	rtncode;
	short	objtype;
	char	objtext[65];
	char	objname[30];
	char	rtnmsg[256];
};

struct srcrep {
	struct srchdr	srchdr;
	struct svrreply	svrreply;
};

struct statcode {
	short	objtype;
	short	status;
	char	objtext[65];
	char	objname[30];
};

struct statrep {
	struct srchdr	srchdr;
	struct statcode	statcode[1];
};

/* IBM: struct srchdr *srcrrqs(char *Packet); */
struct srchdr *srcrrqs(char *pkt);
/* IBM: int srcsrpy(struct srchdr *, char *, int, ushort); */
int srcsrpy(struct srchdr *hdr, char *pkt, int size, unsigned short continued);

#endif
