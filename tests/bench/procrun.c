/*
 * procrun.c - what one proc_run of /bin/true costs mailprov itself: the
 * mean wall time of N proc_run calls against N bare fork/execve/waitpid
 * of the same program, under whatever open-file limit the caller set
 * (tests/bench/proc.sh runs it under ulimit -n 65536).  Reports;
 * asserts nothing.
 */
#include "proc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	static char prog[] = "/bin/true";
	char *av[] = { prog, NULL }, *env[] = { NULL };
	int i, n = argc > 1 ? atoi(argv[1]) : 200;
	struct proc_result r;
	struct rlimit rl;
	double t0, bare, mp;
	pid_t pid;

	(void)signal(SIGPIPE, SIG_IGN);
	getrlimit(RLIMIT_NOFILE, &rl);
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		if ((pid = fork()) == 0) {
			execve(av[0], av, env);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
	bare = (now_ms() - t0) / n;
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		if (proc_run(av, NULL, 0, 10000, &r) < 0 || r.status != 0)
			return 1;
		proc_result_free(&r);
	}
	mp = (now_ms() - t0) / n;
	printf("| proc_run of /bin/true, ulimit -n %ld | %.3f | %.3f | %.3f |\n",
	    (long)rl.rlim_cur, mp, bare, mp - bare);
	return 0;
}
