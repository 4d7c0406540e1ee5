/*
 * proc_test.c - lib/proc.c: proc_run's exit status, captured output,
 * input, clean environment and time limit, and proc_describe's wording.
 */
#include "testutil.h"

#include <errno.h>
#include <signal.h>
#include <time.h>

#include "proc.h"

#include <unistd.h>

/* -Wwrite-strings: argv wants char *, so the words live in arrays. */
static char sh[] = "/bin/sh", dash_c[] = "-c";

/* running - pid exists and is not a zombie waiting to be reaped. */
static int
running(long pid)
{
	char path[64], st[256], *p;
	FILE *f;
	size_t n;

	if (kill((pid_t)pid, 0) != 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	n = fread(st, 1, sizeof(st) - 1, f);
	fclose(f);
	st[n] = '\0';
	p = strrchr(st, ')');
	return !(p != NULL && p[1] == ' ' && p[2] == 'Z');
}

/*
 * The run table: a shell command (run as /bin/sh -c CMD), its input, the
 * time limit, and what proc_run must report.  max_ms bounds how long the
 * call may take (the killed cases must not wait for the command).
 */
static void
test_run(void **state)
{
	static const struct {
		const char *name, *cmd, *input;
		int limit_ms;
		int status, timed_out;
		const char *out, *err;
		long max_ms;
	} cases[] = {
		{ "exit 0", "exit 0", NULL, 5000, 0, 0, "", "", 4000 },
		{ "exit 3", "exit 3", NULL, 5000, 3, 0, "", "", 4000 },
		{ "exit 255", "exit 255", NULL, 5000, 255, 0, "", "", 4000 },
		{ "stdout and stderr apart", "echo out; echo err >&2; echo o2",
		    NULL, 5000, 0, 0, "out\no2\n", "err\n", 4000 },
		{ "no trailing newline", "printf abc", NULL, 5000, 0, 0, "abc",
		    "", 4000 },
		{ "input to stdin", "cat; exit 4", "line 1\nline 2\n", 5000, 4,
		    0, "line 1\nline 2\n", "", 4000 },
		{ "input not read", "exit 0", "ignored\n", 5000, 0, 0, "", "",
		    4000 },
		{ "killed by a signal", "echo before; kill -9 $$", NULL, 5000,
		    128 + 9, 0, "before\n", "", 4000 },
		{ "over its time limit", "echo started; exec sleep 30", NULL,
		    300, 128 + 9, 1, "started\n", "", 3000 },
		{ "over its time limit, a child too",
		    "sleep 30 & echo $! >&2; sleep 30", NULL, 300, 128 + 9, 1,
		    NULL, NULL, 3000 },
		{ "a child that keeps the pipes does not hold it up",
		    "sleep 5 & exit 6", NULL, 10000, 6, 0, "", "", 4000 },
		{ "output closed, then an exit", "echo last; exec >&- 2>&-; "
		    "sleep 0.2; exit 5", NULL, 5000, 5, 0, "last\n", "", 4000 },
		{ "output closed, then over its time limit", "exec >&- 2>&-; "
		    "exec sleep 30", NULL, 300, 128 + 9, 1, "", "", 3000 },
	};
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[256], *argv[] = { sh, dash_c, cmd, NULL };
		struct proc_result r;
		size_t inlen = cases[i].input ? strlen(cases[i].input) : 0;
		long t0, took;
		int rc;

		snprintf(cmd, sizeof(cmd), "%s", cases[i].cmd);
		t0 = proc_mono_ms();
		rc = proc_run(argv, cases[i].input, inlen, cases[i].limit_ms, &r);
		took = proc_mono_ms() - t0;
		if (rc != 0) {
			print_error("%s: proc_run failed: %s\n", cases[i].name,
			    strerror(errno));
			bad++;
			continue;
		}
		if (r.status != cases[i].status ||
		    r.timed_out != cases[i].timed_out ||
		    r.limit_ms != cases[i].limit_ms) {
			print_error("%s: status %d timed_out %d limit %d, want "
			    "%d %d %d\n", cases[i].name, r.status, r.timed_out,
			    r.limit_ms, cases[i].status, cases[i].timed_out,
			    cases[i].limit_ms);
			bad++;
		}
		if (cases[i].out != NULL && strcmp(r.out.s, cases[i].out) != 0) {
			print_error("%s: stdout '%s', want '%s'\n",
			    cases[i].name, r.out.s, cases[i].out);
			bad++;
		}
		if (cases[i].err != NULL && strcmp(r.err.s, cases[i].err) != 0) {
			print_error("%s: stderr '%s', want '%s'\n",
			    cases[i].name, r.err.s, cases[i].err);
			bad++;
		}
		if (took > cases[i].max_ms) {
			print_error("%s: took %ld ms, want at most %ld\n",
			    cases[i].name, took, cases[i].max_ms);
			bad++;
		}
		/* The whole process group is killed: the background child
		 * (its pid on stderr) is gone too. */
		if (cases[i].timed_out && cases[i].err == NULL) {
			long pid = strtol(r.err.s, NULL, 10);
			int k, alive = 1;

			for (k = 0; k < 50 && alive; k++) {
				alive = pid > 0 && running(pid);
				if (alive) {
					struct timespec nap = { 0, 20000000 };

					nanosleep(&nap, NULL);
				}
			}
			if (pid <= 0 || alive) {
				print_error("%s: background child '%s' %s\n",
				    cases[i].name, r.err.s, pid <= 0 ?
				    "not reported" : "still alive");
				bad++;
			}
		}
		proc_result_free(&r);
	}
	assert_int_equal(bad, 0);
}

/* The environment holds PATH and LC_ALL=C, nothing else (env run
 * directly: a shell would add PWD). */
static void
test_environment(void **state)
{
	static char env[] = "/usr/bin/env";
	char *argv[] = { env, NULL };
	struct proc_result r;

	(void)state;
	setenv("MAILPROV_TEST_LEAK", "1", 1);
	assert_int_equal(proc_run(argv, NULL, 0, 5000, &r), 0);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out.s,
	    "PATH=/usr/bin:/bin:/usr/sbin:/sbin\nLC_ALL=C\n");
	proc_result_free(&r);
}

static void
test_not_started(void **state)
{
	static char nosuch[] = "/nonexistent/command", passwd[] = "/etc/passwd";
	char *missing[] = { nosuch, NULL };
	char *notexec[] = { passwd, NULL };
	struct proc_result r;

	(void)state;
	/* On -1 nothing is left for the caller to free (proc.h). */
	errno = 0;
	assert_int_equal(proc_run(missing, NULL, 0, 1000, &r), -1);
	assert_int_equal(errno, ENOENT);
	assert_null(r.out.s);
	assert_null(r.err.s);
	errno = 0;
	assert_int_equal(proc_run(notexec, NULL, 0, 1000, &r), -1);
	assert_int_equal(errno, EACCES);
	assert_null(r.out.s);
	assert_null(r.err.s);
}

/* Each stream keeps PROC_OUTPUT_MAX bytes; the rest is dropped. */
static void
test_output_limit(void **state)
{
	static char cmd[] = "head -c 5000000 /dev/zero; echo done >&2";
	char *argv[] = { sh, dash_c, cmd, NULL };
	struct proc_result r;

	(void)state;
	assert_int_equal(proc_run(argv, NULL, 0, 20000, &r), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.out.len, PROC_OUTPUT_MAX);
	assert_string_equal(r.err.s, "done\n");
	proc_result_free(&r);
}

static void
test_describe(void **state)
{
	static const struct {
		int status, timed_out, limit_ms;
		const char *want;
	} cases[] = {
		{ 0, 0, 5000, "exit 0" },
		{ 3, 0, 5000, "exit 3" },
		{ 127, 0, 5000, "exit 127" },
		{ 128, 0, 5000, "exit 128" },
		{ 128 + 9, 0, 5000, "killed by signal 9" },
		{ 128 + 15, 0, 5000, "killed by signal 15" },
		{ 128 + 9, 1, 5000, "did not finish within 5 s; it was killed" },
		{ 128 + 9, 1, 120000,
		    "did not finish within 120 s; it was killed" },
		{ 0, 1, 1500, "did not finish within 1 s; it was killed" },
	};
	struct proc_result r;
	char buf[128];
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.status = cases[i].status;
		r.timed_out = cases[i].timed_out;
		r.limit_ms = cases[i].limit_ms;
		if (strcmp(proc_describe(&r, buf, sizeof(buf)),
		    cases[i].want) != 0) {
			print_error("case %zu: '%s', want '%s'\n", i, buf,
			    cases[i].want);
			bad++;
		}
	}
	/* A short buffer is cut, still NUL-terminated. */
	r.status = 3, r.timed_out = 0;
	assert_string_equal(proc_describe(&r, buf, 4), "exi");
	assert_int_equal(bad, 0);
}

static void
test_describe_a_real_timeout(void **state)
{
	static char cmd[] = "exec sleep 30";
	char *argv[] = { sh, dash_c, cmd, NULL };
	struct proc_result r;
	char buf[128];

	(void)state;
	assert_int_equal(proc_run(argv, NULL, 0, 1000, &r), 0);
	assert_int_equal(r.timed_out, 1);
	assert_string_equal(proc_describe(&r, buf, sizeof(buf)),
	    "did not finish within 1 s; it was killed");
	proc_result_free(&r);
}

/*
 * proc_converse: nothing reaches the child before its greeting (a child
 * that finds input waiting says "early"), each step after its gate, and
 * a child whose output closed before a gate is not fed forever.
 */
static char python[] = "/usr/bin/python3", quiet_cmd[] =
    "exec >&-; sleep 0.2", refuse_cmd[] =
    "printf '554 5.0.0 go away\\r\\n'; cat >/dev/null; echo eof";

/* a refusal: a line "4xx " or "5xx " */
static int
refusal(const char *out)
{
	return strncmp(out, "554 ", 4) == 0 || strstr(out, "\n554 ") != NULL;
}
static char script[] =
	    "import select,sys\n"
	    "r,_,_=select.select([sys.stdin],[],[],0.3)\n"
	    "print('early' if r else '220 go', flush=True)\n"
	    "a=sys.stdin.readline().strip()\n"
	    "print('250-' + a + '\\n250 done', flush=True)\n"
	    "print('bye:' + sys.stdin.readline().strip(), flush=True)\n";

static void
test_converse(void **state)
{
	char *const py[] = { python, dash_c, script, NULL };
	char *const quiet[] = { sh, dash_c, quiet_cmd, NULL };
	const struct proc_step steps[] = {
		{ "220 ", "EHLO x\n", 7, refusal },
		{ "\n250 ", "QUIT\n", 5, NULL },
	};
	char *const refuser[] = { sh, dash_c, refuse_cmd, NULL };
	struct proc_result r;

	(void)state;
	if (access(py[0], X_OK) < 0)
		skip();
	assert_int_equal(proc_converse(py, steps, 2, 10000, &r), 0);
	assert_null(strstr(r.out.s, "early"));
	assert_non_null(strstr(r.out.s, "220 go\n250-EHLO x\n250 done\n"));
	assert_non_null(strstr(r.out.s, "bye:QUIT"));
	assert_int_equal(r.status, 0);
	proc_result_free(&r);
	/* No greeting ever: stdin is closed, the run ends with the child. */
	assert_int_equal(proc_converse(quiet, steps, 2, 10000, &r), 0);
	assert_false(r.timed_out);
	proc_result_free(&r);
	/* A refusal instead of the greeting: stdin is closed at once (the
	 * child reads to its end and says so), nothing of the dialogue was
	 * sent, and the child was not killed at the timeout. */
	assert_int_equal(proc_converse(refuser, steps, 2, 30000, &r), 0);
	assert_false(r.timed_out);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out.s, "554 5.0.0 go away\r\neof\n");
	proc_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_not_started),
		cmocka_unit_test(test_output_limit),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_describe_a_real_timeout),
		cmocka_unit_test(test_converse),
	};

	/* proc.h: the caller ignores SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("proc", tests, NULL, NULL);
}
