/*
 * candidate.c - the private check copy and what sendmail says about it.
 *
 * Contract: see candidate.h.  The copies live in a new private directory
 * (mkdtemp, 0700) and are deleted after the check: nothing is synced.
 */
#include "candidate.h"
#include "fileio.h"
#include "paths.h"
#include "sendmail.h"
#include "smcheck.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * write_check_file - dir/name holding buf; its path, or NULL with the
 * reason in *why.
 */
static char *
write_check_file(const char *root, const char *dir, const char *name,
    const struct sbuf *buf, char **why)
{
	char *path = xasprintf("%s/%s", dir, name);

	if (fileio_create(path, buf->s, buf->len) < 0) {
		seterr(why, "writing the check copy %s: %s",
		    fileio_inside(root, path), strerror(errno));
		free(path);
		return NULL;
	}
	return path;
}

/*
 * remove_check_dir - a check directory and the copies in it; 0 when it is
 * gone.  Also for the directories of a run killed during its check.
 */
static int
remove_check_dir(const char *dir)
{
	struct dirent *de;
	DIR *dp;
	char *f;

	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		f = xasprintf("%s/%s", dir, de->d_name);
		unlink(f);
		free(f);
	}
	closedir(dp);
	return rmdir(dir);
}

/* make_check_dir - a new private check directory, or NULL with *why. */
static char *
make_check_dir(const struct candidate_opts *o, char **why)
{
	char *dir;

	if (fileio_mkdirs(o->state_dir, 0700) < 0) {
		seterr(why, "%s: %s", o->state_dir, strerror(errno));
		return NULL;
	}
	dir = xasprintf("%s/%s", o->state_dir, STATE_CHECK_TEMPLATE);
	if (mkdtemp(dir) == NULL) {
		seterr(why, "cannot make a check directory in %s: %s",
		    o->state_dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

/*
 * point_tls_files - the copy's TLS options name the files under root,
 * as the cf will name them on the host itself.
 */
static void
point_tls_files(struct cf *cf, const char *root)
{
	static const char *const opt[] = { "CACertPath", "CACertFile",
	    "ServerCertFile", "ServerKeyFile", "ClientCertFile",
	    "ClientKeyFile" };
	char *v, *in;
	size_t i;

	if (*root == '\0')
		return;
	for (i = 0; i < sizeof(opt) / sizeof(opt[0]); i++) {
		if ((v = cf_option(cf, opt[i])) == NULL)
			continue;
		in = xasprintf("%s%s", root, v);
		cf_set_option(cf, opt[i], in);
		free(in);
		free(v);
	}
}

/*
 * write_copies - the list files and then the cf, whose F lines now point
 * at the copies; the cf copy's path, or NULL with *why.
 */
static char *
write_copies(const struct plan *p, struct cf *cf, const char *root,
    const char *dir, char **why)
{
	const struct plan_file *lhn = &p->f[PLAN_LOCAL_HOST_NAMES];
	const struct plan_file *relay = &p->f[PLAN_RELAY_DOMAINS];
	struct sbuf buf = { 0 };
	char *lpath = NULL, *rpath = NULL, *cpath = NULL;

	if (lhn->managed && (lpath = write_check_file(root, dir,
	    "local-host-names", &lhn->new, why)) == NULL)
		goto out;
	if (relay->managed && (rpath = write_check_file(root, dir,
	    "relay-domains", &relay->new, why)) == NULL)
		goto out;
	if (lpath != NULL)
		cf_point_class_file(cf, 'w', lpath);
	if (rpath != NULL)
		cf_point_class_file(cf, 'R', rpath);
	if (p->tls)
		point_tls_files(cf, root);
	cf_serialize(cf, &buf);
	cpath = write_check_file(root, dir, "sendmail.cf", &buf, why);
out:
	free(lpath), free(rpath);
	sbuf_free(&buf);
	return cpath;
}

/*
 * stays_here - the host's own address is delivered on this host: by a
 * mailer that runs a program or speaks LMTP to a local socket (local,
 * procmail, dovecot's deliver, cyrusv2 ...), never by one that sends it
 * to another host (relay, esmtp towards the smart host).
 */
static int
stays_here(const struct cf *cf, const struct smcheck_seen *s,
    const char *addr, char **why)
{
	int local = cf_mailer_is_local(cf, s->local_mailer);

	if (local == 1 || (local < 0 && s->local_host == NULL))
		return 0;
	return seterr(why, "sendmail does not deliver %s on this host: its "
	    "mailer '%s'%s%s%s sends it to another host", addr,
	    s->local_mailer, s->local_host ? " (host " : "",
	    s->local_host ? s->local_host : "", s->local_host ? ")" : "");
}

/*
 * names_path - the length of the start of s that names path as sendmail
 * prints a file name: whole, or cut in its middle to "HEAD...TAIL" when
 * it is long (sendmail's shortenstring; the copy under a deep --root is);
 * 0 when s does not start with path.
 */
static size_t
names_path(const char *s, const char *path)
{
	size_t pl = strlen(path), head, tail;
	const char *dots, *end;

	if (strncmp(s, path, pl) == 0)
		return pl;
	if ((end = strstr(s, ": line ")) == NULL ||
	    (dots = strstr(s, "...")) == NULL || dots > end)
		return 0;
	head = (size_t)(dots - s);
	tail = (size_t)(end - dots - 3);
	if (head == 0 || tail == 0 || head + tail >= pl ||
	    strncmp(s, path, head) != 0 ||
	    strncmp(dots + 3, path + pl - tail, tail) != 0)
		return 0;
	return (size_t)(end - s);
}

/*
 * load_error - sendmail's "CF: line N: MESSAGE" about cf among lines; N
 * and a pointer to MESSAGE, or NULL.
 */
static const char *
load_error(const struct strlist *lines, const char *cf, unsigned *n)
{
	size_t i, cl;
	const char *s;
	char *end;

	for (i = 0; i < lines->n; i++) {
		s = lines->v[i];
		if ((cl = names_path(s, cf)) == 0 ||
		    strncmp(s + cl, ": line ", 7) != 0)
			continue;
		*n = (unsigned)strtoul(s + cl + 7, &end, 10);
		if (end[0] == ':' && end[1] == ' ')
			return end + 2;
	}
	return NULL;
}

/*
 * current_rejects - sendmail already reports msg at line n of the current
 * cf (so it is not mailprov's edit).
 */
static int
current_rejects(const struct candidate_opts *o, const char *cf, unsigned n,
    const char *msg)
{
	struct proc_result r;
	struct strlist lines = { 0 };
	const char *m;
	char *why = NULL, *save, *l;
	unsigned at = 0;
	int same;

	if (sendmail_test(o->sendmail, cf, "", 0, o->timeout_ms, &r, &why) < 0) {
		free(why);
		return 0;
	}
	for (l = strtok_r(r.out.s, "\n", &save); l != NULL;
	    l = strtok_r(NULL, "\n", &save))
		strlist_push(&lines, l);
	m = load_error(&lines, cf, &at);
	same = m != NULL && at == n && strcmp(m, msg) == 0;
	strlist_clear(&lines);
	proc_result_free(&r);
	return same;
}

/* unmask - "LABEL: reason", the check copy's path in it named as such. */
static char *
unmask(const char *label, const char *cpath, const char *reason)
{
	struct sbuf b = { 0 };
	const char *s = reason, *hit;

	size_t n;

	sbuf_addf(&b, "%s: ", label);
	/* The copy's name, whole or as sendmail shortens it ("/a...b"). */
	for (hit = s; *hit != '\0'; hit++) {
		if (*hit != '/' || (n = names_path(hit, cpath)) == 0)
			continue;
		sbuf_add(&b, s, (size_t)(hit - s));
		sbuf_addf(&b, "(the check copy of %s)", label);
		s = hit + n;
		hit = s - 1;
	}
	sbuf_adds(&b, s);
	return b.s;
}

/*
 * explain - sendmail's complaint about the check copy, in the admin's
 * terms: the real file, the line of the current file it comes from (or
 * that mailprov inserts it), and whether the current file has it too.
 */
static char *
explain(const struct plan *p, const struct candidate_opts *o,
    const char *cpath, const struct smcheck_seen *seen, const char *reason)
{
	const struct plan_file *cff = &p->f[PLAN_SENDMAIL_CF];
	const char *msg;
	unsigned n = 0, old;

	if ((msg = load_error(&seen->warnings, cpath, &n)) == NULL ||
	    n == 0 || n > p->cf_lines)
		return unmask(cff->label, cpath, reason);
	if ((old = p->cf_origin[n - 1]) == 0)
		return xasprintf("sendmail rejects the new %s at line %u, a "
		    "line mailprov inserts: %s", cff->label, n, msg);
	if (current_rejects(o, cff->path, old, msg))
		return xasprintf("sendmail already rejects the current %s at "
		    "line %u: %s (not mailprov's edit: mend the file first)",
		    cff->label, old, msg);
	return xasprintf("sendmail rejects the new %s at line %u (line %u of "
	    "the current file): %s", cff->label, n, old, msg);
}

/*
 * check_starttls - with TLS managed, the copy run as `sendmail -bs'
 * offers STARTTLS: sendmail itself accepted the certificate files.
 */
static int
check_starttls(const struct plan *p, const struct candidate_opts *o,
    const char *cpath, char **why)
{
	char *reason = NULL;
	int r = 0, rc;

	if (p->tls && (rc = sendmail_starttls(o->sendmail, cpath,
	    o->timeout_ms, &reason)) < 0) {
		char *m = unmask(p->f[PLAN_SENDMAIL_CF].label, cpath, reason);

		r = seterr(why, "%s%s", m, rc == SENDMAIL_NO_STARTTLS ?
		    " (sendmail drops STARTTLS when it cannot use a "
		    "certificate file; its syslog says which)" : "");
		free(m);
	}
	free(reason);
	return r;
}

/*
 * check_build - the database of a changed file is built from a private
 * copy (its database beside it in the check directory): aliases by
 * sendmail -bi, the access map by makemap.  A file they cannot read
 * (another MTA's aliases, a duplicate access key) is found before
 * anything is written.
 */
static int
check_build(const struct plan *p, const struct candidate_opts *o,
    const char *dir, const char *cpath, int which, char **why)
{
	const struct plan_file *f = &p->f[which];
	int al = which == PLAN_ALIASES, r = 0;
	char *copy, *reason = NULL;

	if (!f->changed)
		return 0;
	if ((copy = write_check_file(o->root, dir, al ? "aliases" : "access",
	    &f->new, why)) == NULL)
		return -1;
	if ((al ? sendmail_newaliases(o->sendmail, cpath, copy,
	    o->timeout_ms, &reason) : sendmail_makemap(DEF_MAKEMAP, cpath,
	    p->map_class, copy, o->timeout_ms, &reason)) < 0) {
		char *m = unmask(f->label, copy, reason);

		r = seterr(why, "%s cannot build the %s from the new %s: %s",
		    al ? "sendmail" : "makemap", al ? "alias database" :
		    "access map", f->label, m + strlen(f->label) + 2);
		free(m);
	}
	free(reason);
	free(copy);
	return r;
}

/* relay_target - an address in the first relay domain that is a name. */
static char *
relay_target(const struct strlist *domains)
{
	size_t i;

	for (i = 0; i < domains->n; i++)
		if (strpbrk(domains->v[i], "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != NULL)
			return xasprintf("someone@%s", domains->v[i] +
			    (domains->v[i][0] == '.'));
	return NULL;
}

/* want_of - what the desired state says sendmail must answer. */
static void
want_of(const struct desired_sendmail *sm, const struct cf *cf,
    struct smcheck_want *w, char **local, char **domain, char **relay)
{
	memset(w, 0, sizeof(*w));
	w->hostname = sm->hostname.v;
	w->domain = sm->domain.v;
	w->fqdn = sm->fqdn.v;
	w->smart_host = sm->smart_host.v;
	w->accept_names = sm->accept_names.set ? &sm->accept_names.l : NULL;
	w->relay_all = sm->relay_all.set && sm->relay_all.v;
	*local = *domain = NULL;
	if (sm->hostname.v != NULL) {
		w->local_addr = *local = xasprintf("root@%s.%s", sm->hostname.v,
		    sm->domain.v);
		w->domain_addr = *domain = xasprintf("someone@mailprov-check.%s",
		    sm->domain.v);
	}
	*relay = NULL;
	if (sm->relay_domains.set && cf_has_ruleset(cf, "check_rcpt")) {
		w->relay_check = 1;
		w->relay_to = *relay = relay_target(&sm->relay_domains.l);
	}
}

int
candidate_check(const struct desired *ds, const struct plan *p,
    const struct candidate_opts *o, char **why)
{
	const struct plan_file *cff = &p->f[PLAN_SENDMAIL_CF];
	struct cf *cf = cf_parse(cff->new.s, cff->new.len);
	struct smcheck_want w;
	struct smcheck_seen seen;
	char *dir, *cpath = NULL, *local, *domain, *relay, *reason = NULL;
	int r = -1;

	want_of(&ds->sendmail, cf, &w, &local, &domain, &relay);
	if ((dir = make_check_dir(o, why)) == NULL)
		goto out;
	if ((cpath = write_copies(p, cf, o->root, dir, why)) == NULL)
		goto out;
	if (smcheck_run(o->sendmail, cpath, o->timeout_ms, &w, &seen,
	    &reason) < 0) {
		free(*why);
		*why = explain(p, o, cpath, &seen, reason);
	} else if (local != NULL && stays_here(cf, &seen, local, &reason) < 0)
		seterr(why, "%s: %s", cff->label, reason);
	else if (check_starttls(p, o, cpath, why) == 0 &&
	    check_build(p, o, dir, cpath, PLAN_ACCESS, why) == 0)
		r = check_build(p, o, dir, cpath, PLAN_ALIASES, why);
	smcheck_seen_free(&seen);
	free(reason);
out:
	if (dir != NULL)
		remove_check_dir(dir);
	free(dir), free(cpath), free(local), free(domain), free(relay);
	cf_free(cf);
	return r;
}

int
candidate_remove_stale(const char *state_dir)
{
	size_t plen = strlen(STATE_CHECK_PREFIX);
	struct dirent *de;
	DIR *dp;
	char *sub;
	int n = 0;

	if ((dp = opendir(state_dir)) == NULL)
		return 0;
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, STATE_CHECK_PREFIX, plen) != 0 ||
		    strlen(de->d_name) != strlen(STATE_CHECK_TEMPLATE))
			continue;
		sub = xasprintf("%s/%s", state_dir, de->d_name);
		if (remove_check_dir(sub) == 0)
			n++;
		free(sub);
	}
	closedir(dp);
	return n;
}
