/*
 * proc.c - fork + execve with pipes, a deadline and a clean environment.
 *
 * Contract: see proc.h.  The child gets its own process group so a
 * timeout can kill everything it started.  An exec failure is reported
 * through a close-on-exec pipe, so "not found" is an error of proc_run,
 * not an exit status to guess from.
 */
#include "proc.h"
#include "closefrom.h"

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
	sigset_t none;
	int e;

	setpgid(0, 0);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	/* The report pipe becomes 3 (close-on-exec), then 4 and up go. */
	if (report != 3 && (dup2(report, 3) < 0 ||
	    fcntl(3, F_SETFD, FD_CLOEXEC) < 0))
		_exit(127);
	report = 3;
	closefrom_all(4);
	/*
	 * What the caller catches (mailprovd's SIGTERM, SIGHUP, SIGINT) is
	 * the default again before anything is unblocked: a signal in the
	 * window before exec must not run the caller's handler here.
	 */
	(void)signal(SIGPIPE, SIG_DFL);
	(void)signal(SIGTERM, SIG_DFL);
	(void)signal(SIGHUP, SIG_DFL);
	(void)signal(SIGINT, SIG_DFL);
	(void)signal(SIGQUIT, SIG_DFL);
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

/* pipes - the four pipes between us and the child: [0] reads, [1] writes. */
struct pipes {
	int	in[2], out[2], err[2], report[2];
};

/* close_fd - close *fd if open and mark it closed. */
static void
close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

/* pipes_close - close every end still open. */
static void
pipes_close(struct pipes *p)
{
	int *ends[] = { p->in, p->out, p->err, p->report };
	size_t i;

	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		close_fd(&ends[i][0]);
		close_fd(&ends[i][1]);
	}
}

/* pipes_fail - close every pipe, keep errno; -1. */
static int
pipes_fail(struct pipes *p)
{
	int saved = errno;

	pipes_close(p);
	errno = saved;
	return -1;
}

/* reap - wait for pid, through signals; its wait status. */
static int
reap(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* kill_and_reap - end the child and all it started; its wait status. */
static int
kill_and_reap(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);	/* if it has not made its group yet */
	return reap(pid);
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

/*
 * spawn_child - start argv with its stdin, stdout and stderr on pipes.
 * 0 with *pid, leaving p with our ends (in[1], out[0], err[0]) open; -1
 * with errno (the exec's own on an exec failure) and every pipe closed.
 */
static int
spawn_child(char *const argv[], struct pipes *p, pid_t *pid)
{
	int e;
	ssize_t n;

	p->in[0] = p->in[1] = p->out[0] = p->out[1] = -1;
	p->err[0] = p->err[1] = p->report[0] = p->report[1] = -1;
	if (pipe(p->in) < 0 || pipe(p->out) < 0 || pipe(p->err) < 0 ||
	    pipe(p->report) < 0)
		return pipes_fail(p);
	fcntl(p->report[1], F_SETFD, FD_CLOEXEC);
	(void)fflush(NULL);	/* the child must not write our buffers again */
	if ((*pid = fork()) < 0)
		return pipes_fail(p);
	if (*pid == 0)
		child(argv, p->in[0], p->out[1], p->err[1], p->report[1]);
	close_fd(&p->in[0]), close_fd(&p->out[1]), close_fd(&p->err[1]);
	close_fd(&p->report[1]);
	/* Did exec work?  The report pipe closes on exec, or carries errno. */
	do
		n = read(p->report[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close_fd(&p->report[0]);
	if (n == (ssize_t)sizeof(e)) {
		pipes_close(p);
		(void)reap(*pid);
		errno = e;
		return -1;
	}
	return 0;
}

/* hang_up - close our end *fd and stop polling it. */
static void
hang_up(struct pollfd *pf, int *fd)
{
	close_fd(fd);
	pf->fd = -1;
}

/*
 * What goes to the child's stdin: steps in order, each sent once its
 * gate has appeared in the child's stdout (after the previous gate).
 */
struct feeder {
	const struct proc_step	*step;
	size_t			 n, k;	/* steps, the one being sent */
	size_t			 off;	/* bytes of step k already sent */
	size_t			 seen;	/* stdout before this is matched */
	int			 open;	/* step k's gate has been passed */
};

/*
 * gate - may step k be sent now (1; moves past its gate), not yet (0), or
 * never (-1: the child's output since the last gate is a refusal).
 */
static int
gate(struct feeder *f, const struct sbuf *out)
{
	const struct proc_step *s = &f->step[f->k];
	const char *at;

	if (f->open || s->after == NULL)
		return 1;
	if (out->s == NULL)
		return 0;
	if ((at = strstr(out->s + f->seen, s->after)) == NULL)
		return s->refused != NULL && s->refused(out->s + f->seen) ?
		    -1 : 0;
	f->seen = (size_t)(at - out->s) + strlen(s->after);
	f->open = 1;
	return 1;
}

/* feed - write what the child's stdin takes; close it when done or broken. */
static void
feed(struct pollfd *pf, int *fd, struct feeder *f)
{
	const struct proc_step *s = &f->step[f->k];
	ssize_t n = s->len > f->off ? write(*fd, s->send + f->off,
	    s->len - f->off) : 0;

	if (n > 0)
		f->off += (size_t)n;
	if (f->off == s->len)
		f->k++, f->off = 0, f->open = 0;
	if ((n < 0 && errno != EAGAIN && errno != EINTR) || f->k == f->n)
		hang_up(pf, fd);
}

/* exited - has the child ended?  Then *status is its wait status. */
static int
exited(pid_t pid, int *status)
{
	pid_t w = waitpid(pid, status, WNOHANG);

	if (w < 0 && errno == ECHILD) {
		*status = 255 << 8;	/* lost: SIGCHLD ignored */
		return 1;
	}
	return w == pid;
}

/*
 * watch - wait on the child's pipes until it is time to look at the
 * child again, left ms at most: every 100 ms while it may write, every
 * 2 ms while its input is still being fed.  Once it has closed its
 * output and has all its input it is ending, its exit mostly a few
 * microseconds away, and poll counts whole milliseconds: a sleep of
 * 50 us, then twice as long each time, 2 ms at most (*nap_us).  -1:
 * the pipes cannot be polled.
 */
static int
watch(struct pollfd pf[3], int may_feed, long left, long *nap_us)
{
	struct timespec ts;
	long tick = pf[0].fd >= 0 || pf[1].fd >= 0 ? 100 : 2;

	pf[0].events = pf[1].events = POLLIN;
	/* A step waiting for its gate does not poll for writing. */
	pf[2].events = may_feed ? POLLOUT : 0;
	pf[0].revents = pf[1].revents = pf[2].revents = 0;
	if (tick == 2 && pf[2].fd < 0) {
		pf[0].revents = pf[1].revents = pf[2].revents = 0;
		if (*nap_us > left * 1000)
			*nap_us = left * 1000;
		ts.tv_sec = 0;
		ts.tv_nsec = *nap_us * 1000;
		(void)nanosleep(&ts, NULL);
		*nap_us = *nap_us >= 1000 ? 2000 : *nap_us * 2;
		return 0;
	}
	if (poll(pf, 3, (int)(left > tick ? tick : left)) < 0 && errno != EINTR)
		return -1;
	return 0;
}

/*
 * pump - feed input to the child and collect its output into r until it
 * ends, or kill it at the deadline (r->timed_out).  Closes what it is
 * done with in p; returns the child's wait status.
 */
static int
pump(pid_t pid, struct pipes *p, struct feeder *fd_in, int timeout_ms,
    struct proc_result *r)
{
	int *own[3] = { &p->out[0], &p->err[0], &p->in[1] };
	struct sbuf *to[2] = { &r->out, &r->err };
	struct pollfd pf[3];
	size_t i;
	long deadline, left, nap_us = 50;
	int status = 0, g;

	for (i = 0; i < 3; i++) {
		pf[i].fd = *own[i];
		fcntl(pf[i].fd, F_SETFL, O_NONBLOCK);
	}
	if (fd_in->n == 0 || (fd_in->n == 1 && fd_in->step[0].len == 0))
		hang_up(&pf[2], own[2]);
	deadline = proc_mono_ms() + timeout_ms;
	/* The deadline is the child's: pipes a grandchild keeps open do not
	 * count. */
	for (;;) {
		if (exited(pid, &status)) {
			/* Take what is already written, then stop listening. */
			for (i = 0; i < 2; i++)
				while (pf[i].fd >= 0 &&
				    drain(pf[i].fd, to[i]) == 1)
					;
			return status;
		}
		left = deadline - proc_mono_ms();
		g = pf[2].fd >= 0 ? gate(fd_in, &r->out) : 0;
		/* It refused, or its output closed before a gate: a gate can
		 * never open, end its input. */
		if (pf[2].fd >= 0 && (g < 0 || (g == 0 && pf[0].fd < 0))) {
			hang_up(&pf[2], own[2]);
			g = 0;
		}
		if (left <= 0 || watch(pf, g > 0, left, &nap_us) < 0) {
			/* Over its time, or it cannot be watched: end it. */
			r->timed_out = 1;
			return kill_and_reap(pid);
		}
		if (pf[2].fd >= 0 && (pf[2].revents & (POLLOUT | POLLERR |
		    POLLHUP)))
			feed(&pf[2], own[2], fd_in);
		for (i = 0; i < 2; i++)
			if (pf[i].fd >= 0 && (pf[i].revents & (POLLIN |
			    POLLHUP | POLLERR)) && drain(pf[i].fd, to[i]) == 0)
				hang_up(&pf[i], own[i]);
	}
}

int
proc_run(char *const argv[], const char *input, size_t inlen, int timeout_ms,
    struct proc_result *r)
{
	struct proc_step all;

	all.after = NULL;
	all.send = input;
	all.len = inlen;
	all.refused = NULL;
	return proc_converse(argv, &all, 1, timeout_ms, r);
}

int
proc_converse(char *const argv[], const struct proc_step *steps, size_t n,
    int timeout_ms, struct proc_result *r)
{
	struct feeder f;
	struct pipes p;
	pid_t pid;
	int status;

	memset(r, 0, sizeof(*r));
	r->limit_ms = timeout_ms;
	sbuf_add(&r->out, "", 0);
	sbuf_add(&r->err, "", 0);
	if (spawn_child(argv, &p, &pid) < 0) {
		int saved = errno;

		proc_result_free(r);	/* nothing for the caller to free */
		errno = saved;
		return -1;
	}
	memset(&f, 0, sizeof(f));
	f.step = steps;
	f.n = n;
	status = pump(pid, &p, &f, timeout_ms, r);
	pipes_close(&p);
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
