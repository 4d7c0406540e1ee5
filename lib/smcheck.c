/*
 * smcheck.c - sendmail -bt as the oracle for a candidate configuration.
 *
 * Contract: see smcheck.h.  The output of address test mode is: lines
 * about the configuration (errors, warnings), the banner "ADDRESS TEST
 * MODE ..." and "Enter <ruleset> <address>", then for each command a
 * prompt "> " and the command's output, and a last "> ".  A load error
 * names the file and line ("cf: line 12: ..."); those make the candidate
 * unacceptable.  Other lines before the banner are kept as warnings.
 */
#include "smcheck.h"
#include "sendmail.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


static const char *const commands[] = {
	"$w", "$m", "$j", "$S", "$=w", ("/parse " SMCHECK_REMOTE), NULL
};

void
smcheck_seen_free(struct smcheck_seen *s)
{
	free(s->w), free(s->m), free(s->j), free(s->S);
	free(s->remote_mailer), free(s->remote_host), free(s->local_mailer);
	free(s->local_host), free(s->relay_to), free(s->relay_other);
	free(s->domain_mailer), free(s->domain_host);
	strlist_clear(&s->class_w);
	strlist_clear(&s->class_r);
	strlist_clear(&s->warnings);
	memset(s, 0, sizeof(*s));
}

/* chomp_dup - segment text without its last newline. */
static char *
chomp_dup(const char *s, size_t n)
{
	if (n > 0 && s[n - 1] == '\n')
		n--;
	return xstrndup(s, n);
}

/* parse_mailer - from "mailer X, host Y, user Z" lines in a /parse segment. */
static void
parse_mailer(const char *seg, char **mailer, char **host)
{
	const char *p = seg, *q;
	size_t n;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, "mailer ", 7) == 0) {
			p += 7;
			n = strcspn(p, ",\n");
			*mailer = xstrndup(p, n);
			q = p + n;
			if (strncmp(q, ", host ", 7) == 0) {
				q += 7;
				*host = xstrndup(q, strcspn(q, ",\n"));
			}
			return;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
}

/* bare_host - host without brackets and trailing dot, for comparing. */
static char *
bare_host(const char *h)
{
	const char *colon = strchr(h, ':');
	char *r;
	size_t n;

	if (colon != NULL && (strchr(h, '[') == NULL || colon < strchr(h, '[')))
		h = colon + 1;		/* mailer: prefix */
	if (*h == '[')
		h++;
	r = xstrdup(h);
	n = strlen(r);
	while (n > 0 && (r[n - 1] == ']' || r[n - 1] == '.'))
		r[--n] = '\0';
	return r;
}

/* split_output - fill seen from sendmail's stdout; -1 if no banner. */
static int
split_output(const char *out, struct smcheck_seen *seen, size_t ncmd,
    char **segs)
{
	const char *banner = strstr(out, "Enter <ruleset> <address>\n");
	const char *p, *nl, *next;
	size_t k;

	if (banner == NULL)
		banner = out + strlen(out);
	for (p = out; p < banner; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL || nl > banner)
			break;
		if (strncmp(p, "ADDRESS TEST MODE", 17) != 0 && nl > p)
			strlist_take(&seen->warnings, xstrndup(p,
			    (size_t)(nl - p)));
	}
	if (*banner == '\0')
		return -1;
	p = banner + strlen("Enter <ruleset> <address>\n");
	for (k = 0; k < ncmd; k++) {
		if (strncmp(p, "> ", 2) != 0)
			return -1;
		p += 2;
		if (strncmp(p, "> ", 2) == 0) {
			segs[k] = xstrdup("");	/* no output at all ($=w empty) */
			continue;
		}
		next = strstr(p, "\n> ");
		if (next == NULL)
			return -1;
		segs[k] = chomp_dup(p, (size_t)(next - p) + 1);
		p = next + 1;
	}
	return 0;
}


/* denied - a check_rcpt verdict that refuses the recipient. */
static int
denied(const char *v)
{
	return v != NULL && strstr(v, "$# error") != NULL;
}

/*
 * compare_relay - relay-domains has its effect: an address in a relay
 * domain is accepted from any client, one elsewhere is not.
 */
static char *
compare_relay(const struct smcheck_want *w, const struct smcheck_seen *s)
{
	if (!w->relay_check)
		return NULL;
	if (s->relay_other == NULL || !denied(s->relay_other))
		return xasprintf("sendmail accepts mail for %s from %s (check_rcpt "
		    "says '%s'): that would be an open relay", SMCHECK_OTHER,
		    SMCHECK_CLIENT, s->relay_other ? s->relay_other : "nothing");
	if (w->relay_to != NULL && (s->relay_to == NULL ||
	    denied(s->relay_to)))
		return xasprintf("sendmail refuses to relay for %s, in "
		    "relay_domains (check_rcpt says '%s')", w->relay_to,
		    s->relay_to ? s->relay_to : "nothing");
	return NULL;
}

/* compare - the wanted answers against what sendmail said. */
static char *
compare(const struct smcheck_want *w, const struct smcheck_seen *s)
{
	char *want, *got;
	size_t i;

	if (w->hostname && strcmp(s->w, w->hostname) != 0)
		return xasprintf("sendmail says $w is '%s', want '%s'", s->w,
		    w->hostname);
	if (w->domain && strcmp(s->m, w->domain) != 0)
		return xasprintf("sendmail says $m is '%s', want '%s'", s->m,
		    w->domain);
	if (w->fqdn && strcmp(s->j, w->fqdn) != 0)
		return xasprintf("sendmail says $j is '%s', want '%s'", s->j,
		    w->fqdn);
	if (w->smart_host && strcmp(s->S, w->smart_host) != 0)
		return xasprintf("sendmail says $S is '%s', want '%s'", s->S,
		    w->smart_host);
	for (i = 0; w->accept_names && i < w->accept_names->n; i++)
		if (strlist_find(&s->class_w, w->accept_names->v[i], 1) < 0)
			return xasprintf("sendmail's class w lacks '%s' (a "
			    "class file in a group- or world-writable "
			    "directory is skipped by sendmail)",
			    w->accept_names->v[i]);
	if (s->remote_mailer == NULL || strcmp(s->remote_mailer, "*error*") ==
	    0)
		return xasprintf("sendmail cannot route %s", SMCHECK_REMOTE);
	if (w->relay_all && w->smart_host && *w->smart_host) {
		want = bare_host(w->smart_host);
		got = bare_host(s->remote_host ? s->remote_host : "");
		if (strcasecmp(want, got) != 0) {
			char *r = xasprintf("sendmail routes " SMCHECK_REMOTE
			    " to '%s', not to the smart host '%s'", got, want);

			free(want), free(got);
			return r;
		}
		free(want), free(got);
	}
	if (w->relay_all && w->domain_addr && w->smart_host && *w->smart_host) {
		want = bare_host(w->smart_host);
		got = bare_host(s->domain_host ? s->domain_host : "");
		if (strcasecmp(want, got) != 0) {
			char *r = xasprintf("sendmail routes %s to '%s', not to the "
			    "smart host '%s'", w->domain_addr, got, want);

			free(want), free(got);
			return r;
		}
		free(want), free(got);
	}
	if (w->local_addr && (s->local_mailer == NULL ||
	    strcmp(s->local_mailer, "*error*") == 0))
		return xasprintf("sendmail cannot route %s", w->local_addr);
	return compare_relay(w, s);
}

/* rcpt_verdict - what "check_rcpt" returned in a segment, or NULL. */
static char *
rcpt_verdict(const char *seg)
{
	const char *p, *last = NULL;

	for (p = seg; p != NULL && (p = strstr(p, "check_rcpt ")) != NULL;
	    p++) {
		const char *r = p + strspn(p + 10, " ") + 10;

		if ((p == seg || p[-1] == '\n') && strncmp(r, "returns: ", 9) ==
		    0)
			last = r + 9;
	}
	return last ? xstrndup(last, strcspn(last, "\n")) : NULL;
}

/* input - the -bt commands for w; their number. */
static size_t
input(const struct smcheck_want *w, struct sbuf *in)
{
	size_t n;

	for (n = 0; commands[n] != NULL; n++)
		sbuf_addf(in, "%s\n", commands[n]);
	if (w->class_r)
		sbuf_adds(in, "$=R\n"), n++;
	if (w->local_addr != NULL)
		sbuf_addf(in, "/parse %s\n", w->local_addr), n++;
	if (w->domain_addr != NULL)
		sbuf_addf(in, "/parse %s\n", w->domain_addr), n++;
	if (w->relay_check) {
		/* An SMTP client that is not this host nor a relay client. */
		sbuf_addf(in, ".D{client_addr}%s\n.D{client_name}%s\n"
		    "check_rcpt <%s>\n", SMCHECK_CLIENT, SMCHECK_CLIENT_NAME,
		    SMCHECK_OTHER), n += 3;
		if (w->relay_to != NULL)
			sbuf_addf(in, "check_rcpt <%s>\n", w->relay_to), n++;
	}
	return n;
}

/* class_lines - the members of a class, one a line, into l. */
static void
class_lines(const char *seg, struct strlist *l)
{
	const char *p;

	for (p = seg; p != NULL && *p != '\0'; p += strcspn(p, "\n"),
	    p += *p == '\n') {
		size_t n = strcspn(p, "\n");

		if (n > 0)
			strlist_take(l, xstrndup(p, n));
	}
}

/* assign - the answers, segment by segment, into seen. */
static void
assign(const struct smcheck_want *w, char **segs, struct smcheck_seen *seen)
{
	size_t i = 6;

	seen->w = segs[0], seen->m = segs[1], seen->j = segs[2];
	seen->S = segs[3];
	segs[0] = segs[1] = segs[2] = segs[3] = NULL;
	class_lines(segs[4], &seen->class_w);
	parse_mailer(segs[5], &seen->remote_mailer, &seen->remote_host);
	if (w->class_r)
		class_lines(segs[i++], &seen->class_r);
	if (w->local_addr != NULL)
		parse_mailer(segs[i++], &seen->local_mailer, &seen->local_host);
	if (w->domain_addr != NULL)
		parse_mailer(segs[i++], &seen->domain_mailer,
		    &seen->domain_host);
	if (w->relay_check) {
		seen->relay_other = rcpt_verdict(segs[i + 2]);
		if (w->relay_to != NULL)
			seen->relay_to = rcpt_verdict(segs[i + 3]);
	}
}

/* load_failed - sendmail did not load the cf, or reported a line. */
static char *
load_failed(const struct proc_result *r, const struct smcheck_seen *seen,
    int split)
{
	char desc[64];
	size_t i;

	if (split < 0 || r->status != 0) {
		struct sbuf m = { 0 };

		sbuf_addf(&m, "sendmail rejects the new configuration (%s)",
		    proc_describe(r, desc, sizeof(desc)));
		if (seen->warnings.n > 0)
			sbuf_addf(&m, ": %s", seen->warnings.v[0]);
		return m.s;
	}
	for (i = 0; i < seen->warnings.n; i++)
		if (strstr(seen->warnings.v[i], ": line ") != NULL)
			return xasprintf("sendmail reports an error in the new "
			    "configuration: %s", seen->warnings.v[i]);
	return NULL;
}

int
smcheck_run(const char *sendmail, const char *cf, int timeout_ms,
    const struct smcheck_want *w, struct smcheck_seen *seen, char **why)
{
	struct proc_result r;
	struct sbuf in = { 0 };
	char **segs, desc[64];
	size_t ncmd, i;

	memset(seen, 0, sizeof(*seen));
	*why = NULL;
	ncmd = input(w, &in);
	segs = xcalloc(ncmd, sizeof(*segs));
	if (sendmail_test(sendmail, cf, in.s, in.len, timeout_ms, &r,
	    why) < 0)
		goto out_noresult;
	if (r.timed_out)
		*why = xasprintf("sendmail -bt %s", proc_describe(&r, desc,
		    sizeof(desc)));
	else if ((*why = load_failed(&r, seen, split_output(r.out.s, seen,
	    ncmd, segs))) == NULL) {
		assign(w, segs, seen);
		*why = compare(w, seen);
	}
	proc_result_free(&r);
out_noresult:
	for (i = 0; i < ncmd; i++)
		free(segs[i]);
	free(segs);
	sbuf_free(&in);
	return *why == NULL ? 0 : -1;
}
