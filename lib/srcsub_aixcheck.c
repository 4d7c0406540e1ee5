/*
 * srcsub_aixcheck.c - what AIX adds to srcsub: a check of the system <spc.h>.
 *
 * On AIX the Makefile builds srcsub.c (all of srcsub's logic)
 * against the system's <spc.h> and links libsrc (-lsrc), which provides
 * srcrrqs() and srcsrpy(); lib/compat is not built.  The logic needs no
 * AIX-only code.  What it does need is that lib/compat/spc.h, which the
 * Linux tests and tests/srcmstr speak, tells the truth about the real
 * header: the values below were taken from IBM's documentation and the
 * reference notes.  If AIX disagrees, this file fails to compile (a
 * negative array size) instead of the tests passing on a protocol AIX
 * does not speak.  No #ifdef: the Makefile compiles this file on AIX only
 * (and `make aix-check` against tests/aix/spc.h).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <spc.h>

extern const char srcsub_aix_spc_agrees[
    (SRCPKTMAX == 8192 && SUBSYSTEM == 17 &&
     START == 0 && STOP == 1 && STATUS == 2 && TRACE == 4 && REFRESH == 5 &&
     NORMAL == 0 && FORCED == 1 && CANCEL == 2 &&
     SHORTSTAT == 0 && LONGSTAT == 1 && TRACEOFF == 0 && TRACEON == 1 &&
     END == 0 && CONTINUED == 1 && STATCONTINUED == 2 &&
     SRC_OK == 0 && SRC_SUBMSG == -1 && SRC_SUBICMD == -9087 &&
     SRC_REPLYSZ == -9011 &&
     /* A socket request is a header and a subreq, nothing before. */
     sizeof(struct srcreq) == sizeof(struct srchdr) + sizeof(struct subreq))
    ? 1 : -1];
