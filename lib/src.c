/*
 * src.c - the SRC adapter's common part: choosing a backend, the
 * wrappers every caller goes through, the journal, and the parsers of
 * lssrc's output formats.
 *
 * Contract: see src.h.  lssrc -s prints a header and one line per
 * instance, "name [group] [pid] status", where the group and PID columns
 * may be empty: it is read by tokens (first the name, last the status, a
 * number the PID, anything else the group).  lssrc -S prints a '#' header
 * and the ODM record as colon-terminated fields; the contact method is
 * field 11 (-K sockets, -S signals, empty for message queues).
 */
#include "src.h"
#include "fileio.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct src *
src_open(const char *name, const struct src_config *cfg)
{
	const struct src_backend *be;
	struct src *s;

	if (strcmp(name, "exec") == 0)
		be = &src_exec_backend;
	else if (strcmp(name, "mock") == 0)
		be = &src_mock_backend;
	else
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->be = be;
	s->cfg = *cfg;
	s->state_dir = xstrdup(cfg->state_dir);
	s->cfg.state_dir = s->state_dir;
	if (s->cfg.timeout_ms <= 0)
		s->cfg.timeout_ms = 60000;
	return s;
}

const char *
src_error(const struct src *s)
{
	return s->err;
}

const char *
src_backend_name(const struct src *s)
{
	return s->be->name;
}

void
src_close(struct src *s)
{
	if (s == NULL)
		return;
	free(s->state_dir);
	free(s);
}

int
src_seterr(struct src *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return -1;
}

void
src_journal(struct src *s, const char *fmt, ...)
{
	struct sbuf path = { 0 };
	va_list ap;
	char *text, *line;
	size_t n;
	int fd;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	line = xasprintf("%s\n", text);
	n = strlen(text);
	free(text);
	sbuf_addf(&path, "%s/journal", s->state_dir);
	fileio_mkdirs(s->state_dir, 0700);
	/* One write of a whole line with O_APPEND: lines never interleave. */
	fd = open(path.s, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		if (write(fd, line, n + 1) < 0)
			(void)0;	/* the journal is a record, not a step */
		close(fd);
	}
	free(line);
	sbuf_free(&path);
}

const char *
src_state_name(enum src_state st)
{
	switch (st) {
	case SRC_ACTIVE:
		return "active";
	case SRC_INOPERATIVE:
		return "inoperative";
	case SRC_STOPPING:
		return "stopping";
	case SRC_NOTDEF:
		return "not defined";
	default:
		return "unknown";
	}
}

int
src_status(struct src *s, const char *sub, struct src_status *st)
{
	memset(st, 0, sizeof(*st));
	return s->be->status(s, sub, st);
}

int
src_definition(struct src *s, const char *sub, struct src_def *d)
{
	memset(d, 0, sizeof(*d));
	return s->be->definition(s, sub, d);
}

int
src_start(struct src *s, const char *sub, const char *args)
{
	return s->be->start(s, sub, args);
}

int
src_stop(struct src *s, const char *sub)
{
	return s->be->stop(s, sub);
}

int
src_start_as(struct src *s, const char *sub, const char *args)
{
	struct src_def d;

	if (src_definition(s, sub, &d) < 0)
		return -1;
	return src_start(s, sub, args == NULL || strcmp(d.args, args) == 0 ?
	    "" : args);
}

int
src_wait_stopped(struct src *s, const char *sub, int timeout_ms)
{
	struct src_status st;
	struct timespec nap = { 0, 100 * 1000 * 1000 };
	int waited;

	for (waited = 0;; waited += 100) {
		if (src_status(s, sub, &st) < 0)
			return -1;
		if (st.state != SRC_ACTIVE && st.state != SRC_STOPPING)
			return 0;
		if (waited >= timeout_ms)
			return src_seterr(s, "%s is still %s after %d s; stop "
			    "it with stopsrc -c -s %s", sub,
			    src_state_name(st.state), timeout_ms / 1000, sub);
		nanosleep(&nap, NULL);
	}
}

int
src_restart(struct src *s, const char *sub, const char *args)
{
	/* stopsrc only asks; the process may take a while to go. */
	if (src_stop(s, sub) < 0 || src_wait_stopped(s, sub, 30000) < 0)
		return -1;
	return src_start_as(s, sub, args);
}

int
src_refresh(struct src *s, const char *sub, const char *args)
{
	struct src_def d;

	if (src_definition(s, sub, &d) < 0)
		return -1;
	if (d.contact == SRC_SIGNALS)	/* 0513-005: SRC would refuse */
		return src_restart(s, sub, args);
	return s->be->refresh(s, sub);
}

int
src_set_args(struct src *s, const char *sub, const char *args)
{
	return s->be->set_args(s, sub, args);
}

int
src_boot_enabled(struct src *s, const char *sub, int *on)
{
	return s->be->boot_enabled(s, sub, on);
}

int
src_set_boot(struct src *s, const char *sub, int on)
{
	return s->be->set_boot(s, sub, on);
}

/* ------------------------------------------------------------ parsers */

int
src_parse_lssrc_s(const char *out, const char *sub, struct src_status *st)
{
	const char *p = out, *nl;
	char line[512], *tok[8], *save, *t;
	struct src_status one;
	size_t n, ntok;
	int found = 0;

	memset(st, 0, sizeof(*st));
	for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		n = (size_t)(nl - p) < sizeof(line) - 1 ? (size_t)(nl - p) :
		    sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		ntok = 0;
		for (t = strtok_r(line, " \t", &save); t != NULL && ntok < 8;
		    t = strtok_r(NULL, " \t", &save))
			tok[ntok++] = t;
		if (ntok < 2 || strcmp(tok[0], sub) != 0)
			continue;	/* the header, or another subsystem */
		t = tok[ntok - 1];
		one.state = strcmp(t, "active") == 0 ? SRC_ACTIVE :
		    strcmp(t, "inoperative") == 0 ? SRC_INOPERATIVE :
		    strcmp(t, "stopping") == 0 ? SRC_STOPPING : SRC_OTHER;
		one.pid = 0;
		one.group[0] = '\0';
		for (n = 1; n + 1 < ntok; n++) {
			if (strspn(tok[n], "0123456789") == strlen(tok[n]))
				one.pid = atol(tok[n]);
			else
				snprintf(one.group, sizeof(one.group), "%s",
				    tok[n]);
		}
		/*
		 * After chssys on a running subsystem lssrc can list it twice
		 * (the running instance, the changed record inoperative): the
		 * instance that runs is the one that counts.
		 */
		if (!found || (one.state == SRC_ACTIVE && st->state !=
		    SRC_ACTIVE) || (one.state == SRC_STOPPING && st->state !=
		    SRC_ACTIVE))
			*st = one;
		found = 1;
	}
	return found ? 0 : -1;
}

int
src_parse_lssrc_S(const char *out, const char *sub, struct src_def *d)
{
	const char *p = out, *nl, *f[24];
	size_t nf, len[24];

	memset(d, 0, sizeof(*d));
	for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		if (*p == '#')
			continue;
		/* Split "a:b:...:" into fields, each ended by ':'. */
		for (nf = 0; nf < 24 && p < nl; nf++) {
			const char *c = memchr(p, ':', (size_t)(nl - p));

			if (c == NULL)
				break;
			f[nf] = p;
			len[nf] = (size_t)(c - p);
			p = c + 1;
		}
		if (nf < 12 || len[0] != strlen(sub) ||
		    strncmp(f[0], sub, len[0]) != 0)
			continue;
		d->defined = 1;
		snprintf(d->args, sizeof(d->args), "%.*s", (int)len[2], f[2]);
		snprintf(d->path, sizeof(d->path), "%.*s", (int)len[3], f[3]);
		if (len[11] == 2 && strncmp(f[11], "-K", 2) == 0)
			d->contact = SRC_SOCKETS;
		else if (len[11] == 2 && strncmp(f[11], "-S", 2) == 0)
			d->contact = SRC_SIGNALS;
		else if (len[11] == 0)
			d->contact = SRC_MSGQ;
		else
			d->contact = SRC_UNKNOWN;
		return 0;
	}
	return -1;
}
