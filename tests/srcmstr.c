/*
 * srcmstr.c - plays srcmstr for the shell tests of a sockets subsystem.
 *
 *   tests/srcmstr PROGRAM [ARGS...]
 *
 * Binds an AF_UNIX datagram socket in a fresh directory under /tmp,
 * starts PROGRAM with it as descriptor 0 (stdout and stderr inherited),
 * then reads commands from its own standard input, one per line:
 *
 *   status [MAX]   long status (parm2 = MAX bytes per reply packet,
 *                  default SRCPKTMAX): each line, then "END"
 *   refresh        REFRESH
 *   stop | stopf   STOP NORMAL | STOP FORCED
 *   trace on|off   TRACE with parm2 TRACEON | TRACEOFF
 *   start          START
 *   bogus          action 99
 *   wait           wait for PROGRAM to end: "exit N" or "signal N"
 *   kill SIG       send SIG (a number or a name: TERM, HUP, ...)
 *   sleep MS       pause
 *
 * Every request goes out from an unbound socket and names in its header
 * a second socket of ours as the return address, so a subsystem that
 * answered the datagram's sender instead would be caught.  Each reply
 * packet prints "reply RC [message]" (svrreply.rtncode, rtnmsg), until
 * one is marked END; a status line is "name text [status word]", the name
 * and text joined by one space when both are present.  Nothing within
 * 10 s prints "timeout"; "wait" waits 10 s as well.  At the end of input
 * PROGRAM is stopped (SIGTERM, SIGKILL 2 s later) if still running; after
 * 60 s in all (SRCMSTR_SAFETY=SECONDS in the environment for longer),
 * everything is killed and srcmstr exits 3.  The packets
 * are the lib/compat/spc.h layout, built here: this is the srcmstr side.
 */
#include "compat/spc.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REPLY_MS	10000
#define SAFETY_S	60

/* Global for the SIGALRM handler only. */
static volatile pid_t child = -1;
static char dir[] = "/tmp/srcmstr.XXXXXX";
static char sub_path[64], rep_path[64];

static int sendfd = -1, repfd = -1;
static struct sockaddr_un sub_addr, rep_addr;
static char objname[30];

/* cleanup_paths - remove the sockets and directory (signal-safe). */
static void
cleanup_paths(void)
{
	if (sub_path[0] != '\0')
		unlink(sub_path);
	if (rep_path[0] != '\0')
		unlink(rep_path);
	rmdir(dir);
}

/* on_alarm - SIGNAL CONTEXT: the safety timeout; kill, clean, exit. */
static void
on_alarm(int sig)
{
	static const char msg[] = "srcmstr: safety timeout, killing all\n";
	ssize_t w;

	(void)sig;
	w = write(2, msg, sizeof(msg) - 1);
	(void)w;
	if (child > 0)
		kill(child, SIGKILL);
	cleanup_paths();
	_exit(3);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* bind_at - a datagram socket bound to path. */
static int
bind_at(const char *path, struct sockaddr_un *a)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)a, sizeof(*a)) < 0) {
		perror(path);
		exit(1);
	}
	return fd;
}

static void
spawn(char **argv)
{
	int subfd = bind_at(sub_path, &sub_addr);
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		if (dup2(subfd, 0) < 0)
			_exit(127);
		if (subfd != 0)
			close(subfd);
		close(repfd);
		close(sendfd);
		execvp(argv[0], argv);
		fprintf(stderr, "srcmstr: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	child = pid;
	close(subfd);
}

/* drain - drop replies that came too late for an earlier request. */
static void
drain(void)
{
	char buf[SRCPKTMAX + 1];

	while (recv(repfd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
}

static int
send_req(short action, short parm1, short parm2)
{
	struct srcreq r;

	drain();
	memset(&r, 0, sizeof(r));
	r.srchdr.retaddr = rep_addr;
	r.srchdr.cont = NEWREQUEST;
	r.subreq.object = SUBSYSTEM;
	r.subreq.action = action;
	r.subreq.parm1 = parm1;
	r.subreq.parm2 = parm2;
	memcpy(r.subreq.objname, objname, sizeof(r.subreq.objname));
	if (sendto(sendfd, &r, sizeof(r), 0, (struct sockaddr *)&sub_addr,
	    sizeof(sub_addr)) < 0) {
		printf("send failed: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* recv_reply - one packet within deadline into buf; its length or -1. */
static ssize_t
recv_reply(char *buf, size_t size, long deadline)
{
	struct pollfd p;
	long left;
	ssize_t n;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return -1;
		p.fd = repfd;
		p.events = POLLIN;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		memset(buf, 0, size);
		n = recv(repfd, buf, size, MSG_DONTWAIT);
		if (n >= 0)
			return n;
	}
}

static short
get_short(const char *p)
{
	short v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static const char *
status_word(short st)
{
	static const char *const w[] = { "", "active", "inoperative",
	    "stopping", "suspended", "warning", "starting", "opened",
	    "closed", "opening", "closing", "inoperative", "obsolete",
	    "nostatus", "test stopping", "test active" };
	static char num[16];

	if (st >= 0 && (size_t)st < sizeof(w) / sizeof(w[0]))
		return w[st];
	snprintf(num, sizeof(num), "status%d", st);
	return num;
}

/* print_rep - "reply RC [msg]" for an svrreply packet. */
static void
print_rep(const char *buf, ssize_t n)
{
	struct srcrep r;

	memset(&r, 0, sizeof(r));
	memcpy(&r, buf, (size_t)n < sizeof(r) ? (size_t)n : sizeof(r));
	r.svrreply.rtnmsg[sizeof(r.svrreply.rtnmsg) - 1] = '\0';
	if (r.svrreply.rtnmsg[0] != '\0')
		printf("reply %d %s\n", r.svrreply.rtncode, r.svrreply.rtnmsg);
	else
		printf("reply %d\n", r.svrreply.rtncode);
}

static void
print_statcodes(const char *buf, ssize_t n)
{
	size_t off = offsetof(struct statrep, statcode), i, cnt;
	struct statcode sc;
	const char *w;

	if ((size_t)n < off || ((size_t)n - off) % sizeof(sc) != 0) {
		printf("bad status packet (%zd bytes)\n", n);
		return;
	}
	cnt = ((size_t)n - off) / sizeof(sc);
	for (i = 0; i < cnt; i++) {
		memcpy(&sc, buf + off + i * sizeof(sc), sizeof(sc));
		sc.objname[sizeof(sc.objname) - 1] = '\0';
		sc.objtext[sizeof(sc.objtext) - 1] = '\0';
		w = status_word(sc.status);
		printf("%s%s%s%s%s\n", sc.objname,
		    sc.objname[0] != '\0' && sc.objtext[0] != '\0' ? " " : "",
		    sc.objtext, w[0] != '\0' ? " " : "", w);
	}
}

/*
 * replies - print every packet of one reply until END.  A packet whose
 * first field is negative is an error reply, whatever was asked.
 */
static void
replies(int status)
{
	char buf[SRCPKTMAX + 1];
	long deadline = now_ms() + REPLY_MS;
	size_t hdr = sizeof(struct srchdr);
	ssize_t n;
	short cont;

	for (;;) {
		n = recv_reply(buf, sizeof(buf), deadline);
		if (n < 0) {
			printf("timeout\n");
			return;
		}
		if (n == (ssize_t)sizeof(short)) {
			printf("reply %d\n", get_short(buf));
			break;
		}
		if ((size_t)n < hdr || n > SRCPKTMAX) {
			printf("bad reply (%zd bytes)\n", n);
			break;
		}
		cont = get_short(buf + offsetof(struct srchdr, cont));
		if (!status || ((size_t)n >= hdr + sizeof(short) &&
		    get_short(buf + hdr) < 0))
			print_rep(buf, n);
		else
			print_statcodes(buf, n);
		if (cont == END)
			break;
		deadline = now_ms() + REPLY_MS;
	}
	if (status)
		printf("END\n");
}

static void
request(short action, short parm1, short parm2, int status)
{
	if (send_req(action, parm1, parm2) == 0)
		replies(status);
}

static void
do_wait(void)
{
	long deadline = now_ms() + REPLY_MS;
	pid_t r;
	int st;

	if (child <= 0) {
		printf("no child\n");
		return;
	}
	for (;;) {
		r = waitpid(child, &st, WNOHANG);
		if (r == child)
			break;
		if (r < 0 && errno != EINTR) {
			printf("wait failed: %s\n", strerror(errno));
			return;
		}
		if (now_ms() >= deadline) {
			printf("timeout\n");
			return;
		}
		sleep_ms(10);
	}
	child = -1;
	if (WIFEXITED(st))
		printf("exit %d\n", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("signal %d\n", WTERMSIG(st));
	else
		printf("status 0x%x\n", (unsigned)st);
}

static int
signal_number(const char *s)
{
	static const struct { const char *name; int sig; } t[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
		{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
		{ "TERM", SIGTERM }, { "ALRM", SIGALRM }, { "CONT", SIGCONT },
		{ "STOP", SIGSTOP },
	};
	char *end;
	long v;
	size_t i;

	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].name) == 0)
			return t[i].sig;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v <= 0 || v > 64)
		return -1;
	return (int)v;
}

/* finish - stop the child if still running; clean up. */
static void
finish(void)
{
	long deadline;
	int st;

	if (child > 0) {
		kill(child, SIGTERM);
		deadline = now_ms() + 2000;
		while (waitpid(child, &st, WNOHANG) == 0) {
			if (now_ms() >= deadline) {
				kill(child, SIGKILL);
				waitpid(child, &st, 0);
				break;
			}
			sleep_ms(10);
		}
		child = -1;
	}
	cleanup_paths();
}

/* command - run one input line; unknown ones are reported on stderr. */
static void
command(char *line)
{
	char *cmd, *arg, *end;
	long v;
	int sig;

	cmd = strtok(line, " \t\r\n");
	if (cmd == NULL || cmd[0] == '#')
		return;
	arg = strtok(NULL, " \t\r\n");
	if (strcmp(cmd, "status") == 0) {
		v = arg != NULL ? strtol(arg, &end, 10) : SRCPKTMAX;
		request(STATUS, LONGSTAT, (short)v, 1);
	} else if (strcmp(cmd, "refresh") == 0)
		request(REFRESH, 0, 0, 0);
	else if (strcmp(cmd, "stop") == 0)
		request(STOP, NORMAL, 0, 0);
	else if (strcmp(cmd, "stopf") == 0)
		request(STOP, FORCED, 0, 0);
	else if (strcmp(cmd, "start") == 0)
		request(START, 0, 0, 0);
	else if (strcmp(cmd, "bogus") == 0)
		request(99, 0, 0, 0);
	else if (strcmp(cmd, "trace") == 0 && arg != NULL &&
	    (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0))
		request(TRACE, 0, strcmp(arg, "on") == 0 ? TRACEON : TRACEOFF,
		    0);
	else if (strcmp(cmd, "wait") == 0)
		do_wait();
	else if (strcmp(cmd, "kill") == 0 && arg != NULL &&
	    (sig = signal_number(arg)) > 0) {
		if (child <= 0 || kill(child, sig) < 0)
			fprintf(stderr, "srcmstr: kill %s: no child\n", arg);
	} else if (strcmp(cmd, "sleep") == 0 && arg != NULL &&
	    (v = strtol(arg, &end, 10)) >= 0 && *end == '\0')
		sleep_ms(v);
	else
		fprintf(stderr, "srcmstr: bad command '%s%s%s'\n", cmd,
		    arg != NULL ? " " : "", arg != NULL ? arg : "");
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	char line[512];
	const char *base;
	int safety;

	if (argc < 2) {
		fprintf(stderr, "usage: srcmstr PROGRAM [ARGS...]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(sub_path, sizeof(sub_path), "%s/sub", dir);
	snprintf(rep_path, sizeof(rep_path), "%s/reply", dir);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	safety = getenv("SRCMSTR_SAFETY") ? atoi(getenv("SRCMSTR_SAFETY")) : 0;
	alarm(safety > 0 ? (unsigned)safety : SAFETY_S);
	base = strrchr(argv[1], '/');
	base = base != NULL ? base + 1 : argv[1];
	snprintf(objname, sizeof(objname), "%s", base);
	repfd = bind_at(rep_path, &rep_addr);
	sendfd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sendfd < 0) {
		perror("socket");
		cleanup_paths();
		return 1;
	}
	spawn(argv + 1);
	while (fgets(line, sizeof(line), stdin) != NULL)
		command(line);
	finish();
	return 0;
}
