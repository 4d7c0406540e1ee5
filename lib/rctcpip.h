/*
 * rctcpip.h - the boot start line of a subsystem in /etc/rc.tcpip.
 *
 * AIX starts TCP/IP daemons at boot from /etc/rc.tcpip with lines such as
 *     start /usr/lib/sendmail "$src_running" "-bd -q${qpi}"
 * and disables one by commenting its line out (what chrctcp -d does).
 * These functions find that line for a subsystem (the first word
 * "start", the program's base name equal to the subsystem name) and
 * comment or uncomment it, leaving every other byte as it was.
 */
#ifndef MAILPROV_RCTCPIP_H
#define MAILPROV_RCTCPIP_H

#include <stddef.h>

#include "util.h"

/* rctcpip_state - 1 enabled, 0 commented out, -1 no start line at all. */
int	rctcpip_state(const char *buf, size_t len, const char *sub);

/*
 * rctcpip_set - out = buf with the line enabled (on) or commented out.
 * Returns 1 if that changed the file, 0 if it already said so, -1 when
 * there is no start line for sub (nothing is invented).
 */
int	rctcpip_set(const char *buf, size_t len, const char *sub, int on,
	    struct sbuf *out);

#endif
