/*
 * srcapi.c - srcrrqs() and srcsrpy() for systems without AIX's libsrc.
 *
 * Contract: see spc.h in this directory.  The behaviour follows IBM's
 * description of the two calls: srcrrqs() keeps a copy of the packet's
 * header in one static buffer; srcsrpy() checks the size, writes the
 * continuation mark into the packet and sends it to the header's return
 * address from a socket it opens for the purpose.
 *
 * Local choices: the return address must be an AF_UNIX path (nothing else
 * is needed off AIX), and a receiver that does not drain its queue makes
 * srcsrpy() give up after SRCCOMPAT_SEND_MS instead of blocking the
 * daemon for ever.  Not thread-safe (nor is AIX's srcrrqs).
 */
#include "spc.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

static struct srchdr rrqs_hdr;

struct srchdr *
srcrrqs(char *pkt)
{
	if (pkt == NULL)
		return NULL;
	memcpy(&rrqs_hdr, pkt, sizeof(rrqs_hdr));
	return &rrqs_hdr;
}

/* addr_len - length of an AF_UNIX return address, or 0 if unusable. */
static socklen_t
addr_len(const struct sockaddr_un *a)
{
	const char *nul;

	if (a->sun_family != AF_UNIX || a->sun_path[0] == '\0')
		return 0;
	nul = memchr(a->sun_path, '\0', sizeof(a->sun_path));
	if (nul == NULL)
		return 0;
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    (size_t)(nul - a->sun_path) + 1);
}

/*
 * send_bounded - send one datagram on a connected non-blocking socket,
 * waiting while the receiver's queue is full, at most SRCCOMPAT_SEND_MS.
 */
static int
send_bounded(int fd, const char *pkt, size_t size)
{
	long deadline = proc_mono_ms() + SRCCOMPAT_SEND_MS, left;
	struct pollfd p;

	for (;;) {
		if (send(fd, pkt, size, 0) >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		left = deadline - proc_mono_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		p.fd = fd;
		p.events = POLLOUT;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return -1;
	}
}

int
srcsrpy(struct srchdr *hdr, char *pkt, int size, unsigned short continued)
{
	socklen_t alen;
	short cont;
	int fd, rc, saved;

	if (hdr == NULL || pkt == NULL)
		return SRC_REPLYSZ;
	if (size != (int)sizeof(short) &&
	    (size < (int)sizeof(struct srchdr) || size > SRCPKTMAX))
		return SRC_REPLYSZ;
	alen = addr_len(&hdr->retaddr);
	if (alen == 0) {
		errno = EDESTADDRREQ;
		return SRC_COMPAT_SEND;
	}
	if (size != (int)sizeof(short)) {
		/* The packet need not be aligned: store the mark bytewise. */
		cont = (short)continued;
		memcpy(pkt + offsetof(struct srchdr, cont), &cont,
		    sizeof(cont));
	}
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0)
		return SRC_COMPAT_SEND;
	/*
	 * Connected, so that poll() reports when the receiver has room
	 * (Linux blocks a sender to a full AF_UNIX datagram queue).
	 */
	rc = -1;
	if (connect(fd, (const struct sockaddr *)&hdr->retaddr, alen) == 0 &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0)
		rc = send_bounded(fd, pkt, (size_t)size);
	saved = errno;
	close(fd);
	errno = saved;
	return rc == 0 ? SRC_OK : SRC_COMPAT_SEND;
}
