/*
 * srcsub_test.c - the subsystem side of SRC (lib/srcsub.c) over the
 * compat srcrrqs/srcsrpy (lib/compat/srcapi.c): which sockets it accepts,
 * how requests map, that malformed packets are ignored with a reason, and
 * that replies reach the return address in the packet header, split into
 * packets the way SRC expects.
 *
 * Three AF_UNIX datagram sockets in a temporary directory: "d" is the
 * daemon's (handed to srcsub_open), "s" sends the requests, "r" is the
 * return address written in them.  "s" is bound too, so a reply sent to
 * the datagram's sender would arrive there and be caught.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include "srcsub.h"
#include "compat/spc.h"

#define STAT_OFF	offsetof(struct statrep, statcode)

struct fix {
	char		dir[32];
	struct sockaddr_un daddr, raddr, saddr;
	int		rfd, sfd;
	struct srcsub	*s;
};

static int
bound(struct sockaddr_un *a, const char *dir, const char *name)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, name);
	assert_int_equal(bind(fd, (struct sockaddr *)a, sizeof(*a)), 0);
	return fd;
}

static int
setup(void **state)
{
	struct fix *f = xcalloc(1, sizeof(*f));
	int dfd;

	snprintf(f->dir, sizeof(f->dir), "/tmp/srcsub-test.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	dfd = bound(&f->daddr, f->dir, "d");
	f->rfd = bound(&f->raddr, f->dir, "r");
	f->sfd = bound(&f->saddr, f->dir, "s");
	assert_int_equal(fcntl(dfd, F_SETFL, O_NONBLOCK), 0);
	f->s = srcsub_open(dfd);
	assert_non_null(f->s);
	assert_int_equal(srcsub_fd(f->s), dfd);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	srcsub_close(f->s);
	close(f->rfd);
	close(f->sfd);
	unlink(f->daddr.sun_path);
	unlink(f->raddr.sun_path);
	unlink(f->saddr.sun_path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* send_bytes - one datagram from "s" to the daemon. */
static void
send_bytes(struct fix *f, const void *p, size_t len)
{
	assert_int_equal(sendto(f->sfd, p, len, 0,
	    (struct sockaddr *)&f->daddr, sizeof(f->daddr)), (ssize_t)len);
}

/* send_req - a request whose return address is "r". */
static void
send_req(struct fix *f, short object, short action, short p1, short p2)
{
	struct srcreq r;

	memset(&r, 0, sizeof(r));
	r.srchdr.retaddr = f->raddr;
	r.srchdr.cont = NEWREQUEST;
	r.subreq.object = object;
	r.subreq.action = action;
	r.subreq.parm1 = p1;
	r.subreq.parm2 = p2;
	snprintf(r.subreq.objname, sizeof(r.subreq.objname), "mailprovd");
	send_bytes(f, &r, sizeof(r));
}

/* got_req - send a request and have srcsub take it; returns the kind. */
static enum srcsub_req
got_req(struct fix *f, short object, short action, short p1, short p2)
{
	enum srcsub_req k = SRCSUB_START;

	send_req(f, object, action, p1, p2);
	assert_int_equal(srcsub_recv(f->s, &k), 1);
	assert_string_equal(srcsub_error(f->s), "");
	return k;
}

/* recv_pkt - one packet on fd within 5 s; its length, -1 if none. */
static ssize_t
recv_pkt(int fd, char *buf, size_t size)
{
	struct pollfd p = { fd, POLLIN, 0 };

	if (poll(&p, 1, 5000) != 1)
		return -1;
	memset(buf, 0, size);
	return recv(fd, buf, size, MSG_DONTWAIT);
}

static short
cont_of(const char *pkt)
{
	short c;

	memcpy(&c, pkt + offsetof(struct srchdr, cont), sizeof(c));
	return c;
}

/* nothing_on - no packet waiting on fd. */
static void
nothing_on(int fd)
{
	char b[16];

	assert_int_equal(recv(fd, b, sizeof(b), MSG_DONTWAIT), -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
}

static void
test_open_refuses(void **state)
{
	int p[2], fd;
	struct srcsub *s;

	(void)state;
	assert_int_equal(pipe(p), 0);
	errno = 0;
	assert_null(srcsub_open(p[0]));
	assert_int_equal(errno, ENOTSOCK);
	close(p[0]);
	close(p[1]);
	errno = 0;
	assert_null(srcsub_open(-1));
	assert_int_equal(errno, ENOTSOCK);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	errno = 0;
	assert_null(srcsub_open(fd));
	assert_int_equal(errno, ENOTSOCK);
	close(fd);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd >= 0) {
		errno = 0;
		assert_null(srcsub_open(fd));
		assert_int_equal(errno, ENOTSOCK);
		close(fd);
	}
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	s = srcsub_open(fd);
	assert_non_null(s);
	srcsub_close(s);	/* closes fd */
	assert_int_equal(fcntl(fd, F_GETFD), -1);
}

static void
test_recv_map(void **state)
{
	static const struct {
		short object, action, p1, p2;
		enum srcsub_req want;
	} t[] = {
		{ SUBSYSTEM, STOP, NORMAL, 0, SRCSUB_STOP_NORMAL },
		{ SUBSYSTEM, STOP, FORCED, 0, SRCSUB_STOP_FORCED },
		{ SUBSYSTEM, STOP, CANCEL, 0, SRCSUB_STOP_CANCEL },
		{ SUBSYSTEM, STOP, 7, 0, SRCSUB_OTHER },
		{ SUBSYSTEM, REFRESH, 0, 0, SRCSUB_REFRESH },
		{ SUBSYSTEM, STATUS, LONGSTAT, SRCPKTMAX, SRCSUB_STATUS_LONG },
		{ SUBSYSTEM, STATUS, SHORTSTAT, 0, SRCSUB_STATUS_SHORT },
		{ SUBSYSTEM, STATUS, 5, 0, SRCSUB_OTHER },
		{ SUBSYSTEM, TRACE, 0, TRACEON, SRCSUB_TRACE_ON },
		{ SUBSYSTEM, TRACE, 1, TRACEOFF, SRCSUB_TRACE_OFF },
		{ SUBSYSTEM, TRACE, 0, 9, SRCSUB_OTHER },
		{ SUBSYSTEM, START, 0, 0, SRCSUB_START },
		{ SUBSYSTEM, 99, 0, 0, SRCSUB_OTHER },
		{ SUBSYSTEM, 3, 0, 0, SRCSUB_OTHER },
		{ SUBSYSTEM, -1, 0, 0, SRCSUB_OTHER },
		{ 4, REFRESH, 0, 0, SRCSUB_OTHER },	/* a subserver */
	};
	struct fix *f = *state;
	enum srcsub_req k;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		k = got_req(f, t[i].object, t[i].action, t[i].p1, t[i].p2);
		if (k != t[i].want)
			fail_msg("case %zu: got kind %d, want %d", i, (int)k,
			    (int)t[i].want);
	}
	/* Nothing waiting: 0 with no reason. */
	assert_int_equal(srcsub_recv(f->s, &k), 0);
	assert_string_equal(srcsub_error(f->s), "");
}

static void
test_recv_malformed(void **state)
{
	struct fix *f = *state;
	size_t sizes[] = { 0, 1, sizeof(struct srchdr),
	    sizeof(struct srchdr) + sizeof(struct subreq) - 1 };
	static char big[SRCPKTMAX + 64];
	struct srcreq r;
	enum srcsub_req k;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.srchdr.retaddr = f->raddr;
	r.subreq.object = SUBSYSTEM;
	r.subreq.action = REFRESH;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		send_bytes(f, &r, sizes[i]);
		assert_int_equal(srcsub_recv(f->s, &k), 0);
		if (strstr(srcsub_error(f->s), "short SRC packet") == NULL)
			fail_msg("%zu bytes: got error '%s', want a short "
			    "packet", sizes[i], srcsub_error(f->s));
	}
	memcpy(big, &r, sizeof(r));
	send_bytes(f, big, sizeof(big));
	assert_int_equal(srcsub_recv(f->s, &k), 0);
	assert_non_null(strstr(srcsub_error(f->s), "longer than 8192"));
	/* An ignored packet leaves nothing to answer... */
	assert_int_equal(srcsub_reply_ok(f->s), -1);
	assert_non_null(strstr(srcsub_error(f->s), "no SRC request"));
	nothing_on(f->rfd);
	/* ... and a good one after it still works. */
	assert_int_equal(got_req(f, SUBSYSTEM, REFRESH, 0, 0), SRCSUB_REFRESH);
	assert_int_equal(srcsub_reply_ok(f->s), 0);
}

static void
test_reply_ok_to_retaddr(void **state)
{
	struct fix *f = *state;
	char buf[SRCPKTMAX + 1];
	struct srcrep rep;
	ssize_t n;

	assert_int_equal(got_req(f, SUBSYSTEM, STOP, NORMAL, 0),
	    SRCSUB_STOP_NORMAL);
	assert_int_equal(srcsub_reply_ok(f->s), 0);
	n = recv_pkt(f->rfd, buf, sizeof(buf));
	assert_int_equal(n, sizeof(struct srcrep));
	memcpy(&rep, buf, sizeof(rep));
	assert_int_equal(rep.svrreply.rtncode, SRC_OK);
	assert_int_equal(rep.srchdr.cont, END);
	assert_int_equal(rep.svrreply.objtype, SUBSYSTEM);
	assert_string_equal(rep.svrreply.objname, "mailprovd");
	assert_string_equal(rep.svrreply.rtnmsg, "");
	/* Not to the sender, and only one packet. */
	nothing_on(f->sfd);
	nothing_on(f->rfd);
}

static void
test_reply_code(void **state)
{
	struct fix *f = *state;
	char buf[SRCPKTMAX + 1], msg[400], want[256];
	struct srcrep rep;
	size_t i;

	assert_int_equal(got_req(f, SUBSYSTEM, 99, 0, 0), SRCSUB_OTHER);
	assert_int_equal(srcsub_reply_code(f->s, SRC_SUBICMD,
	    "unknown request\n"), 0);
	assert_int_equal(recv_pkt(f->rfd, buf, sizeof(buf)),
	    sizeof(struct srcrep));
	memcpy(&rep, buf, sizeof(rep));
	assert_int_equal(rep.svrreply.rtncode, SRC_SUBICMD);
	assert_string_equal(rep.svrreply.rtnmsg, "unknown request ");
	/* Cut to 255 bytes, never inside a UTF-8 character. */
	memset(msg, 0, sizeof(msg));
	msg[0] = 'x';
	for (i = 1; i + 2 < sizeof(msg); i += 2)
		memcpy(msg + i, "\xc3\xa9", 2);
	assert_int_equal(srcsub_reply_code(f->s, SRC_SUBMSG, msg), 0);
	assert_int_equal(recv_pkt(f->rfd, buf, sizeof(buf)),
	    sizeof(struct srcrep));
	memcpy(&rep, buf, sizeof(rep));
	assert_int_equal(rep.svrreply.rtncode, SRC_SUBMSG);
	memcpy(want, msg, 255);
	want[255] = '\0';
	assert_string_equal(rep.svrreply.rtnmsg, want);
	/* A code that does not fit svrreply.rtncode is refused. */
	assert_int_equal(srcsub_reply_code(f->s, 70000, NULL), -1);
	assert_non_null(strstr(srcsub_error(f->s), "out of range"));
	nothing_on(f->rfd);
}

/*
 * collect - read one whole status reply: every packet but the last
 * STATCONTINUED and full of entries, the last END with none.  Lines are
 * joined the way tests/srcmstr prints them.  Returns the packet count.
 */
static size_t
collect(struct fix *f, struct strlist *out, size_t per)
{
	char buf[SRCPKTMAX + 1];
	struct statcode sc;
	struct sbuf line = { 0 };
	size_t npkt = 0, i, cnt;
	ssize_t n;

	for (;;) {
		n = recv_pkt(f->rfd, buf, sizeof(buf));
		assert_true(n >= (ssize_t)sizeof(struct srchdr));
		npkt++;
		if (cont_of(buf) == END) {
			assert_int_equal(n, sizeof(struct srchdr));
			break;
		}
		assert_int_equal(cont_of(buf), STATCONTINUED);
		assert_true((size_t)n > STAT_OFF);
		assert_int_equal(((size_t)n - STAT_OFF) % sizeof(sc), 0);
		cnt = ((size_t)n - STAT_OFF) / sizeof(sc);
		assert_true(cnt >= 1 && cnt <= per);
		for (i = 0; i < cnt; i++) {
			memcpy(&sc, buf + STAT_OFF + i * sizeof(sc), sizeof(sc));
			assert_int_equal(sc.status, 0);
			assert_int_equal(sc.objtype, SUBSYSTEM);
			line.len = 0;
			sbuf_adds(&line, sc.objname);
			if (sc.objname[0] != '\0' && sc.objtext[0] != '\0')
				sbuf_adds(&line, " ");
			sbuf_adds(&line, sc.objtext);
			strlist_push(out, line.s);
		}
	}
	sbuf_free(&line);
	nothing_on(f->rfd);
	return npkt;
}

static void
check_lines(const struct strlist *got, const char *const *want, size_t n)
{
	size_t i;

	assert_int_equal(got->n, n);
	for (i = 0; i < n; i++)
		if (strcmp(got->v[i], want[i]) != 0)
			fail_msg("line %zu: got '%s', want '%s'", i, got->v[i],
			    want[i]);
}

static void
test_status_many(void **state)
{
	struct fix *f = *state;
	struct strlist lines = { 0 }, got = { 0 };
	const char **v;
	size_t per = (SRCPKTMAX - STAT_OFF) / sizeof(struct statcode);
	size_t n = 2 * per + 7, i;

	strlist_push(&lines,
	    "Subsystem         Group            PID          Status");
	strlist_push(&lines, "mailprovd                          4242         active");
	strlist_push(&lines, "");
	strlist_push(&lines, "single");
	strlist_push(&lines, " indented line");
	strlist_push(&lines, "averyveryverylongfirstwordofthirty text");
	strlist_push(&lines, "Config:  /etc/mailprov/desired.yaml");
	for (i = lines.n; i < n; i++)
		strlist_take(&lines, xasprintf("Item%zu value %zu", i, i * 7));
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = lines.v[i];
	assert_int_equal(got_req(f, SUBSYSTEM, STATUS, LONGSTAT, SRCPKTMAX),
	    SRCSUB_STATUS_LONG);
	assert_int_equal(srcsub_reply_status(f->s, v, n), 0);
	/* Two full packets, one of 7, then END. */
	assert_int_equal(collect(f, &got, per), 4);
	check_lines(&got, v, n);
	nothing_on(f->sfd);
	free(v);
	strlist_clear(&lines);
	strlist_clear(&got);
}

static void
test_status_parm2_limit(void **state)
{
	static const char *const lines[] = { "Subsystem Group PID Status",
	    "a 1", "b 2", "c 3", "d 4", "e 5", "f 6", "g 7", "h 8", "i 9" };
	struct fix *f = *state;
	struct strlist got = { 0 };
	short max = (short)(STAT_OFF + 3 * sizeof(struct statcode) + 10);

	assert_int_equal(got_req(f, SUBSYSTEM, STATUS, LONGSTAT, max),
	    SRCSUB_STATUS_LONG);
	assert_int_equal(srcsub_reply_status(f->s, lines, 10), 0);
	assert_int_equal(collect(f, &got, 3), 5);	/* 3+3+3+1, END */
	check_lines(&got, lines, 10);
	strlist_clear(&got);
	/* No lines: END alone. */
	assert_int_equal(srcsub_reply_status(f->s, lines, 0), 0);
	assert_int_equal(collect(f, &got, 1), 1);
	assert_int_equal(got.n, 0);
}

static void
test_status_fitting(void **state)
{
	static const char *const in[] = {
		"trailing   ",
		"ctl\tchars\x01here",
		"name 0123456789012345678901234567890123456789012345678901234"
		    "567890123456789",
		"0123456789012345678901234567890123456789012345678901234567890"
		    "123456789",
	};
	static const char *const want[] = {
		"trailing",
		"ctl chars here",
		"name 0123456789012345678901234567890123456789012345678901234"
		    "567890123",
		"0123456789012345678901234567890123456789012345678901234567890"
		    "123",
	};
	struct fix *f = *state;
	struct strlist got = { 0 };

	assert_int_equal(got_req(f, SUBSYSTEM, STATUS, LONGSTAT, 0),
	    SRCSUB_STATUS_LONG);
	assert_int_equal(srcsub_reply_status(f->s, in, 4), 0);
	assert_int_equal(collect(f, &got, 80), 2);
	check_lines(&got, want, 4);
	strlist_clear(&got);
}

static void
test_compat_api(void **state)
{
	struct fix *f = *state;
	char pkt[SRCPKTMAX + 8], buf[SRCPKTMAX + 1];
	struct srchdr h, *a, *b;
	short code = SRC_SUBICMD, c;

	/* srcrrqs: a static copy of the header, overwritten each call. */
	memset(pkt, 0, sizeof(pkt));
	memset(&h, 0, sizeof(h));
	h.retaddr = f->raddr;
	h.dversion = 3;
	memcpy(pkt, &h, sizeof(h));
	a = srcrrqs(pkt);
	assert_non_null(a);
	assert_ptr_not_equal(a, (void *)pkt);
	assert_string_equal(a->retaddr.sun_path, f->raddr.sun_path);
	assert_int_equal(a->dversion, 3);
	h.dversion = 4;
	memcpy(pkt, &h, sizeof(h));
	b = srcrrqs(pkt);
	assert_ptr_equal(a, b);
	assert_int_equal(b->dversion, 4);
	/* A bare return code: two bytes, no header, no mark written. */
	memcpy(pkt, &code, sizeof(code));
	assert_int_equal(srcsrpy(&h, pkt, (int)sizeof(short), CONTINUED),
	    SRC_OK);
	assert_int_equal(recv_pkt(f->rfd, buf, sizeof(buf)), sizeof(short));
	memcpy(&c, buf, sizeof(c));
	assert_int_equal(c, SRC_SUBICMD);
	/* Sizes between a short and a header, or over SRCPKTMAX. */
	assert_int_equal(srcsrpy(&h, pkt, 3, END), SRC_REPLYSZ);
	assert_int_equal(srcsrpy(&h, pkt, (int)sizeof(struct srchdr) - 1,
	    END), SRC_REPLYSZ);
	assert_int_equal(srcsrpy(&h, pkt, SRCPKTMAX + 1, END), SRC_REPLYSZ);
	assert_int_equal(srcsrpy(&h, pkt, -2, END), SRC_REPLYSZ);
	nothing_on(f->rfd);
	/* The mark goes into the packet, which is sent as it then is. */
	memcpy(pkt, &h, sizeof(h));
	assert_int_equal(srcsrpy(&h, pkt, SRCPKTMAX, STATCONTINUED), SRC_OK);
	assert_int_equal(cont_of(pkt), STATCONTINUED);
	assert_int_equal(recv_pkt(f->rfd, buf, sizeof(buf)), SRCPKTMAX);
	assert_int_equal(cont_of(buf), STATCONTINUED);
	/* No usable return address. */
	h.retaddr.sun_path[0] = '\0';
	assert_int_equal(srcsrpy(&h, pkt, (int)sizeof(h), END),
	    SRC_COMPAT_SEND);
	h.retaddr = f->raddr;
	h.retaddr.sun_family = AF_INET;
	assert_int_equal(srcsrpy(&h, pkt, (int)sizeof(h), END),
	    SRC_COMPAT_SEND);
	h.retaddr.sun_family = AF_UNIX;
	snprintf(h.retaddr.sun_path, sizeof(h.retaddr.sun_path), "%s/none",
	    f->dir);
	assert_int_equal(srcsrpy(&h, pkt, (int)sizeof(h), END),
	    SRC_COMPAT_SEND);
	nothing_on(f->rfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_refuses),
		cmocka_unit_test_setup_teardown(test_recv_map, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_recv_malformed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reply_ok_to_retaddr,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_code, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_status_many, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_status_parm2_limit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_fitting, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_compat_api, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
