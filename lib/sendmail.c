/*
 * sendmail.c - the runs of the sendmail binary.
 *
 * Contract: see sendmail.h.  One argv builder, one place for the default
 * time limits and for the words a run that did not finish gets.
 */
#include "sendmail.h"
#include "fileio.h"
#include "paths.h"

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * qualified - sendmail will find a name with a dot for this host: the
 * name itself has one, or the resolver's canonical name for it does.
 * Otherwise every sendmail run sleeps 60 s first ("My unqualified host
 * name (vm) unknown; sleeping for retry"): say so at once instead.
 */
static int
qualified(char **why)
{
	struct addrinfo hints, *res = NULL;
	char host[256];
	int ok;

	if (gethostname(host, sizeof(host)) < 0)
		return 0;	/* sendmail will tell */
	host[sizeof(host) - 1] = '\0';
	if (strchr(host, '.') != NULL)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_CANONNAME;
	ok = getaddrinfo(host, NULL, &hints, &res) == 0 && res != NULL &&
	    res->ai_canonname != NULL && strchr(res->ai_canonname, '.') != NULL;
	if (res != NULL)
		freeaddrinfo(res);
	if (ok)
		return 0;
	return seterr(why, "this host's name '%s' cannot be qualified, and "
	    "sendmail would wait 60 s for it at every start: add its FQDN to "
	    "/etc/hosts, e.g. \"10.1.2.3 %s.example.net %s\" with its own "
	    "address and domain", host, host, host);
}

/*
 * run - sendmail -C cf MODE [ARG] with input, within timeout_ms (0: def).
 * -1 with *why when it could not be started.
 */
static int
run(const char *sendmail, const char *cf, const char *mode, const char *arg,
    const char *input, size_t len, int timeout_ms, int def,
    struct proc_result *r, char **why)
{
	const char *argv[] = { sendmail, "-C", cf, mode, arg, NULL };

	if (qualified(why) < 0)
		return -1;
	/* proc_run does not write to argv; the cast is only its C type. */
	if (proc_run((char *const *)(uintptr_t)argv, input, len,
	    timeout_ms > 0 ? timeout_ms : def, r) < 0)
		return seterr(why, "cannot run %s: %s", sendmail,
		    strerror(errno));
	return 0;
}

int
sendmail_test(const char *sendmail, const char *cf, const char *input,
    size_t len, int timeout_ms, struct proc_result *r, char **why)
{
	return run(sendmail, cf, "-bt", NULL, input, len, timeout_ms,
	    DEF_SENDMAIL_TIMEOUT_MS, r, why);
}

int
sendmail_compile_info(const char *sendmail, int timeout_ms,
    struct proc_result *r, char **why)
{
	/* The block comes first; /dev/null keeps any real cf unread. */
	return run(sendmail, "/dev/null", "-d0.1", "-bt", NULL, 0, timeout_ms,
	    DEF_SENDMAIL_TIMEOUT_MS, r, why);
}

/* first_line - the first line of s (cut in place), or "" for none. */
static char *
first_line(char *s)
{
	s[strcspn(s, "\n")] = '\0';
	return s;
}

/* has_line_prefix - some line of text starts with pre and holds mid. */
static int
has_line_prefix(const char *text, const char *pre, const char *mid)
{
	const char *p = text, *nl;
	size_t pl = strlen(pre);

	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (strncmp(p, pre, pl) == 0) {
			char *ln = xstrndup(p, (size_t)(nl - p));
			int ok = strstr(ln, mid) != NULL;

			free(ln);
			if (ok)
				return 1;
		}
		if (*nl == '\0')
			break;
	}
	return 0;
}

/* locked - another rebuild holds the database: it says so, exits 0. */
static int
locked(const struct proc_result *r, const char *want)
{
	return !r->timed_out && r->status == 0 &&
	    !has_line_prefix(r->out.s, want, " aliases,") &&
	    (strstr(r->err.s, "is locked") != NULL ||
	    strstr(r->out.s, "is locked") != NULL);
}

int
sendmail_newaliases(const char *sendmail, const char *cf, const char *afile,
    int timeout_ms, char **why)
{
	struct proc_result r;
	char *oa = xasprintf("-oA%s", afile), *want, desc[64];
	int limit = timeout_ms > 0 ? timeout_ms : DEF_NEWALIASES_TIMEOUT_MS;
	int waited = 0, rc;

	want = xasprintf("%s: ", afile);
	for (;;) {
		if (run(sendmail, cf, "-bi", oa, NULL, 0, limit - waited, limit,
		    &r, why) < 0) {
			rc = seterr(why, "rebuilding the alias database: %s",
			    *why);
			goto out;
		}
		/*
		 * A sendmail whose mailprov was killed may still be rebuilding:
		 * wait for it, within the same time limit.
		 */
		if (!locked(&r, want) || waited + 1000 >= limit)
			break;
		proc_result_free(&r);
		sleep(1);
		waited += 1000;
	}
	/*
	 * sendmail -bi can exit 0 having built nothing ("cannot open ..."):
	 * success is its "PATH: N aliases" line for our file.
	 */
	if (r.timed_out || locked(&r, want))
		rc = seterr(why, "rebuilding the alias database: sendmail -bi "
		    "%s", r.timed_out ? proc_describe(&r, desc, sizeof(desc)) :
		    "found the database locked until the time limit");
	else if (r.status != 0 ||
	    !has_line_prefix(r.out.s, want, " aliases,")) {
		char *line = first_line(r.err.len ? r.err.s : r.out.s);

		seterr(why, "rebuilding the alias database (sendmail -bi) "
		    "failed, %s: %s", proc_describe(&r, desc, sizeof(desc)),
		    *line ? line : "no report of the aliases file");
		rc = SENDMAIL_REFUSED;
	} else
		rc = 0;
	proc_result_free(&r);
out:
	free(oa);
	free(want);
	return rc;
}

int
sendmail_verify(const char *sendmail, const char *cf, int timeout_ms,
    char **why)
{
	struct proc_result r;
	char desc[64];
	int ok;

	if (run(sendmail, cf, "-bv", "postmaster", NULL, 0, timeout_ms,
	    DEF_SENDMAIL_TIMEOUT_MS, &r, why) < 0)
		return -1;
	ok = !r.timed_out && r.status == 0 &&
	    strstr(r.out.s, "deliverable") != NULL &&
	    strstr(r.out.s, "undeliverable") == NULL;
	if (r.timed_out)
		seterr(why, "sendmail -bv postmaster %s", proc_describe(&r,
		    desc, sizeof(desc)));
	else if (!ok)
		seterr(why, "sendmail -bv postmaster: %.80s", r.out.len ?
		    first_line(r.out.s + strspn(r.out.s, "\n")) : "no answer");
	proc_result_free(&r);
	return ok ? 0 : -1;
}

/*
 * smtp_refused - does out hold the last line of an SMTP reply that is
 * not a success (a 4xx or 5xx code and a blank)?  sendmail greets with
 * 421 when it will not serve, 554 when it refuses this client.
 */
static int
smtp_refused(const char *out)
{
	const char *l;

	for (l = out; l != NULL && *l != '\0'; l = strchr(l, '\n'),
	    l = l != NULL ? l + 1 : NULL)
		if ((l[0] == '4' || l[0] == '5') && isdigit((unsigned char)l[1]) &&
		    isdigit((unsigned char)l[2]) && l[3] == ' ')
			return 1;
	return 0;
}

int
sendmail_starttls(const char *sendmail, const char *cf, int timeout_ms,
    char **why)
{
	static const char ehlo[] = "EHLO " SENDMAIL_PROBE_NAME "\r\n";
	static const char quit[] = "QUIT\r\n";
	const struct proc_step steps[] = {
		{ "220 ", ehlo, sizeof(ehlo) - 1, smtp_refused },
		{ "\n250 ", quit, sizeof(quit) - 1, smtp_refused },
	};
	const char *argv[] = { sendmail, "-C", cf, "-bs", "-Am", NULL };
	struct proc_result r;
	char desc[64];
	int ok;

	if (qualified(why) < 0)
		return -1;
	if (proc_converse((char *const *)(uintptr_t)argv, steps, 2,
	    timeout_ms > 0 ? timeout_ms : DEF_SENDMAIL_TIMEOUT_MS, &r) < 0)
		return seterr(why, "cannot run %s: %s", sendmail,
		    strerror(errno));
	ok = !r.timed_out && (strstr(r.out.s, "\n250-STARTTLS") != NULL ||
	    strstr(r.out.s, "\n250 STARTTLS") != NULL);
	if (r.timed_out)
		seterr(why, "sendmail -bs %s%s%.120s", proc_describe(&r, desc,
		    sizeof(desc)), r.out.len ? "; it said: " : "",
		    r.out.len ? first_line(r.out.s) : "");
	else if (!ok && strncmp(r.out.s, "220", 3) != 0)
		seterr(why, "sendmail -bs did not greet: %.120s", r.out.len ?
		    first_line(r.out.s) : first_line(r.err.s));
	else if (!ok) {
		seterr(why, "sendmail -bs does not offer STARTTLS after EHLO "
		    "with the new configuration");
		proc_result_free(&r);
		return SENDMAIL_NO_STARTTLS;
	}
	proc_result_free(&r);
	return ok ? 0 : -1;
}

int
sendmail_makemap(const char *makemap, const char *cf, const char *class,
    const char *file, int timeout_ms, char **why)
{
	const char *argv[] = { makemap, "-C", cf, class, file, NULL };
	struct proc_result r;
	char *buf, desc[64];
	size_t len;
	int rc = 0;

	if (fileio_read(file, PROC_OUTPUT_MAX, 0, &buf, &len) < 0)
		return seterr(why, "rebuilding the %s map: cannot read %s: %s",
		    class, file, strerror(errno));
	if (proc_run((char *const *)(uintptr_t)argv, buf, len,
	    timeout_ms > 0 ? timeout_ms : DEF_SENDMAIL_TIMEOUT_MS, &r) < 0) {
		util_wipe(buf, len);
		free(buf);
		return seterr(why, "cannot run %s: %s", makemap,
		    strerror(errno));
	}
	util_wipe(buf, len);	/* an access map's source may hold a password */
	free(buf);
	if (r.timed_out || r.status != 0 || r.err.len > 0)
		rc = seterr(why, "%s %s %s failed, %s: %s", makemap, class,
		    file, proc_describe(&r, desc, sizeof(desc)), r.err.len ?
		    first_line(r.err.s) : "no message");
	proc_result_free(&r);
	return rc;
}
