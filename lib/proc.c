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

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* child - set up descriptors and exec; never returns. */
static void
child(char *const argv[], int in, int out, int err, int report)
{
	int e;

	setpgid(0, 0);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	for (e = 3; e < 256; e++)
		if (e != report)
			close(e);
	signal(SIGPIPE, SIG_DFL);
	execve(argv[0], argv, clean_env);
	e = errno;
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* drain - read what fd has into b (up to the cap); 0 at EOF. */
static int
drain(int fd, struct sbuf *b)
{
	char buf[8192];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (n > 0 && b->len < PROC_OUTPUT_MAX)
		sbuf_add(b, buf, (size_t)n < PROC_OUTPUT_MAX - b->len ?
		    (size_t)n : PROC_OUTPUT_MAX - b->len);
	return n > 0;
}

int
proc_run(char *const argv[], const char *input, size_t inlen, int timeout_ms,
    struct proc_result *r)
{
	int pin[2], pout[2], perr[2], prep[2], status, e, saved;
	struct pollfd pf[3];
	size_t off = 0;
	long deadline;
	pid_t pid;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	sbuf_add(&r->out, "", 0);
	sbuf_add(&r->err, "", 0);
	if (pipe(pin) < 0)
		return -1;
	if (pipe(pout) < 0 || pipe(perr) < 0 || pipe(prep) < 0)
		return -1;	/* descriptors leak only when the table is full */
	fcntl(prep[1], F_SETFD, FD_CLOEXEC);
	if ((pid = fork()) < 0) {
		saved = errno;
		close(pin[0]), close(pin[1]), close(pout[0]), close(pout[1]);
		close(perr[0]), close(perr[1]), close(prep[0]), close(prep[1]);
		errno = saved;
		return -1;
	}
	if (pid == 0) {
		close(pin[1]), close(pout[0]), close(perr[0]), close(prep[0]);
		child(argv, pin[0], pout[1], perr[1], prep[1]);
	}
	close(pin[0]), close(pout[1]), close(perr[1]), close(prep[1]);
	/* Did exec work?  The report pipe closes on exec, or carries errno. */
	n = read(prep[0], &e, sizeof(e));
	close(prep[0]);
	if (n == (ssize_t)sizeof(e)) {
		close(pin[1]), close(pout[0]), close(perr[0]);
		waitpid(pid, &status, 0);
		errno = e;
		return -1;
	}
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	if (inlen == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	deadline = now_ms() + timeout_ms;
	pf[0].fd = pout[0], pf[1].fd = perr[0], pf[2].fd = pin[1];
	while (pf[0].fd >= 0 || pf[1].fd >= 0) {
		long left = deadline - now_ms();

		if (left <= 0) {
			r->timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		pf[0].events = pf[1].events = POLLIN;
		pf[2].events = POLLOUT;
		if (poll(pf, 3, (int)(left > 1000 ? 1000 : left)) < 0) {
			if (errno == EINTR)
				continue;
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
		if (pf[0].fd >= 0 && (pf[0].revents & (POLLIN | POLLHUP |
		    POLLERR)) && !drain(pf[0].fd, &r->out)) {
			close(pf[0].fd);
			pf[0].fd = -1;
		}
		if (pf[1].fd >= 0 && (pf[1].revents & (POLLIN | POLLHUP |
		    POLLERR)) && !drain(pf[1].fd, &r->err)) {
			close(pf[1].fd);
			pf[1].fd = -1;
		}
	}
	for (e = 0; e < 3; e++)
		if (pf[e].fd >= 0)
			close(pf[e].fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r->status = 128 + WTERMSIG(status);
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
		snprintf(buf, n, "timed out");
	else if (r->status > 128)
		snprintf(buf, n, "killed by signal %d", r->status - 128);
	else
		snprintf(buf, n, "exit %d", r->status);
	return buf;
}
