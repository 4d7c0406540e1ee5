/*
 * mpd.c - mailprovd's loop: SRC requests, signals, the incoming
 * directory, the drift timer, and one reconcile at a time.
 *
 * Contract: see mpd.h.  Single-threaded: a request that arrives during a
 * reconcile is answered when the reconcile has finished, so a STOP never
 * cuts a run in half (the atomic writer would keep the files whole even
 * then).  Signal handlers only write one byte to a self-pipe; the loop
 * does the work.
 */
#include "mpd.h"
#include "dconf.h"
#include "fetch.h"
#include "digest.h"
#include "desired.h"
#include "fileio.h"
#include "incoming.h"
#include "reconcile.h"
#include "src.h"
#include "srcsub.h"
#include "version.h"
#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* SRC reply codes (spc.h / srcerrno.h): a message, an invalid command. */
#define RC_SUBMSG	(-1)
#define RC_SUBICMD	(-9087)

struct mpd {
	const struct mpd_opts	*o;
	struct dconf		*conf;
	struct srcsub		*sub;
	struct watch		*watch;
	int			 sigpipe[2];
	int			 trace;
	int			 stop;
	char			*desired, *incoming, *state, *history;
	char			*status_json, *src_state;
	char			 sha[65];	/* of the desired state now */
	char			 applied_sha[65]; /* of the last good run */
	time_t			 started, last_start, last_end, next_run;
	const char		*reason;	/* of the last run */
	char			 outcome[64];
	struct strlist		 changed, actions;
	char			*last_error;
	char			*status_error;	/* status.json not written */
	long			 runs, drift, intent, failures;
	long			 accepted, rejected;
	int			 settle_wait;	/* seconds, 0 none */
};

static struct mpd *the_mpd;	/* for the signal handlers only */

/* ---------------------------------------------------------- logging */

static void __attribute__((format(printf, 3, 4)))
logmsg(struct mpd *m, int pri, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (pri == LOG_DEBUG && !m->trace && !m->o->debug)
		return;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	syslog(pri, "%s", s);
	if (m->o->debug)
		fprintf(stderr, "mailprovd: %s\n", s);
	free(s);
}

/* ---------------------------------------------------------- signals */

/* SIGNAL CONTEXT: only write(2) of one byte. */
static void
on_signal(int sig)
{
	char c = sig == SIGHUP ? 'H' : 'T';
	int saved = errno;

	if (the_mpd != NULL && write(the_mpd->sigpipe[1], &c, 1) < 0)
		(void)0;
	errno = saved;
}

static void
setup_signals(struct mpd *m)
{
	struct sigaction sa;
	sigset_t set;

	if (pipe(m->sigpipe) == 0) {
		fcntl(m->sigpipe[0], F_SETFL, O_NONBLOCK);
		fcntl(m->sigpipe[1], F_SETFL, O_NONBLOCK);
		fcntl(m->sigpipe[0], F_SETFD, FD_CLOEXEC);
		fcntl(m->sigpipe[1], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/*
	 * A parent that ignored SIGCHLD (or blocked signals) would make every
	 * waitpid fail: take the defaults back.
	 */
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}

/* ------------------------------------------------------------ state */


static void
iso(time_t t, char *buf, size_t n)
{
	if (t == 0)
		snprintf(buf, n, "never");
	else
		(void)strftime(buf, n, "%Y-%m-%dT%H:%M:%S%z", localtime(&t));
}

/* fetch_cfg_of - how to reach the source and the collector. */
static void
fetch_cfg_of(const struct mpd *m, struct fetch_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->helper = m->o->fetch_helper;
	c->state_dir = m->state;
	c->ca_file = m->conf->ca_file.v;
	c->ca_path = m->conf->ca_path.v;
	c->cert = m->conf->cert.v;
	c->key = m->conf->key.v;
	c->insecure = m->conf->insecure.v;
	c->sha256 = m->conf->sha256.v;
	c->retries = -1;
}

/* write_status - status.json; with report, also to report_url. */
static void
write_status(struct mpd *m, int report)
{
	struct sbuf b = { 0 };
	char host[256], t1[40], t2[40], t3[40], t4[40];

	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	iso(m->started, t1, sizeof(t1));
	iso(m->last_start, t2, sizeof(t2));
	iso(m->last_end, t3, sizeof(t3));
	iso(m->next_run, t4, sizeof(t4));
	sbuf_adds(&b, "{\n  \"host\": ");
	sbuf_json_str(&b, host);
	sbuf_addf(&b, ",\n  \"version\": \"%s\",\n  \"pid\": %ld,\n",
	    MAILPROV_VERSION, (long)getpid());
	sbuf_adds(&b, "  \"started\": ");
	sbuf_json_str(&b, t1);
	sbuf_adds(&b, ",\n  \"desired\": ");
	sbuf_json_str(&b, m->desired);
	sbuf_adds(&b, ",\n  \"desired_sha256\": ");
	sbuf_json_str(&b, m->sha);
	sbuf_adds(&b, ",\n  \"last_run\": {\n    \"reason\": ");
	sbuf_json_str(&b, m->reason ? m->reason : "");
	sbuf_adds(&b, ",\n    \"start\": ");
	sbuf_json_str(&b, t2);
	sbuf_adds(&b, ",\n    \"end\": ");
	sbuf_json_str(&b, t3);
	sbuf_adds(&b, ",\n    \"outcome\": ");
	sbuf_json_str(&b, m->outcome);
	sbuf_adds(&b, ",\n    \"files_changed\": ");
	sbuf_json_list(&b, &m->changed);
	sbuf_adds(&b, ",\n    \"src_actions\": ");
	sbuf_json_list(&b, &m->actions);
	sbuf_adds(&b, ",\n    \"error\": ");
	sbuf_json_str(&b, m->last_error ? m->last_error : "");
	sbuf_addf(&b, "\n  },\n  \"runs\": %ld,\n  \"drift_repairs\": %ld,\n"
	    "  \"intent_changes\": %ld,\n  \"failures\": %ld,\n"
	    "  \"incoming_accepted\": %ld,\n  \"incoming_rejected\": %ld,\n"
	    "  \"watch\": \"%s\",\n  \"next_run\": ", m->runs, m->drift,
	    m->intent, m->failures, m->accepted, m->rejected, watch_name());
	sbuf_json_str(&b, t4);
	sbuf_adds(&b, "\n}\n");
	/* Not written: the old one stays whole; lssrc -l says so. */
	free(m->status_error);
	m->status_error = NULL;
	if (fileio_replace(m->status_json, b.s, b.len, NULL) < 0) {
		m->status_error = xasprintf("cannot write %s: %s",
		    m->status_json, strerror(errno));
		logmsg(m, LOG_ERR, "%s", m->status_error);
	}
	if (report && m->conf->report_url.v != NULL) {
		struct fetch_cfg fc;
		char *why = NULL;
		long dropped = 0;

		fetch_cfg_of(m, &fc);
		if (fetch_report(&fc, m->conf->report_url.v, b.s, b.len,
		    &dropped, &why) < 0)
			logmsg(m, LOG_WARNING, "report to %s queued: %s",
			    m->conf->report_url.v, why ? why : "failed");
		if (dropped > 0)
			logmsg(m, LOG_WARNING, "report queue full: dropped %ld",
			    dropped);
		free(why);
	}
	sbuf_free(&b);
}

/*
 * push_fact - "Name value" for the long status.  lssrc -l shows a word of
 * at most 29 characters and a text of at most 64 per line (one statcode
 * entry): longer values go on in lines that start with a blank.
 */
static void
push_fact(struct strlist *l, const char *name, const char *value)
{
	size_t n = strlen(value), at = 0, k;
	int first = 1;

	do {
		k = n - at > (first ? 64 : 63) ? (first ? 64 : 63) : n - at;
		if (first)
			strlist_take(l, xasprintf("%s %.*s", name, (int)k,
			    value + at));
		else
			strlist_take(l, xasprintf(" %.*s", (int)k, value + at));
		at += k;
		first = 0;
	} while (at < n);
}

/* status_lines - the long status, the first line a header. */
static void
status_lines(struct mpd *m, struct strlist *l)
{
	char t[40], t2[40], buf[600];
	struct sbuf s = { 0 };
	size_t i;

	strlist_push(l, " Subsystem         Group            PID          "
	    "Status");
	snprintf(buf, sizeof(buf), " %-17s %-16s %-12ld %s", "mailprovd", "",
	    (long)getpid(), "active");
	strlist_push(l, buf);
	push_fact(l, "Desired:", m->desired);
	push_fact(l, "sha256:", *m->sha ? m->sha : "(none)");
	iso(m->last_start, t, sizeof(t));
	snprintf(buf, sizeof(buf), "%s (%s)", t, m->reason ? m->reason :
	    "none yet");
	push_fact(l, "Last-run:", buf);
	iso(m->last_end, t, sizeof(t));
	push_fact(l, "Ended:", t);
	push_fact(l, "Outcome:", m->outcome);
	for (i = 0; i < m->changed.n; i++)
		sbuf_addf(&s, "%s%s", i ? ", " : "", m->changed.v[i]);
	push_fact(l, "Files-changed:", s.len ? s.s : "none");
	s.len = 0;
	for (i = 0; i < m->actions.n; i++)
		sbuf_addf(&s, "%s%s", i ? "; " : "", m->actions.v[i]);
	push_fact(l, "SRC-actions:", s.len ? s.s : "none");
	snprintf(buf, sizeof(buf), "%ld (drift repairs %ld, new-intent changes "
	    "%ld, failures %ld)", m->runs, m->drift, m->intent, m->failures);
	push_fact(l, "Runs:", buf);
	snprintf(buf, sizeof(buf), "accepted %ld, rejected %ld (watch: %s)",
	    m->accepted, m->rejected, watch_name());
	push_fact(l, "Incoming:", buf);
	push_fact(l, "Incoming-dir:", m->incoming);
	iso(m->next_run, t2, sizeof(t2));
	push_fact(l, "Next-run:", t2);
	push_fact(l, "Last-error:", m->last_error ? m->last_error : "none");
	push_fact(l, "Status-file:", m->status_error ? m->status_error :
	    "written");
	push_fact(l, "Trace:", m->trace ? "on" : "off");
	sbuf_free(&s);
}

/* ---------------------------------------------------------- reconcile */

static char *
under_root(const struct mpd *m, const char *path)
{
	return xasprintf("%s%s", m->o->root, path);
}

/* run_once - one reconcile of the current desired state. */
static void
run_once(struct mpd *m, const char *reason)
{
	struct diags d;
	struct desired *ds = NULL;
	struct rc_opts ro;
	struct rc_plan p;
	struct src_config sc;
	char *buf = NULL, *err = NULL, *out = NULL, *line, *save;
	char *fetched = NULL, *vhost = NULL;
	const char *dpath = m->desired;
	size_t len, outlen = 0, i;
	FILE *fp;
	int rc, changed;

	m->last_start = time(NULL);
	m->reason = reason;
	m->runs++;
	strlist_clear(&m->changed);
	strlist_clear(&m->actions);
	free(m->last_error);
	m->last_error = NULL;
	memset(&p, 0, sizeof(p));
	if (m->conf->source.v != NULL) {
		struct fetch_cfg fc;
		char *got = NULL, *why = NULL;
		enum fetch_outcome fo;

		if (m->conf->insecure.v)
			logmsg(m, LOG_WARNING, "insecure: true: TLS verification "
			    "is off or plain http is allowed");
		fetch_cfg_of(m, &fc);
		fo = fetch_desired(&fc, m->conf->source.v, &got, &why);
		if (fo == FETCH_NEW)
			logmsg(m, LOG_NOTICE, "fetched a new desired state from "
			    "%s", m->conf->source.v);
		else if (fo == FETCH_KEPT || fo == FETCH_NONE)
			logmsg(m, LOG_WARNING, "fetch: %s%s", why, fo ==
			    FETCH_KEPT ? "; the last good state stays" : "");
		if (got != NULL)
			dpath = fetched = got;
		else
			dpath = NULL;
		free(why);
	}
	diags_init(&d, dpath ? dpath : m->conf->source.v);
	if (dpath == NULL) {
		m->last_error = xasprintf("%s: nothing fetched yet",
		    m->conf->source.v);
		snprintf(m->outcome, sizeof(m->outcome), "no desired state");
		goto done;
	}
	if (fileio_read(dpath, DESIRED_MAX_BYTES, FILEIO_NOFOLLOW |
	    FILEIO_TRUSTED, &buf, &len) < 0) {
		/* The same words as mailprov and the incoming directory. */
		m->last_error = xasprintf("%s: %s", dpath, errno == EPERM ?
		    "is not safe to trust: it and its directory must be "
		    "owned by root and writable by nobody else" :
		    errno == ELOOP ? "is a symbolic link; refused" :
		    strerror(errno));
		snprintf(m->outcome, sizeof(m->outcome), "no desired state");
		goto done;
	}
	digest_sha256_hex(buf, len, m->sha);
	if ((ds = desired_load_buffer(buf, len, &d)) == NULL) {
		m->last_error = d.n ? diags_format(&d, 0) : xstrdup("invalid");
		snprintf(m->outcome, sizeof(m->outcome), "invalid desired state");
		goto done;
	}
	memset(&sc, 0, sizeof(sc));
	sc.root = m->o->root;
	sc.state_dir = m->src_state;
	sc.bindir = m->conf->src_bindir.v;
	sc.rc_tcpip = "/etc/rc.tcpip";
	sc.timeout_ms = m->conf->timeout.v * 1000;
	memset(&ro, 0, sizeof(ro));
	ro.root = m->o->root;
	ro.sendmail = m->conf->sendmail.v;
	ro.validate = 1;
	ro.keep = ds->backups.keep.v;
	ro.lock_wait = 30;
	ro.timeout_ms = m->conf->timeout.v * 1000;
	ro.src = src_open(m->conf->backend.v == DCONF_EXEC ? "exec" : "mock",
	    &sc);
	/* Checked when the configuration was read: "none" or HOST:PORT. */
	svc_port_spec(m->conf->verify_port.v, &vhost, &ro.verify.port);
	ro.verify.host = vhost;
	if (m->conf->verify_bv.v)
		ro.verify.sendmail = m->conf->sendmail.v;
	if (m->conf->backend.v == DCONF_MOCK)
		ro.verify.tries = 1, ro.verify.interval_ms = 1;
	if ((fp = open_memstream(&out, &outlen)) == NULL)
		fp = stderr;
	ro.out = fp;
	rc = rc_apply(ds, &ro, &p, &err);
	if (fp != stderr)
		(void)fclose(fp);
	for (line = out ? strtok_r(out, "\n", &save) : NULL; line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		logmsg(m, LOG_INFO, "%s", line);
	free(vhost);
	src_close(ro.src);
	for (i = 0; i < RC_NKINDS; i++)
		if (p.f[i].changed && p.f[i].replaced)
			strlist_push(&m->changed, p.f[i].label);
	for (i = 0; i < p.src_done.n; i++)
		strlist_push(&m->actions, p.src_done.v[i]);
	changed = m->changed.n > 0 || m->actions.n > 0;
	if (rc < 0) {
		m->last_error = err;
		err = NULL;
		snprintf(m->outcome, sizeof(m->outcome), "failed");
	} else {
		snprintf(m->outcome, sizeof(m->outcome), changed ? "changed" :
		    "converged");
		if (changed && strcmp(m->sha, m->applied_sha) == 0)
			m->drift++;	/* same intent: the host had drifted */
		else if (changed)
			m->intent++;
		memcpy(m->applied_sha, m->sha, sizeof(m->sha));
	}
done:
	if (m->last_error != NULL)
		m->failures++;
	m->last_end = time(NULL);
	m->next_run = m->last_end + m->conf->interval.v;
	logmsg(m, m->last_error ? LOG_ERR : LOG_INFO, "run (%s): %s%s%s",
	    reason, m->outcome, m->last_error ? ": " : "",
	    m->last_error ? m->last_error : "");
	write_status(m, 1);	/* a run: the collector hears of it */
	free(out);
	free(err);
	free(buf);
	free(fetched);
	rc_plan_free(&p);
	desired_free(ds);
	diags_free(&d);
}

/* take_incoming - process dropped files; reconcile if one was taken. */
static void
take_incoming(struct mpd *m)
{
	struct incoming_cfg c;
	struct incoming_result r;
	size_t i;

	c.dir = m->incoming;
	c.desired = m->desired;
	c.history = m->history;
	c.keep = m->conf->history.v;
	c.settle = m->conf->settle.v;
	if (incoming_take(&c, &r) < 0) {
		/* Gone: make it again (as root, 0700) and watch it anew. */
		fileio_mkdirs(m->incoming, 0700);
		watch_close(m->watch);
		m->watch = watch_open(m->incoming);
		return;
	}
	/* A file kept back (the last message then) is an error of the host. */
	for (i = 0; i < r.messages.n; i++)
		logmsg(m, r.deferred > 0 && i + 1 == r.messages.n ? LOG_ERR :
		    LOG_NOTICE, "incoming: %s", r.messages.v[i]);
	m->accepted += r.accepted;
	m->rejected += r.rejected;
	m->settle_wait = r.wait;
	if (r.accepted > 0)
		run_once(m, "new desired state");
	else if (r.rejected > 0)
		write_status(m, 0);	/* counts only: no run to report */
	incoming_result_free(&r);
}

/* ------------------------------------------------------------- config */

static int
load_conf(struct mpd *m)
{
	struct diags d;
	struct dconf *c;
	char *path = under_root(m, m->o->conf);
	size_t i;

	diags_init(&d, path);
	c = dconf_load_file(path, !m->o->conf_given,
	    strcmp(MAILPROV_SRC_DEFAULT, "exec") == 0 ? DCONF_EXEC : DCONF_MOCK,
	    &d);
	for (i = 0; i < d.n; i++) {
		char *s = diags_format(&d, i);

		logmsg(m, LOG_ERR, "%s", s);
		if (!m->o->debug)
			fprintf(stderr, "mailprovd: %s\n", s);
		free(s);
	}
	diags_free(&d);
	free(path);
	if (c == NULL)
		return -1;
	if (m->o->backend != NULL)
		c->backend.v = strcmp(m->o->backend, "exec") == 0 ? DCONF_EXEC :
		    DCONF_MOCK;
	dconf_free(m->conf);
	m->conf = c;
	free(m->desired), free(m->incoming), free(m->state);
	free(m->history), free(m->status_json), free(m->src_state);
	m->desired = under_root(m, c->desired.v);
	m->incoming = under_root(m, c->incoming.v);
	/* A new incoming directory is watched at the next loop turn. */
	watch_close(m->watch);
	m->watch = NULL;
	closelog();
	openlog("mailprovd", LOG_PID, dconf_facility(c));
	m->state = under_root(m, c->state_dir.v);
	m->history = xasprintf("%s/history", m->state);
	m->status_json = xasprintf("%s/status.json", m->state);
	m->src_state = xasprintf("%s/src", m->state);
	fileio_mkdirs(m->state, 0700);
	fileio_mkdirs(m->incoming, 0700);
	return 0;
}

/* ------------------------------------------------------------ requests */

static void
handle_request(struct mpd *m)
{
	enum srcsub_req req;
	struct strlist l = { 0 };
	int r = srcsub_recv(m->sub, &req);

	if (r <= 0) {
		if (r < 0 || *srcsub_error(m->sub))
			logmsg(m, LOG_WARNING, "SRC request ignored: %s",
			    srcsub_error(m->sub));
		return;
	}
	switch (req) {
	case SRCSUB_STOP_NORMAL:
	case SRCSUB_STOP_FORCED:
	case SRCSUB_STOP_CANCEL:
		logmsg(m, LOG_NOTICE, "stop requested by SRC (%s)", req ==
		    SRCSUB_STOP_NORMAL ? "normal" : "forced");
		srcsub_reply_ok(m->sub);
		m->stop = 1;
		break;
	case SRCSUB_REFRESH:
		logmsg(m, LOG_NOTICE, "refresh requested by SRC");
		if (load_conf(m) < 0) {
			srcsub_reply_code(m->sub, RC_SUBMSG, "mailprovd: the "
			    "configuration has errors; see syslog. Kept the "
			    "previous one.");
			break;
		}
		run_once(m, "refresh");
		take_incoming(m);
		if (m->last_error != NULL)
			srcsub_reply_code(m->sub, RC_SUBMSG, m->last_error);
		else
			srcsub_reply_ok(m->sub);
		break;
	case SRCSUB_STATUS_LONG:
	case SRCSUB_STATUS_SHORT:
		status_lines(m, &l);
		/* Short: the header and the state line only. */
		srcsub_reply_status(m->sub, (const char *const *)l.v,
		    req == SRCSUB_STATUS_SHORT ? 2 : l.n);
		strlist_clear(&l);
		break;
	case SRCSUB_TRACE_ON:
	case SRCSUB_TRACE_OFF:
		m->trace = req == SRCSUB_TRACE_ON;
		logmsg(m, LOG_NOTICE, "trace %s", m->trace ? "on" : "off");
		srcsub_reply_ok(m->sub);
		break;
	case SRCSUB_START:
		srcsub_reply_code(m->sub, RC_SUBMSG, "mailprovd: subservers "
		    "are not supported");
		break;
	default:
		srcsub_reply_code(m->sub, RC_SUBICMD, NULL);
		break;
	}
}

/* ---------------------------------------------------------------- loop */

int
mpd_main(const struct mpd_opts *o)
{
	struct mpd m;
	struct pollfd pf[3];
	time_t now;
	long wait_ms;
	char c;
	int n;

	memset(&m, 0, sizeof(m));
	m.o = o;
	m.sigpipe[0] = m.sigpipe[1] = -1;
	snprintf(m.outcome, sizeof(m.outcome), "not run yet");
	openlog("mailprovd", LOG_PID, LOG_DAEMON);
	if (load_conf(&m) < 0)
		return 1;
	closelog();
	openlog("mailprovd", LOG_PID, dconf_facility(m.conf));
	the_mpd = &m;
	setup_signals(&m);
	m.sub = srcsub_open(0);
	if (m.sub == NULL)
		logmsg(&m, LOG_NOTICE, "not started by SRC (fd 0 is not its "
		    "socket): stop with SIGTERM, refresh with SIGHUP");
	m.started = time(NULL);
	m.watch = watch_open(m.incoming);
	logmsg(&m, LOG_NOTICE, "started, version %s, backend %s, watch %s",
	    MAILPROV_VERSION, m.conf->backend.v == DCONF_EXEC ? "exec" :
	    "mock", watch_name());
	run_once(&m, "start");
	take_incoming(&m);
	while (!m.stop) {
		now = time(NULL);
		wait_ms = (long)(m.next_run - now) * 1000;
		if (m.settle_wait > 0 && m.settle_wait * 1000L < wait_ms)
			wait_ms = m.settle_wait * 1000L;
		if (m.watch == NULL || watch_fd(m.watch) < 0)
			if ((long)m.conf->poll.v * 1000 < wait_ms)
				wait_ms = (long)m.conf->poll.v * 1000;
		if (wait_ms < 0)
			wait_ms = 0;
		n = 0;
		pf[n].fd = m.sigpipe[0], pf[n++].events = POLLIN;
		pf[n].fd = m.sub ? srcsub_fd(m.sub) : -1, pf[n++].events = POLLIN;
		pf[n].fd = m.watch ? watch_fd(m.watch) : -1;
		pf[n++].events = POLLIN;
		if (poll(pf, 3, (int)(wait_ms > 3600000 ? 3600000 : wait_ms)) <
		    0) {
			if (errno != EINTR)
				break;
			/* No revents were set; the signal pipe says why. */
			continue;
		}
		if (pf[0].revents & POLLIN)
			while (read(m.sigpipe[0], &c, 1) == 1) {
				if (c == 'T') {
					logmsg(&m, LOG_NOTICE, "SIGTERM: "
					    "stopping");
					m.stop = 1;
				} else if (c == 'H' && load_conf(&m) == 0) {
					run_once(&m, "refresh (SIGHUP)");
					take_incoming(&m);
				}
			}
		if (m.stop)
			break;
		if (pf[1].fd >= 0 && (pf[1].revents & POLLIN))
			handle_request(&m);
		if (m.stop)
			break;
		if (m.watch == NULL || watch_fd(m.watch) < 0 ||
		    (pf[2].revents & POLLIN) || m.settle_wait > 0) {
			if (m.watch != NULL && watch_fd(m.watch) >= 0 &&
			    (pf[2].revents & POLLIN) && watch_read(m.watch) < 0) {
				watch_close(m.watch);
				m.watch = NULL;
			}
			if (m.watch == NULL) {
				fileio_mkdirs(m.incoming, 0700);
				m.watch = watch_open(m.incoming);
			}
			take_incoming(&m);
		}
		if (time(NULL) >= m.next_run) {
			run_once(&m, "interval");
			take_incoming(&m);	/* whatever a watch may have missed */
		}
	}
	logmsg(&m, LOG_NOTICE, "stopped");
	watch_close(m.watch);
	srcsub_close(m.sub);
	the_mpd = NULL;
	close(m.sigpipe[0]);
	close(m.sigpipe[1]);
	strlist_clear(&m.changed);
	strlist_clear(&m.actions);
	free(m.last_error);
	free(m.status_error);
	free(m.desired), free(m.incoming), free(m.state), free(m.history);
	free(m.status_json), free(m.src_state);
	dconf_free(m.conf);
	closelog();
	return 0;
}
