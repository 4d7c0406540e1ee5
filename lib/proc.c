/*
 * proc.c - fork + execve with pipes, a deadline and a clean environment.
 *
 * Contract: see proc.h.  The child gets its own process group so a
 * timeout can kill everything it started.  An exec failure is reported
 * through a close-on-exec pipe, so "not found" is an error of proc_run,
 * not an exit status to guess from.
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char env_path[] = "PATH=/usr/bin:/bin:/usr/sbin:/sbin";
static char env_lc[] = "LC_ALL=C";
static char *const clean_env[] = { env_path, env_lc, NULL };

/* child - set up descriptors and exec; never returns. */
static void
child(char *const argv[], int in, int out, int err, int report)
{
	long fd, max = sysconf(_SC_OPEN_MAX);
	sigset_t none;
	int e;

	setpgid(0, 0);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		if (fd != report)
			close((int)fd);
	(void)signal(SIGPIPE, SIG_DFL);
	/* The caller may block signals around a critical step; we do not. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(argv[0], argv, clean_env);
	e = errno;
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* drain - read what fd has into b (to the cap): 1 data, 0 EOF, -1 none yet. */
static int
drain(int fd, struct sbuf *b)
{
	char buf[8192];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? -1 : 0;
	if (n > 0 && b->len < PROC_OUTPUT_MAX)
		sbuf_add(b, buf, (size_t)n < PROC_OUTPUT_MAX - b->len ?
		    (size_t)n : PROC_OUTPUT_MAX - b->len);
	return n > 0;
}

static void
close_all(int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/* set_result - exit code, or 128 + the signal that ended the child. */
static void
set_result(struct proc_result *r, int status)
{
	if (WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r->status = 128 + WTERMSIG(status);
}

int
proc_run(char *const argv[], const char *input, size_t inlen, int timeout_ms,
    struct proc_result *r)
{
	int fds[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };
	int *pin = fds, *pout = fds + 2, *perr = fds + 4, *prep = fds + 6;
	int status = 0, e, saved, reaped = 0;
	struct pollfd pf[3];
	size_t off = 0, i;
	long deadline, left, tick;
	pid_t pid, w;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	r->limit_ms = timeout_ms;
	sbuf_add(&r->out, "", 0);
	sbuf_add(&r->err, "", 0);
	if (pipe(pin) < 0 || pipe(pout) < 0 || pipe(perr) < 0 ||
	    pipe(prep) < 0) {
		saved = errno;
		close_all(fds, 8);
		errno = saved;
		return -1;
	}
	fcntl(prep[1], F_SETFD, FD_CLOEXEC);
	if ((pid = fork()) < 0) {
		saved = errno;
		close_all(fds, 8);
		errno = saved;
		return -1;
	}
	if (pid == 0)
		child(argv, pin[0], pout[1], perr[1], prep[1]);
	close(pin[0]), close(pout[1]), close(perr[1]), close(prep[1]);
	/* Did exec work?  The report pipe closes on exec, or carries errno. */
	do
		n = read(prep[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(prep[0]);
	if (n == (ssize_t)sizeof(e)) {
		close(pin[1]), close(pout[0]), close(perr[0]);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		errno = e;
		return -1;
	}
	pf[0].fd = pout[0], pf[1].fd = perr[0], pf[2].fd = pin[1];
	for (i = 0; i < 3; i++)
		fcntl(pf[i].fd, F_SETFL, O_NONBLOCK);
	if (inlen == 0) {
		close(pf[2].fd);
		pf[2].fd = -1;
	}
	deadline = proc_mono_ms() + timeout_ms;
	/* The deadline is the child's: pipes a grandchild keeps open do not count. */
	for (;;) {
		if (!reaped) {
			w = waitpid(pid, &status, WNOHANG);
			if (w == pid || (w < 0 && errno == ECHILD)) {
				reaped = 1;
				if (w < 0)
					status = 255 << 8;	/* lost: SIGCHLD ignored */
			}
		}
		if (reaped) {
			/* Take what is already written, then stop listening. */
			while (pf[0].fd >= 0 && drain(pf[0].fd, &r->out) == 1)
				;
			while (pf[1].fd >= 0 && drain(pf[1].fd, &r->err) == 1)
				;
			break;
		}
		left = deadline - proc_mono_ms();
		if (left <= 0) {
			r->timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		pf[0].events = pf[1].events = POLLIN;
		pf[2].events = POLLOUT;
		/* Look at the child every 100 ms, every 2 ms once it closed
		 * its output. */
		tick = pf[0].fd >= 0 || pf[1].fd >= 0 ? 100 : 2;
		if (poll(pf, 3, (int)(left > tick ? tick : left)) < 0 &&
		    errno != EINTR) {
			r->timed_out = 1;	/* cannot watch it: end it */
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		if (pf[2].fd >= 0 && (pf[2].revents & (POLLOUT | POLLERR |
		    POLLHUP))) {
			n = write(pf[2].fd, input + off, inlen - off);
			if (n > 0)
				off += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
			    off == inlen) {
				close(pf[2].fd);
				pf[2].fd = -1;
			}
		}
		for (i = 0; i < 2; i++)
			if (pf[i].fd >= 0 && (pf[i].revents & (POLLIN |
			    POLLHUP | POLLERR)) && drain(pf[i].fd,
			    i == 0 ? &r->out : &r->err) == 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
			}
	}
	for (i = 0; i < 3; i++)
		if (pf[i].fd >= 0)
			close(pf[i].fd);
	set_result(r, status);
	return 0;
}

void
proc_result_free(struct proc_result *r)
{
	sbuf_free(&r->out);
	sbuf_free(&r->err);
}

const char *
proc_describe(const struct proc_result *r, char *buf, size_t n)
{
	if (r->timed_out)
		snprintf(buf, n, "did not finish within %d s; it was killed",
		    r->limit_ms / 1000);
	else if (r->status > 128)
		snprintf(buf, n, "killed by signal %d", r->status - 128);
	else
		snprintf(buf, n, "exit %d", r->status);
	return buf;
}

long
proc_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
