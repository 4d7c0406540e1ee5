/*
 * mpd.c - mailprovd's loop: SRC requests, signals, the incoming
 * directory, the managed files, the drift timer, and one reconcile at a
 * time.
 *
 * Contract: see mpd.h.  Single-threaded: a request that arrives during a
 * reconcile is answered when the reconcile has finished, so a STOP never
 * cuts a run in half (the atomic writer would keep the files whole even
 * then).  Signal handlers only write one byte to a self-pipe; the loop
 * does the work.  What the library says goes to syslog through msg, at
 * the priority of its tier (and to stderr with -d).
 *
 * After every run the files its plan managed and the desired state are
 * watched and stamped (fstamp.h): a watched file whose stamp then
 * differs starts a run watch_settle seconds after the last such change,
 * and the interval timer reads and plans only when a stamp differs, the
 * last run failed or found drift (audit), the state comes from a URL, or
 * the last full plan is full_interval old.  The stamps are taken before
 * a run reads the files; after it only the files the run wrote itself
 * (replaced, or put back by a rollback: the plan's changed files and
 * the program link, in enforce mode) are stamped anew.  So mailprov's
 * own writes start nothing, and a hand edit made while a run was in
 * progress differs from the record and starts the next run.  A file
 * first watched after a run (a first run, a new desired state) is
 * stamped after it.
 */
#include "mpd.h"
#include "apply.h"
#include "dconf.h"
#include "desired.h"
#include "digest.h"
#include "fetch.h"
#include "fileio.h"
#include "fstamp.h"
#include "incoming.h"
#include "msg.h"
#include "paths.h"
#include "runopts.h"
#include "srcsub.h"
#include "status.h"
#include "version.h"
#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

struct mpd {
	const struct mpd_opts	*o;
	struct dconf		*conf;
	struct srcsub		*sub;
	struct watch		*watch;
	int			 sigpipe[2];
	int			 stop;
	char			*desired, *incoming, *state, *history;
	char			*status_json;
	char			 applied_sha[65]; /* of the last good run */
	struct status		 st;	/* what status.json and lssrc -l say */
	char			*write_error;	/* status.json not written */
	int			 settle_wait;	/* seconds, 0 none */
	struct strlist		 planned;	/* files the last plan managed */
	struct strlist		 watched;	/* those and the desired state */
	struct fstamps		 stamps;	/* of watched, as the last run
						   found or left them */
	struct fstamps		 before;	/* of watched, as the run
						   about to start found them */
	struct strlist		 written;	/* files the run wrote */
	long long		 changed_at;	/* ms: first change seen, 0 */
	long long		 settle_due;	/* ms: the run it asks for, 0 */
	int			 last_ok;	/* the last run left the host
						   as the desired state says */
	time_t			 full_due;	/* the next full plan, at most */
	char			 why[320];	/* a watch run's reason */
};

static struct mpd *the_mpd;	/* for the signal handlers only */

/* ---------------------------------------------------------- logging */

/* log_sink - msg's sink: syslog at the tier's priority; stderr with -d. */
static void
log_sink(enum msg_level level, const char *text, void *ctx)
{
	static const int pri[] = { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };
	const struct mpd *m = ctx;

	if (level == MSG_DEBUG && !m->st.trace && !m->o->debug)
		return;
	syslog(pri[level], "%s", text);
	if (m->o->debug)
		fprintf(stderr, "mailprovd: %s\n", text);
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

/* send_report - the status document to report_url (queued if it fails). */
static void
send_report(struct mpd *m, const struct sbuf *b)
{
	struct fetch_cfg fc;
	char *why = NULL;
	long dropped = 0;

	fetch_cfg_of(m, &fc);
	if (fetch_report(&fc, m->conf->report_url.v, b->s, b->len, &dropped,
	    &why) < 0)
		msg_warn("report to %s queued: %s", m->conf->report_url.v,
		    why ? why : "failed");
	if (dropped > 0)
		msg_warn("report queue full: dropped %ld", dropped);
	free(why);
}

/* write_status - status.json; with report, also to report_url. */
static void
write_status(struct mpd *m, int report)
{
	struct sbuf b = { 0 };

	m->st.desired = m->desired;
	m->st.source = m->conf->source.v ? m->conf->source.v : m->desired;
	m->st.incoming = m->incoming;
	m->st.watch = watch_name();
	m->st.mode = m->conf->mode.v == DCONF_AUDIT ? "audit" : "enforce";
	status_json(&m->st, &b);
	/* Not written: the old one stays whole; lssrc -l says so. */
	free(m->write_error);
	m->write_error = NULL;
	if (fileio_replace(m->status_json, b.s, b.len, NULL) < 0) {
		m->write_error = xasprintf("cannot write %s: %s",
		    m->status_json, strerror(errno));
		msg_error("%s", m->write_error);
	}
	m->st.write_error = m->write_error;
	if (report && m->conf->report_url.v != NULL)
		send_report(m, &b);
	sbuf_free(&b);
}

/* ---------------------------------------------------------- reconcile */

/* now_ms - a monotonic clock in milliseconds, for the settle time. */
static long long
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return (long long)time(NULL) * 1000;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *
under_root(const struct mpd *m, const char *path)
{
	return xasprintf("%s%s", m->o->root, path);
}

/* failed - the run ends here: outcome and error. */
static void
failed(struct mpd *m, const char *outcome, char *error)
{
	snprintf(m->st.last.outcome, sizeof(m->st.last.outcome), "%s",
	    outcome);
	free(m->st.last.error);
	m->st.last.error = error;
}

/*
 * resolve_source - the file to read the desired state from: the
 * configured one, or the last good fetch of the source URL (*fetched,
 * caller frees).  NULL when there is none.
 */
static const char *
resolve_source(struct mpd *m, char **fetched)
{
	const char *url = m->conf->source.v;
	struct fetch_cfg fc;
	char *why = NULL;
	enum fetch_outcome fo;

	*fetched = NULL;
	if (url == NULL)
		return m->desired;
	if (m->conf->insecure.v)
		msg_warn("insecure: true: TLS verification is off or plain "
		    "http is allowed");
	fetch_cfg_of(m, &fc);
	fo = fetch_desired(&fc, url, fetched, &why);
	if (fo == FETCH_NEW)
		msg_info("fetched a new desired state from %s", url);
	else if (fo == FETCH_KEPT || fo == FETCH_NONE)
		msg_warn("fetch: %s%s", why, fo == FETCH_KEPT ?
		    "; the last good state stays" : "");
	free(why);
	if (*fetched == NULL)
		failed(m, "no desired state", xasprintf("%s: nothing fetched "
		    "yet", url));
	return *fetched;
}

/* read_desired - the desired state at path, or NULL (the run failed). */
static struct desired *
read_desired(struct mpd *m, const char *path)
{
	struct desired *ds;
	struct diags d;
	char *buf, *why;
	size_t len;

	if (fileio_read(path, DESIRED_MAX_BYTES, FILEIO_NOFOLLOW |
	    FILEIO_TRUSTED, &buf, &len) < 0) {
		why = fileio_read_error(errno, DESIRED_MAX_BYTES);
		failed(m, "no desired state", xasprintf("%s: %s", path, why));
		free(why);
		return NULL;
	}
	digest_sha256_hex(buf, len, m->st.sha);
	diags_init(&d, path);
	if ((ds = desired_load_buffer(buf, len, &d)) == NULL)
		failed(m, "invalid desired state", d.n ? diags_format(&d, 0) :
		    xstrdup("invalid"));
	diags_free(&d);
	free(buf);
	return ds;
}

/* run_in - the run options mailprovd.conf gives. */
static void
run_in(const struct mpd *m, const struct desired *ds, struct runopts_in *in)
{
	const struct dconf *c = m->conf;

	memset(in, 0, sizeof(*in));
	in->root = m->o->root;
	in->state_dir = m->state;
	in->sendmail = c->sendmail.v;
	in->backend = c->backend.v == DCONF_EXEC ? "exec" : "mock";
	in->src_bindir = c->src_bindir.v;
	in->verify_port = c->verify_port.v;
	in->verify_bv = c->verify_bv.set ? c->verify_bv.v : -1;
	in->timeout_s = c->timeout.v;
	in->validate = 1;
	in->lock_wait = DEF_LOCK_WAIT_S;
	in->keep = ds->backups.keep.v;
}

/*
 * note_planned - the files p managed, to watch; a plan that failed
 * before it named any keeps the previous list.
 */
static void
note_planned(struct mpd *m, const struct plan *p)
{
	struct strlist l = { 0 };
	size_t i;

	for (i = 0; i < PLAN_NFILES; i++)
		if (p->f[i].managed && p->f[i].path != NULL)
			strlist_push(&l, p->f[i].path);
	if (p->link.managed && p->link.path != NULL)
		strlist_push(&l, p->link.path);
	if (p->secret_file != NULL)	/* a new password alone is a change */
		strlist_push(&l, p->secret_file);
	if (l.n == 0)
		return;
	strlist_clear(&m->planned);
	m->planned = l;
}

/*
 * note_written - the files an enforce run may have written: those its
 * plan changed (replaced, or put back by a rollback) and the link.
 */
static void
note_written(struct mpd *m, const struct plan *p)
{
	size_t i;

	for (i = 0; i < PLAN_NFILES; i++)
		if ((p->f[i].changed || p->f[i].replaced) &&
		    p->f[i].path != NULL)
			strlist_push(&m->written, p->f[i].path);
	if ((p->link.changed || p->link.replaced) && p->link.path != NULL)
		strlist_push(&m->written, p->link.path);
}

/*
 * rewatch - after a run: watch what it planned and the desired state;
 * their stamps from before the run, but for the files it wrote (and
 * files not watched before), stamped as the run left them.
 */
static void
rewatch(struct mpd *m)
{
	size_t i;

	strlist_clear(&m->watched);
	if (m->conf->source.v == NULL)
		strlist_push(&m->watched, m->desired);
	for (i = 0; i < m->planned.n; i++)
		if (strlist_find(&m->watched, m->planned.v[i], 0) < 0)
			strlist_push(&m->watched, m->planned.v[i]);
	if (m->watch != NULL)
		watch_files(m->watch, &m->watched);
	fstamps_carry(&m->stamps, &m->watched, &m->before, &m->written);
	/* The host as the desired state says: a quick check may vouch. */
	m->last_ok = m->st.last.error == NULL &&
	    (strcmp(m->st.last.outcome, "converged") == 0 ||
	    strcmp(m->st.last.outcome, "changed") == 0);
	m->full_due = time(NULL) + m->conf->full_interval.v;
	m->changed_at = m->settle_due = 0;
}

/*
 * note_drift - an audit run found the files away from the desired state:
 * one log line, counted, remembered with the files (nothing changed).
 */
static void
note_drift(struct mpd *m)
{
	struct status_run *last = &m->st.last;
	struct sbuf l = { 0 };
	size_t i;

	snprintf(last->outcome, sizeof(last->outcome), "drift");
	last->drift = 1;
	m->st.drift_found++;
	m->st.last_drift = time(NULL);
	strlist_clear(&m->st.last_drift_files);
	for (i = 0; i < last->files_changed.n; i++) {
		strlist_push(&m->st.last_drift_files, last->files_changed.v[i]);
		sbuf_addf(&l, "%s%s", i ? ", " : "", last->files_changed.v[i]);
	}
	msg_warn("drift: %s %s from the desired state (audit mode: nothing "
	    "changed; mailprov status shows the diff)", l.len ? l.s :
	    "the SRC subsystem", l.len ? "differ" : "differs");
	sbuf_free(&l);
}

/*
 * settle_outcome - an enforce run that succeeded: changed or converged,
 * and a change to a desired state already in force is a drift repair,
 * said with the backups that hold the hand-edited bytes.
 */
static void
settle_outcome(struct mpd *m)
{
	struct status_run *last = &m->st.last;
	int changed = last->files_changed.n > 0 || last->src_actions.n > 0;
	struct sbuf b = { 0 };
	size_t i;

	snprintf(last->outcome, sizeof(last->outcome), "%s", changed ?
	    "changed" : "converged");
	if (changed && strcmp(m->st.sha, m->applied_sha) == 0) {
		m->st.drift++;	/* same intent: the host had drifted */
		last->drift = 1;
		for (i = 0; i < last->backups.n; i++)
			sbuf_addf(&b, "%s%s", i ? ", " : "",
			    fileio_inside(m->o->root, last->backups.v[i]));
		msg_info("drift repaired%s%s", b.len ? "; the hand-edited "
		    "bytes are in " : "", b.len ? b.s : "");
		sbuf_free(&b);
	} else if (changed)
		m->st.intent++;
	memcpy(m->applied_sha, m->st.sha, sizeof(m->st.sha));
}

/*
 * who_of - who a generation names (history.h): mailprovd and its
 * trigger, "drift repair" when the desired state is the one in force.
 */
static char *
who_of(const struct mpd *m)
{
	const char *r = m->st.last.reason;

	return xasprintf("mailprovd (%s%s)", strcmp(r, "new desired state") ==
	    0 ? "incoming" : r, strcmp(m->st.sha, m->applied_sha) == 0 ?
	    ", drift repair" : "");
}

/* apply_once - apply ds (audit: plan only); the outcome into the status. */
static void
apply_once(struct mpd *m, const struct desired *ds)
{
	struct status_run *last = &m->st.last;
	int audit = m->conf->mode.v == DCONF_AUDIT;
	struct runopts_in in;
	struct runopts ro;
	struct plan p;
	char *why = NULL, *why2 = NULL;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	run_in(m, ds, &in);
	m->st.mode = audit ? "audit" : "enforce";
	if (runopts_open(&in, &ro, &why) == 0) {
		char *who = who_of(m);

		ro.apply.audit = audit;
		ro.apply.who = who;
		rc = apply_run(ds, &ro.apply, &p, &why);
		free(who);
	}
	if (rc < 0) {
		failed(m, "failed", why);
		why = NULL;
	}
	/* Status shows the binary always; the probe is cached. */
	if (!p.have_caps && p.binary != NULL && smcaps_probe(p.binary,
	    ro.apply.state_dir, ro.apply.timeout_ms, &p.caps, &why2) == 0) {
		p.have_caps = 1;
		free(p.caps.path);
		p.caps.path = xstrdup(fileio_inside(m->o->root, p.binary));
	}
	free(why2);
	status_sendmail(&m->st, p.have_caps ? &p.caps : NULL,
	    p.cert_known, p.cert_days);
	runopts_close(&ro);
	status_from_plan(last, &p, ds, audit);
	if (last->error == NULL && audit && plan_pending(&p))
		note_drift(m);
	else if (last->error == NULL && audit)
		snprintf(last->outcome, sizeof(last->outcome), "converged");
	else if (last->error == NULL)
		settle_outcome(m);
	note_planned(m, &p);
	if (!audit)
		note_written(m, &p);
	plan_free(&p);
	free(why);
}

/* record_run - the end of a run: counters, the log line, the status. */
static void
record_run(struct mpd *m)
{
	struct status_run *last = &m->st.last;

	if (last->error != NULL)
		m->st.failures++;
	last->end = time(NULL);
	m->st.next_run = last->end + m->conf->interval.v;
	msg_say(last->error ? MSG_ERROR : MSG_INFO, "run (%s): %s%s%s",
	    last->reason, last->outcome, last->error ? ": " : "",
	    last->error ? last->error : "");
	write_status(m, 1);	/* a run: the collector hears of it */
}

/* run_once - one reconcile of the current desired state. */
static void
run_once(struct mpd *m, const char *reason)
{
	struct desired *ds = NULL;
	char *fetched;
	const char *path;

	status_run_reset(&m->st.last, reason);
	m->st.runs++;
	/* Before anything is read: an edit from now on is not ours. */
	fstamps_record(&m->before, &m->watched);
	strlist_clear(&m->written);
	if ((path = resolve_source(m, &fetched)) != NULL &&
	    (ds = read_desired(m, path)) != NULL)
		apply_once(m, ds);
	rewatch(m);
	record_run(m);
	desired_free(ds);
	free(fetched);
}

/* open_watch - (re)make the incoming directory, watch it and the files. */
static void
open_watch(struct mpd *m)
{
	fileio_mkdirs(m->incoming, 0700);
	if ((m->watch = watch_open(m->incoming)) != NULL)
		watch_files(m->watch, &m->watched);
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
		watch_close(m->watch);
		open_watch(m);
		return;
	}
	/* A file kept back (the last message then) is an error of the host. */
	for (i = 0; i < r.messages.n; i++)
		msg_say(r.deferred > 0 && i + 1 == r.messages.n ? MSG_ERROR :
		    MSG_INFO, "incoming: %s", r.messages.v[i]);
	m->st.accepted += r.accepted;
	m->st.rejected += r.rejected;
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

		msg_error("%s", s);
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
	free(m->history), free(m->status_json);
	m->desired = under_root(m, c->desired.v);
	m->incoming = under_root(m, c->incoming.v);
	/* A new incoming directory is watched at the next loop turn. */
	watch_close(m->watch);
	m->watch = NULL;
	closelog();
	openlog("mailprovd", LOG_PID, dconf_facility(c));
	m->state = under_root(m, c->state_dir.v);
	m->history = xasprintf("%s/%s", m->state, STATE_HISTORY);
	m->status_json = xasprintf("%s/%s", m->state, STATE_STATUS);
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
			msg_warn("SRC request ignored: %s",
			    srcsub_error(m->sub));
		return;
	}
	switch (req) {
	case SRCSUB_STOP_NORMAL:
	case SRCSUB_STOP_FORCED:
	case SRCSUB_STOP_CANCEL:
		msg_info("stop requested by SRC (%s)", req ==
		    SRCSUB_STOP_NORMAL ? "normal" : "forced");
		srcsub_reply_ok(m->sub);
		m->stop = 1;
		break;
	case SRCSUB_REFRESH:
		msg_info("refresh requested by SRC");
		if (load_conf(m) < 0) {
			srcsub_reply_text(m->sub, "mailprovd: the "
			    "configuration has errors; see syslog. Kept the "
			    "previous one.");
			break;
		}
		run_once(m, "refresh");
		take_incoming(m);
		if (m->st.last.error != NULL)
			srcsub_reply_text(m->sub, m->st.last.error);
		else
			srcsub_reply_ok(m->sub);
		break;
	case SRCSUB_STATUS_LONG:
	case SRCSUB_STATUS_SHORT:
		status_lines(&m->st, &l);
		/* Short: the header and the state line only. */
		srcsub_reply_status(m->sub, (const char *const *)l.v,
		    req == SRCSUB_STATUS_SHORT ? 2 : l.n);
		strlist_clear(&l);
		break;
	case SRCSUB_TRACE_ON:
	case SRCSUB_TRACE_OFF:
		m->st.trace = req == SRCSUB_TRACE_ON;
		msg_info("trace %s", m->st.trace ? "on" : "off");
		srcsub_reply_ok(m->sub);
		break;
	case SRCSUB_START:
		srcsub_reply_text(m->sub, "mailprovd: subservers "
		    "are not supported");
		break;
	default:
		srcsub_reply_badcmd(m->sub);
		break;
	}
}

/* ---------------------------------------------------------------- loop */

/* wait_ms - how long the loop may sleep before the next thing is due. */
static int
wait_ms(const struct mpd *m)
{
	long long ms = (long long)(m->st.next_run - time(NULL)) * 1000;

	if (m->settle_wait > 0 && m->settle_wait * 1000LL < ms)
		ms = m->settle_wait * 1000LL;
	if (m->settle_due != 0 && m->settle_due - now_ms() < ms)
		ms = m->settle_due - now_ms();
	if ((m->watch == NULL || watch_scans(m->watch)) &&
	    (long long)m->conf->poll.v * 1000 < ms)
		ms = (long long)m->conf->poll.v * 1000;
	if (ms < 0)
		ms = 0;
	return (int)(ms > 3600000 ? 3600000 : ms);
}

/* on_signals - what the self-pipe says: T stop, H refresh. */
static void
on_signals(struct mpd *m)
{
	char c;

	while (read(m->sigpipe[0], &c, 1) == 1) {
		if (c == 'T') {
			msg_info("SIGTERM: stopping");
			m->stop = 1;
		} else if (c == 'H' && load_conf(m) == 0) {
			run_once(m, "refresh (SIGHUP)");
			take_incoming(m);
		}
	}
}

/*
 * files_changed - a watched file may have changed: if its stamp says so,
 * a run is due watch_settle seconds after the last change an event
 * told of (a burst waits at most four times that in all); a scan (no
 * event) only starts the wait.
 */
static void
files_changed(struct mpd *m, int event)
{
	long long now = now_ms(), settle = m->conf->watch_settle.v * 1000LL;
	long i = fstamps_changed(&m->stamps);

	if (i < 0)
		return;		/* as the last run left it: ours, or nothing */
	if (m->changed_at == 0) {
		m->changed_at = now;
		msg_debug("%s changed: a run in %d s", fileio_inside(m->o->root,
		    m->stamps.paths.v[i]), m->conf->watch_settle.v);
	} else if (!event)
		return;
	m->settle_due = now + settle;
	if (m->settle_due > m->changed_at + 4 * settle)
		m->settle_due = m->changed_at + 4 * settle;
	if (m->settle_due == 0)
		m->settle_due = 1;
}

/* on_watch - what the watch says, or the scan when it cannot say. */
static void
on_watch(struct mpd *m, const struct pollfd *pf, size_t n)
{
	size_t i;
	int ev = 0, scan = 0;

	for (i = 0; i < n && m->watch != NULL; i++)
		if (pf[i].revents != 0) {
			ev = watch_read(m->watch, pf, n);
			break;
		}
	if (ev < 0) {
		watch_close(m->watch);
		m->watch = NULL;
	}
	if (m->watch == NULL) {
		open_watch(m);
		ev = 0;		/* what it missed: look, as a scan does */
		scan = WATCH_INCOMING | WATCH_FILES;
	}
	if (m->watch == NULL || watch_scans(m->watch))
		scan = WATCH_INCOMING | WATCH_FILES;
	if (((ev | scan) & WATCH_INCOMING) || m->settle_wait > 0)
		take_incoming(m);
	if ((ev | scan) & WATCH_FILES)
		files_changed(m, ev & WATCH_FILES);
}

/* on_settled - the settle time after a change is over: run if it stays. */
static void
on_settled(struct mpd *m)
{
	long i = fstamps_changed(&m->stamps);

	m->changed_at = m->settle_due = 0;
	if (i < 0)
		return;		/* put back as it was */
	snprintf(m->why, sizeof(m->why), "changed: %s",
	    fileio_inside(m->o->root, m->stamps.paths.v[i]));
	run_once(m, m->why);
}

/*
 * on_interval - the interval is over: a full run, unless every watched
 * file is as the last good run left it and the last full plan is
 * recent, when a stat of each is all it costs (a quick check).
 */
static void
on_interval(struct mpd *m)
{
	time_t now = time(NULL);

	if (m->last_ok && m->conf->source.v == NULL && now < m->full_due &&
	    m->settle_due == 0 && m->stamps.paths.n > 0 &&
	    fstamps_changed(&m->stamps) < 0) {
		m->st.quick++;
		m->st.next_run = now + m->conf->interval.v;
		msg_debug("interval: nothing changed (%zu files): not read, "
		    "not planned", m->stamps.paths.n);
		write_status(m, 0);	/* no run: nothing to report */
		return;
	}
	run_once(m, "interval");
	take_incoming(m);	/* what a watch missed */
}

/* loop - sleep in poll until something is due; -1 on a poll error. */
static int
loop(struct mpd *m)
{
	struct pollfd pf[2 + WATCH_MAXFDS];
	size_t nw;

	while (!m->stop) {
		pf[0].fd = m->sigpipe[0], pf[0].events = POLLIN;
		pf[1].fd = m->sub ? srcsub_fd(m->sub) : -1;
		pf[1].events = POLLIN;
		pf[0].revents = pf[1].revents = 0;
		nw = m->watch ? watch_fds(m->watch, pf + 2, WATCH_MAXFDS) : 0;
		if (poll(pf, 2 + nw, wait_ms(m)) < 0) {
			if (errno != EINTR)
				return -1;
			/* No revents were set; the signal pipe says why. */
			continue;
		}
		if (pf[0].revents & POLLIN)
			on_signals(m);
		if (!m->stop && pf[1].fd >= 0 && (pf[1].revents & POLLIN))
			handle_request(m);
		if (m->stop)
			break;
		on_watch(m, pf + 2, nw);
		if (m->settle_due != 0 && now_ms() >= m->settle_due)
			on_settled(m);
		if (time(NULL) >= m->st.next_run)
			on_interval(m);
	}
	return 0;
}

/* teardown - everything mpd_main set up. */
static void
teardown(struct mpd *m)
{
	msg_info("stopped");
	msg_set_sink(NULL, NULL);
	watch_close(m->watch);
	srcsub_close(m->sub);
	the_mpd = NULL;
	close(m->sigpipe[0]);
	close(m->sigpipe[1]);
	status_run_free(&m->st.last);
	status_free(&m->st);
	free(m->write_error);
	free(m->desired), free(m->incoming), free(m->state), free(m->history);
	free(m->status_json);
	strlist_clear(&m->planned);
	strlist_clear(&m->watched);
	fstamps_free(&m->stamps);
	fstamps_free(&m->before);
	strlist_clear(&m->written);
	dconf_free(m->conf);
	closelog();
}

int
mpd_main(const struct mpd_opts *o)
{
	struct mpd m;

	memset(&m, 0, sizeof(m));
	m.o = o;
	m.sigpipe[0] = m.sigpipe[1] = -1;
	m.st.program = "mailprovd";
	m.st.root = o->root;
	m.st.watched = &m.watched;
	snprintf(m.st.last.outcome, sizeof(m.st.last.outcome), "not run yet");
	openlog("mailprovd", LOG_PID, LOG_DAEMON);
	msg_set_sink(log_sink, &m);
	if (load_conf(&m) < 0) {
		msg_set_sink(NULL, NULL);
		return 1;
	}
	the_mpd = &m;
	setup_signals(&m);
	if ((m.sub = srcsub_open(0)) == NULL)
		msg_info("not started by SRC (fd 0 is not its socket): stop "
		    "with SIGTERM, refresh with SIGHUP");
	m.st.started = time(NULL);
	m.watch = watch_open(m.incoming);
	msg_info("started, version %s, backend %s, watch %s", MAILPROV_VERSION,
	    m.conf->backend.v == DCONF_EXEC ? "exec" : "mock", watch_name());
	run_once(&m, "start");
	take_incoming(&m);
	(void)loop(&m);
	teardown(&m);
	return 0;
}
