/*
 * proc.h - run a command: fixed argv, never a shell, clean environment,
 * a time limit, output captured.
 *
 * Convention: 0 when the command ran (its exit status is in the result,
 * whatever it is; free it with proc_result_free), -1 with errno when it
 * could not be started (then the result holds nothing to free).  The
 * caller must ignore SIGPIPE (a child that stops reading its input must
 * not kill us).
 */
#ifndef MAILPROV_PROC_H
#define MAILPROV_PROC_H

#include <stddef.h>

#include "util.h"

#define PROC_OUTPUT_MAX	(4 * 1024 * 1024)	/* per stream; rest dropped */

struct proc_result {
	int		status;		/* exit code; 128 + signal if killed */
	int		timed_out;	/* killed at the deadline */
	int		limit_ms;	/* the time limit it was given */
	struct sbuf	out;		/* stdout (NUL-terminated, may be empty) */
	struct sbuf	err;		/* stderr */
};

/*
 * proc_run - run argv[0] (an absolute path) with argv, feeding input to
 * its stdin, for at most timeout_ms.  The environment holds only PATH and
 * LC_ALL=C.  On timeout the whole process group is killed.
 */
int	proc_run(char *const argv[], const char *input, size_t inlen,
	    int timeout_ms, struct proc_result *r);
/*
 * proc_converse - proc_run for a dialogue: each step's bytes go to the
 * child's stdin only once its after text has appeared on the child's
 * stdout (past the previous step's; after NULL: at once).  stdin closes
 * after the last step, and at once when the step's refused (if any)
 * says yes to the output that came while it waited: a child that will
 * never say the after text then ends at its input's end, not at the
 * timeout.  For `sendmail -bs', which refuses a client that speaks
 * before its greeting, and may greet with 421 or 554.
 */
struct proc_step {
	const char	*after;
	const char	*send;
	size_t		 len;
	int		(*refused)(const char *out);
};
int	proc_converse(char *const argv[], const struct proc_step *steps,
	    size_t n, int timeout_ms, struct proc_result *r);
void	proc_result_free(struct proc_result *r);

/*
 * proc_describe - "exit 3", "killed by signal 9", or "did not finish
 * within N s; it was killed".
 */
const char *proc_describe(const struct proc_result *r, char *buf, size_t n);

/*
 * proc_mono_ms - milliseconds on the monotonic clock, for deadlines (the
 * origin is arbitrary: only differences mean anything).
 */
long	proc_mono_ms(void);

#endif
