/*
 * service.c - the service steps and their verification.
 *
 * Contract: see service.h.  Everything goes through the src wrappers, so
 * the same code drives AIX (exec) and the mock.
 */
#include "service.h"
#include "msg.h"
#include "paths.h"
#include "sendmail.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>


int
service_port_spec(const char *spec, char **host, int *port)
{
	const char *colon = strrchr(spec, ':');
	long p;

	*host = NULL;
	if (strcmp(spec, "none") == 0)
		return 0;
	if (colon == NULL || colon == spec || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return -1;
	p = strtol(colon + 1, NULL, 10);
	if (p < 1 || p > 65535)
		return -1;
	*host = xstrndup(spec, (size_t)(colon - spec));
	*port = (int)p;
	return 1;
}

static void
add(struct service_plan *sp, enum service_step k)
{
	sp->step[sp->n++] = k;
}

int
service_plan(struct src *s, const struct desired *ds, int need,
    struct service_plan *sp, char **why)
{
	const struct desired_service *sv = &ds->service;
	int running = sv->state.v == SERVICE_RUNNING, persist = sv->persist.v;
	int args_differ;

	memset(sp, 0, sizeof(*sp));
	if (!sv->sect.set)
		return 0;
	sp->managed = 1;
	sp->sub = sv->subsystem.v;
	if (src_status(s, sp->sub, &sp->st) < 0 ||
	    src_definition(s, sp->sub, &sp->def) < 0)
		return seterr(why, "%s", src_error(s));
	if (sp->st.state == SRC_NOTDEF || !sp->def.defined)
		return seterr(why, "SRC has no subsystem '%s' (lssrc -s %s): "
		    "nothing can start it", sp->sub, sp->sub);
	if (sp->st.state == SRC_STOPPING)
		return seterr(why, "the %s subsystem is stopping; run mailprov "
		    "again once it has stopped", sp->sub);
	if (sp->st.state == SRC_OTHER)
		return seterr(why, "lssrc shows the %s subsystem in a state "
		    "mailprov does not know; nothing was changed", sp->sub);
	if (persist && src_boot_enabled(s, sp->sub, &sp->boot) < 0)
		return seterr(why, "%s", src_error(s));
	args_differ = strcmp(sp->def.args, sv->args.v) != 0;
	if (persist && args_differ)
		add(sp, SERVICE_CHSSYS);
	if (running && sp->st.state == SRC_ACTIVE &&
	    (need & SERVICE_NEED_RESTART))
		add(sp, SERVICE_RESTART);
	else if (running && sp->st.state == SRC_ACTIVE && need)
		add(sp, SERVICE_REFRESH);
	else if (running && sp->st.state != SRC_ACTIVE) {
		add(sp, SERVICE_START);
		/* Stored arguments right (or about to be): start with them. */
		sp->start_with_args = !persist && args_differ;
	} else if (!running && sp->st.state == SRC_ACTIVE)
		add(sp, SERVICE_STOP);
	if (persist && running && !sp->boot)
		add(sp, SERVICE_BOOT_ON);
	else if (persist && !running && sp->boot)
		add(sp, SERVICE_BOOT_OFF);
	return 0;
}

void
service_describe(const struct service_plan *sp, const struct desired *ds,
    size_t i, struct sbuf *out)
{
	const char *args = ds->service.args.v;

	switch (sp->step[i]) {
	case SERVICE_CHSSYS:
		sbuf_addf(out, "chssys -s %s -a \"%s\"", sp->sub, args);
		break;
	case SERVICE_START:
		if (sp->start_with_args)
			sbuf_addf(out, "startsrc -s %s -a \"%s\"", sp->sub,
			    args);
		else
			sbuf_addf(out, "startsrc -s %s", sp->sub);
		break;
	case SERVICE_REFRESH:
		if (sp->def.contact == SRC_SIGNALS)
			sbuf_addf(out, "stopsrc -s %s; startsrc -s %s (a "
			    "signals-only subsystem cannot be refreshed)",
			    sp->sub, sp->sub);
		else
			sbuf_addf(out, "refresh -s %s", sp->sub);
		break;
	case SERVICE_RESTART:
		sbuf_addf(out, "stopsrc -s %s; startsrc -s %s (another "
		    "program: refresh cannot change the executable)", sp->sub,
		    sp->sub);
		break;
	case SERVICE_STOP:
		sbuf_addf(out, "stopsrc -s %s", sp->sub);
		break;
	case SERVICE_BOOT_ON:
		sbuf_addf(out, "chrctcp -a %s (start line of " DEF_RC_TCPIP " "
		    "enabled)", sp->sub);
		break;
	case SERVICE_BOOT_OFF:
		sbuf_addf(out, "chrctcp -d %s (start line of " DEF_RC_TCPIP " "
		    "commented out)", sp->sub);
		break;
	}
}

int
service_apply(struct src *s, const struct desired *ds, struct service_plan *sp,
    enum service_phase phase, struct strlist *done, char **why)
{
	struct sbuf d = { 0 };
	size_t i;
	int rc = 0, boot;

	for (i = 0; i < sp->n && rc == 0; i++) {
		const char *args = ds->service.args.v;

		boot = sp->step[i] == SERVICE_BOOT_ON || sp->step[i] ==
		    SERVICE_BOOT_OFF;
		if (boot != (phase == SERVICE_PHASE_BOOT))
			continue;
		if (sp->step[i] == SERVICE_START ||
		    sp->step[i] == SERVICE_REFRESH ||
		    sp->step[i] == SERVICE_RESTART)
			sp->touched = 1;
		sp->restarted |= sp->step[i] == SERVICE_RESTART;
		switch (sp->step[i]) {
		case SERVICE_CHSSYS:
			rc = src_set_args(s, sp->sub, args);
			break;
		case SERVICE_START:
			rc = src_start(s, sp->sub, sp->start_with_args ? args :
			    "");
			break;
		case SERVICE_REFRESH:
			rc = src_refresh(s, sp->sub, args);
			break;
		case SERVICE_RESTART:
			rc = src_restart(s, sp->sub, args);
			break;
		case SERVICE_STOP:
			rc = src_stop(s, sp->sub);
			if (rc == 0)
				rc = src_wait_stopped(s, sp->sub,
				    DEF_SRC_STOP_WAIT_MS);
			break;
		case SERVICE_BOOT_ON:
		case SERVICE_BOOT_OFF:
			rc = src_set_boot(s, sp->sub, sp->step[i] ==
			    SERVICE_BOOT_ON);
			break;
		}
		d.len = 0;
		service_describe(sp, ds, i, &d);
		if (rc == 0) {
			msg_info("ran %s", d.s);
			if (done != NULL)
				strlist_push(done, d.s);
		} else
			seterr(why, "%s: %s", d.s, src_error(s));
	}
	sbuf_free(&d);
	return rc;
}

/* connect_within - connect, giving up after ms; 0 when connected. */
static int
connect_within(int fd, const struct sockaddr *sa, socklen_t len, int ms)
{
	struct pollfd pf;
	socklen_t el = sizeof(int);
	int flags = fcntl(fd, F_GETFL), e = 0;

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, sa, len) == 0)
		return fcntl(fd, F_SETFL, flags), 0;
	if (errno != EINPROGRESS)
		return -1;
	pf.fd = fd;
	pf.events = POLLOUT;
	if (poll(&pf, 1, ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
	    &el) < 0 || e != 0)
		return -1;
	fcntl(fd, F_SETFL, flags);
	return 0;
}

/*
 * first_token - the first run of s not made of seps, as strtok(s, seps)
 * finds it, or "" when s holds nothing else ("%s" must not get NULL).
 */
static const char *
first_token(char *s, const char *seps)
{
	char *save, *t = strtok_r(s, seps, &save);

	return t != NULL ? t : "";
}

/*
 * offers_starttls - after the 220: EHLO, and the reply (read until its
 * last "250 " line, bounded) lists STARTTLS; then QUIT.
 */
static int
offers_starttls(int fd, const char *host, int port, char *why, size_t n)
{
	static const char ehlo[] = "EHLO mailprov-verify.invalid\r\n";
	struct pollfd pf;
	char buf[4096];
	size_t have = 0;
	ssize_t got;
	int ok;

	snprintf(why, n, "%s:%d does not answer EHLO", host, port);
	if (write(fd, ehlo, sizeof(ehlo) - 1) != (ssize_t)(sizeof(ehlo) - 1))
		return 0;
	pf.fd = fd;
	pf.events = POLLIN;
	while (have < sizeof(buf) - 1 && poll(&pf, 1, 5000) == 1 &&
	    (got = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		have += (size_t)got;
		buf[have] = '\0';
		if (strstr(buf, "\n250 ") != NULL || strncmp(buf, "250 ", 4) ==
		    0 || (buf[0] != '2' && strchr(buf, '\n') != NULL))
			break;
	}
	buf[have] = '\0';
	ok = strstr(buf, "250-STARTTLS") != NULL ||
	    strstr(buf, "250 STARTTLS") != NULL;
	if (!ok && have > 0)
		snprintf(why, n, "%s:%d does not offer STARTTLS after EHLO: "
		    "sendmail dropped it (its syslog says why: look for "
		    "'STARTTLS=server')", host, port);
	(void)!write(fd, "QUIT\r\n", 6);
	return ok;
}

/*
 * greets - something on host:port answers with a 220 line in time (and,
 * with starttls, offers STARTTLS).
 */
static int
greets(const char *host, int port, int starttls, char *why, size_t n)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct pollfd pf;
	char serv[16], buf[256];
	ssize_t got;
	int fd, ok = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	snprintf(serv, sizeof(serv), "%d", port);
	if (getaddrinfo(host, serv, &hints, &res) != 0) {
		snprintf(why, n, "cannot resolve %s", host);
		return 0;
	}
	snprintf(why, n, "nothing accepts on %s:%d", host, port);
	for (ai = res; ai != NULL && !ok; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype,
		    ai->ai_protocol)) < 0)
			continue;
		if (connect_within(fd, ai->ai_addr, ai->ai_addrlen, 5000) ==
		    0) {
			pf.fd = fd;
			pf.events = POLLIN;
			if (poll(&pf, 1, 5000) == 1 &&
			    (got = read(fd, buf, sizeof(buf) - 1)) > 0) {
				buf[got] = '\0';
				ok = strncmp(buf, "220", 3) == 0;
				if (ok && starttls)
					ok = offers_starttls(fd, host, port,
					    why, n);
				else if (!ok)
					snprintf(why, n, "%s:%d greets with "
					    "'%.40s', not 220", host, port,
					    first_token(buf, "\r\n"));
			} else
				snprintf(why, n, "%s:%d sends no greeting",
				    host, port);
		}
		close(fd);
	}
	freeaddrinfo(res);
	return ok;
}

/* poll_active - lssrc until sub is active and stays so; 0 when it is. */
static int
poll_active(struct src *s, const char *sub, const struct service_checks *v,
    struct src_status *st, char **why)
{
	struct timespec nap;
	int i, tries = v->tries ? v->tries : DEF_VERIFY_TRIES;
	int ms = v->interval_ms ? v->interval_ms : DEF_VERIFY_INTERVAL_MS;
	long pid;

	nap.tv_sec = ms / 1000;
	nap.tv_nsec = (long)(ms % 1000) * 1000000;
	for (i = 0; i < tries; i++) {
		if (src_status(s, sub, st) < 0)
			return seterr(why, "verify: %s", src_error(s));
		if (st->state == SRC_ACTIVE)
			break;
		if (i + 1 < tries)
			nanosleep(&nap, NULL);
	}
	if (st->state != SRC_ACTIVE)
		return seterr(why, "verify: lssrc says %s is %s, not active",
		    sub, src_state_name(st->state));
	if (tries == 1)
		return 0;
	/* Up is not enough: still up, the same process, a moment later. */
	pid = st->pid;
	nanosleep(&nap, NULL);
	if (src_status(s, sub, st) < 0)
		return seterr(why, "verify: %s", src_error(s));
	if (st->state != SRC_ACTIVE || (pid > 0 && st->pid != pid))
		return seterr(why, "verify: %s did not stay up (lssrc now says "
		    "%s%s)", sub, src_state_name(st->state),
		    st->state == SRC_ACTIVE ? ", another pid" : "");
	return 0;
}

int
service_verify(struct src *s, const struct desired *ds,
    const struct service_checks *v, char **why)
{
	const char *sub = ds->service.subsystem.v;
	struct src_status st;
	struct sbuf line = { 0 };
	char reason[200];
	int r = -1;

	memset(&st, 0, sizeof(st));
	if (poll_active(s, sub, v, &st, why) < 0)
		return -1;
	sbuf_addf(&line, "verify: lssrc says %s is active", sub);
	if (st.pid > 0)
		sbuf_addf(&line, " (pid %ld)", st.pid);
	if (v->host != NULL) {
		if (!greets(v->host, v->port, v->starttls, reason,
		    sizeof(reason))) {
			seterr(why, "verify: %s", reason);
			goto out;
		}
		sbuf_addf(&line, "; %s:%d greets with 220%s", v->host, v->port,
		    v->starttls ? " and offers STARTTLS" : "");
	}
	if (v->sendmail != NULL) {
		if (sendmail_verify(v->sendmail, v->cf, v->timeout_ms,
		    why) < 0) {
			seterr(why, "verify: %s", *why);
			goto out;
		}
		sbuf_adds(&line, "; sendmail -bv postmaster resolves");
	}
	if (v->host == NULL && v->sendmail == NULL)
		sbuf_addf(&line, "; port and -bv checks not run (the %s SRC "
		    "backend starts nothing)", src_backend_name(s));
	r = 0;
out:
	msg_info("%s", line.s);
	sbuf_free(&line);
	return r;
}

int
service_restore(struct src *s, const struct desired *ds,
    const struct service_plan *sp, char **why)
{
	const char *sub = ds->service.subsystem.v;
	struct src_status st;
	int rc;

	if (!sp->touched)
		return 0;	/* it never saw the new files */
	if (src_status(s, sub, &st) < 0)
		return seterr(why, "%s", src_error(s));
	if (sp->st.state != SRC_ACTIVE) {
		/* It was not running before this run: leave it stopped. */
		if (st.state != SRC_ACTIVE)
			return 0;
		rc = src_stop(s, sub);
		msg_say(rc == 0 ? MSG_INFO : MSG_ERROR, "%s stopsrc -s %s (it "
		    "was not running before this run)", rc == 0 ? "ran" :
		    "FAILED:", sub);
	} else if (st.state == SRC_ACTIVE && sp->restarted) {
		rc = src_restart(s, sub, ds->service.args.v);
		msg_say(rc == 0 ? MSG_INFO : MSG_ERROR, "%s stopsrc -s %s; "
		    "startsrc -s %s after the rollback (the old program)",
		    rc == 0 ? "ran" : "FAILED:", sub, sub);
	} else if (st.state == SRC_ACTIVE) {
		rc = src_refresh(s, sub, ds->service.args.v);
		msg_say(rc == 0 ? MSG_INFO : MSG_ERROR, "%s refresh -s %s "
		    "after the rollback", rc == 0 ? "ran" : "FAILED:", sub);
	} else {
		rc = src_start_as(s, sub, ds->service.args.v);
		msg_say(rc == 0 ? MSG_INFO : MSG_ERROR, "%s startsrc -s %s "
		    "after the rollback", rc == 0 ? "ran" : "FAILED:", sub);
	}
	return rc < 0 ? seterr(why, "%s", src_error(s)) : 0;
}
