/*
 * plantls.c - which sendmail runs, and its TLS settings.
 *
 * Contract: see plantls.h.  What sendmail can do is asked of the binary
 * itself (smcaps: its "Compiled with:" list), never guessed from the OS
 * level; the certificate files are checked by the rules sendmail uses
 * before it offers STARTTLS (tlsfile), because sendmail says nothing but
 * a syslog line when it drops STARTTLS.  AUTH to the smart host is an
 * AuthInfo: entry of the access map; its secret is read from a file
 * checked as a key file, and is shown nowhere (accessfile_mask).
 */
#include "plantls.h"
#include "accessfile.h"
#include "fileio.h"
#include "names.h"
#include "paths.h"
#include "tlsfile.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CERT_WARN_DAYS	30

/*
 * resolve_binary - the sendmail that runs: see plan.h (binary).  When
 * SRC's program cannot be found, the link, then /usr/sbin/sendmail under
 * the root, then the host's, with a warning saying so.
 */
static char *
resolve_binary(const struct desired *ds, const struct plan_env *env,
    struct plan *p)
{
	const char *sub = ds->service.subsystem.v ? ds->service.subsystem.v :
	    DEF_SUBSYSTEM;
	char *bin, *why = NULL;

	if (env->sendmail != NULL)
		return xstrdup(env->sendmail);
	if (ds->sendmail.program.v != NULL)
		return xasprintf("%s%s", env->root, ds->sendmail.program.v);
	bin = smcaps_resolve_program(env->root, env->src, sub, &why);
	if (bin != NULL && access(bin, X_OK) == 0) {
		free(why);
		return bin;
	}
	free(bin);
	bin = xasprintf("%s%s", env->root, DEF_SENDMAIL);
	if (access(bin, X_OK) < 0) {
		free(bin);
		bin = xstrdup(DEF_SENDMAIL);
	}
	strlist_take(&p->warnings, xasprintf("the program SRC starts cannot "
	    "be found (%s); checking with %s", why ? why : "not executable",
	    bin));
	free(why);
	return bin;
}

/*
 * cure_without_tls - what to say when the binary lacks STARTTLS: name
 * AIX's sendmail_ssl only when it is there and has it, and say so when
 * it is there but cannot run.
 */
static char *
cure_without_tls(const struct plan_env *env, const char *bin)
{
	struct smcaps ssl;
	char *path = xasprintf("%s%s", env->root, DEF_SENDMAIL_SSL);
	char *why = NULL, *cure;

	memset(&ssl, 0, sizeof(ssl));
	if (strcmp(path, bin) == 0 || access(path, X_OK) < 0)
		cure = xstrdup("point sendmail.program at a sendmail built "
		    "with STARTTLS (on AIX, " DEF_SENDMAIL_SSL ")");
	else if (smcaps_probe(path, env->state_dir, env->timeout_ms, &ssl,
	    &why) < 0)
		cure = xasprintf("%s is there but cannot be run (%s): mend it "
		    "(is its OpenSSL library installed?), then set "
		    "sendmail.program: %s", DEF_SENDMAIL_SSL, why,
		    DEF_SENDMAIL_SSL);
	else if (ssl.starttls)
		cure = xstrdup("set sendmail.program: " DEF_SENDMAIL_SSL);
	else
		cure = xstrdup(DEF_SENDMAIL_SSL " lacks STARTTLS too: install "
		    "a sendmail built with it and point sendmail.program at it");
	free(why);
	smcaps_free(&ssl);
	free(path);
	return cure;
}

/* need_caps - ask the binary; refuse TLS or AUTH it cannot do. */
static int
need_caps(const struct desired *ds, const struct plan_env *env,
    struct plan *p, char **why)
{
	const struct desired_sendmail *sm = &ds->sendmail;
	const char *shown = fileio_inside(env->root, p->binary);
	char *cure;
	int r;

	if (smcaps_probe(p->binary, env->state_dir, env->timeout_ms,
	    &p->caps, why) < 0)
		return -1;
	p->have_caps = 1;
	free(p->caps.path);	/* said as the admin knows it */
	p->caps.path = xstrdup(shown);
	if (sm->tls.sect.set && !p->caps.starttls) {
		p->errpos = sm->tls.sect.at;
		cure = cure_without_tls(env, p->binary);
		r = seterr(why, "sendmail %s at %s was built without STARTTLS; "
		    "%s", p->caps.version ? p->caps.version : "(version "
		    "unknown)", shown, cure);
		free(cure);
		return r;
	}
	if (!sm->auth.sect.set)
		return 0;
	p->errpos = sm->auth.sect.at;
	if (!p->caps.sasl)
		return seterr(why, "sendmail %s at %s was built without SASL, "
		    "so it cannot authenticate to the smart host "
		    "(sendmail.auth); AIX 7.3's sendmail or a build with "
		    "SASLv2 can", p->caps.version ? p->caps.version :
		    "(version unknown)", shown);
	memset(&p->errpos, 0, sizeof(p->errpos));
	return 0;
}

/*
 * src_starts_other - SRC starts another path than the link (chssys -p
 * was used, or another sendmail is registered): repointing the link
 * would change nothing for the daemon.
 */
static int
src_starts_other(const struct desired *ds, const struct plan_env *env,
    char **why)
{
	const char *sub = ds->service.subsystem.v ? ds->service.subsystem.v :
	    DEF_SUBSYSTEM;
	struct src_def d;

	memset(&d, 0, sizeof(d));
	if (env->src == NULL || src_definition(env->src, sub, &d) < 0 ||
	    !d.defined || d.path[0] == '\0' ||
	    strcmp(d.path, DEF_SENDMAIL_LINK) == 0)
		return 0;
	return seterr(why, "sendmail.program: SRC starts %s directly (lssrc "
	    "-S -s %s), not the %s link, so repointing the link changes "
	    "nothing for the daemon; chssys -s %s -p %s first", d.path, sub,
	    DEF_SENDMAIL_LINK, sub, DEF_SENDMAIL_LINK);
}

int
plantls_prepare(const struct desired *ds, const struct plan_env *env,
    struct plan *p, char **why)
{
	const struct desired_sendmail *sm = &ds->sendmail;

	p->errpos = sm->program.at;
	if (program_plan(env->root, DEF_SENDMAIL_LINK, sm->program.v,
	    &p->link, why) < 0)
		return -1;
	memset(&p->errpos, 0, sizeof(p->errpos));
	if (sm->program.v != NULL && src_starts_other(ds, env, why) < 0) {
		p->errpos = sm->program.at;
		return -1;
	}
	p->binary = resolve_binary(ds, env, p);
	if (sm->tls.sect.set || sm->auth.sect.set)
		return need_caps(ds, env, p, why);
	return 0;
}

/* user_of - a RunAsUser/TrustedUser value ("name", "uid", "uid:gid"). */
static void
user_of(char *v, uid_t *uid, gid_t *gid)
{
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	char buf[4096], *colon = strchr(v, ':');

	if (colon != NULL)
		*colon++ = '\0';
	if (v[0] != '\0' && strspn(v, "0123456789") == strlen(v))
		*uid = (uid_t)strtoul(v, NULL, 10);
	else if (getpwnam_r(v, &pw, buf, sizeof(buf), &pwp) == 0 &&
	    pwp != NULL) {
		*uid = pw.pw_uid;
		if (gid != NULL)
			*gid = pw.pw_gid;
	}
	if (colon == NULL || gid == NULL || *colon == '\0')
		return;
	if (strspn(colon, "0123456789") == strlen(colon))
		*gid = (gid_t)strtoul(colon, NULL, 10);
	else if (getgrnam_r(colon, &gr, buf, sizeof(buf), &grp) == 0 &&
	    grp != NULL)
		*gid = gr.gr_gid;
}

/* has_word - the comma- or blank-separated list v holds w (no case). */
static int
has_word(const char *v, const char *w)
{
	size_t n = strlen(w), k;

	while (*v != '\0') {
		v += strspn(v, ", \t");
		k = strcspn(v, ", \t");
		if (k == n && strncasecmp(v, w, n) == 0)
			return 1;
		v += k;
	}
	return 0;
}

/* file_policy - whom sendmail wants to own the files, from the cf. */
static void
file_policy(const struct cf *cf, struct tlsfile_policy *pol)
{
	char *run = cf_option(cf, "RunAsUser");
	char *trusted = cf_option(cf, "TrustedUser");
	char *dbs = cf_option(cf, "DontBlameSendmail");

	memset(pol, 0, sizeof(*pol));
	if (run != NULL)
		user_of(run, &pol->uid, &pol->gid);
	if (trusted != NULL)
		user_of(trusted, &pol->trusted, NULL);
	pol->group_readable_key = dbs != NULL &&
	    has_word(dbs, "GroupReadableKeyFile");
	free(run);
	free(trusted);
	free(dbs);
}

/* check_files - each file as sendmail will check it, then the pair. */
static int
check_files(const struct desired_tls *t, const char *root,
    const struct cf *cf, struct plan *p, char **why)
{
	const struct { const struct dstr *f; enum tlsfile_kind kind;
	    const char *name; } v[] = {
		{ &t->cert, TLSF_CERT, "tls.cert" },
		{ &t->key, TLSF_KEY, "tls.key" },
		{ &t->ca_file, TLSF_CA_FILE, "tls.ca_file" },
		{ &t->ca_path, TLSF_CA_PATH, "tls.ca_path" },
		{ &t->client_cert, TLSF_CERT, "tls.client_cert" },
		{ &t->client_key, TLSF_KEY, "tls.client_key" },
	};
	struct tlsfile_policy pol;
	size_t i;
	int r;

	file_policy(cf, &pol);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (v[i].f->v == NULL)
			continue;
		p->errpos = v[i].f->at;
		r = tlsfile_check_safe(root, v[i].f->v, v[i].kind, v[i].name,
		    &pol, why);
		if (r < 0)
			return -1;
		if (r > 0) {	/* sendmail takes it; the admin should look */
			strlist_take(&p->warnings, *why);
			*why = NULL;
		}
	}
	p->errpos = t->ca_file.at;
	if (tlsfile_check_ca_file(root, t->ca_file.v, why) < 0)
		return -1;
	p->errpos = t->cert.at;
	if (tlsfile_check_pair(root, t->cert.v, t->key.v, &p->cert_days,
	    why) < 0)
		return -1;
	if (t->client_cert.v != NULL && tlsfile_check_pair(root,
	    t->client_cert.v, t->client_key.v, NULL, why) < 0)
		return -1;
	p->cert_known = 1;
	if (p->cert_days < CERT_WARN_DAYS)
		strlist_take(&p->warnings, xasprintf("tls.cert %s expires in "
		    "%ld day%s: renew it", t->cert.v, p->cert_days,
		    p->cert_days == 1 ? "" : "s"));
	memset(&p->errpos, 0, sizeof(p->errpos));
	return 0;
}

/* set_options - the six TLS options, one active line each. */
static void
set_options(const struct desired_tls *t, struct cf *cf)
{
	cf_set_option(cf, "CACertPath", t->ca_path.v);
	cf_set_option(cf, "CACertFile", t->ca_file.v);
	cf_set_option(cf, "ServerCertFile", t->cert.v);
	cf_set_option(cf, "ServerKeyFile", t->key.v);
	cf_set_option(cf, "ClientCertFile", t->client_cert.v ?
	    t->client_cert.v : t->cert.v);
	cf_set_option(cf, "ClientKeyFile", t->client_key.v ?
	    t->client_key.v : t->key.v);
}

/* makemap_class - a map class makemap builds from a source file. */
static int
makemap_class(const char *class)
{
	return class != NULL && (strcmp(class, "hash") == 0 ||
	    strcmp(class, "btree") == 0 || strcmp(class, "dbm") == 0 ||
	    strcmp(class, "cdb") == 0);
}

/*
 * need_access_map - TLS_Srv: entries need a Kaccess map that makemap
 * builds from a file, and the tls_server ruleset that reads it.
 */
static int
need_access_map(const struct desired_sendmail *sm, struct cf *cf,
    struct plan *p, char **why)
{
	const struct dint *req = &sm->tls.require_smart_host;
	const char *label = p->f[PLAN_SENDMAIL_CF].label;
	char *file = NULL, *class = NULL;
	int has = cf_has_map(cf, "access", &file, &class);
	int rules = cf_has_ruleset(cf, "tls_server");
	int ok = has > 0 && rules && file != NULL && makemap_class(class);

	if (ok) {
		p->access_file = file;
		p->map_class = class;
		return 0;
	}
	if (req->v == TLS_REQUIRE_NONE || has <= 0 || !rules) {
		free(file);
		free(class);
		if (req->v == TLS_REQUIRE_NONE)
			return 0;	/* nothing of ours where nothing reads it */
		p->errpos = req->at;
		return seterr(why, "sendmail.tls.require_smart_host: %s needs "
		    "the access map, and %s has %s; regenerate it with "
		    "FEATURE(`access_db') or leave require_smart_host at none",
		    req->v == TLS_REQUIRE_VERIFY ? "verify" : "encrypt", label,
		    has > 0 ? "no tls_server ruleset to read a TLS_Srv: entry" :
		    "no access map (no Kaccess line)");
	}
	p->errpos = req->at;
	seterr(why, "sendmail.tls.require_smart_host: the access map of %s is "
	    "of class %s%s%s, which mailprov cannot edit with makemap; add "
	    "TLS_Srv: entries to it yourself and leave require_smart_host at "
	    "none", label, class ? class : "(none)", file ? " from " : "",
	    file ? file : "");
	free(file);
	free(class);
	return -1;
}

/*
 * in_clear - a mechanism of the list sends the password as it is (PLAIN,
 * LOGIN), or there is no list and sendmail may pick such a one.
 */
static int
in_clear(const struct strlist *mechs)
{
	size_t i;

	if (mechs->n == 0)
		return 1;
	for (i = 0; i < mechs->n; i++)
		if (strcmp(mechs->v[i], "PLAIN") == 0 ||
		    strcmp(mechs->v[i], "LOGIN") == 0)
			return 1;
	return 0;
}

/*
 * auth_needs - what AuthInfo: in the access map needs: TLS to the smart
 * host before a password goes in clear, the access map (its source a
 * file makemap builds), the authinfo ruleset reading it, and no
 * FEATURE(authinfo) map that sendmail would read instead.
 */
static int
auth_needs(const struct desired_sendmail *sm, struct cf *cf, struct plan *p,
    char **why)
{
	const struct desired_auth *a = &sm->auth;
	const char *label = p->f[PLAN_SENDMAIL_CF].label;
	int req = sm->tls.sect.set ? sm->tls.require_smart_host.v :
	    TLS_REQUIRE_NONE;
	char *file = NULL, *mclass = NULL;
	int has, r = 0;

	if (!a->sect.set)
		return 0;
	p->errpos = a->sect.at;
	if (in_clear(&a->mechanisms.l) && req != TLS_REQUIRE_ENCRYPT &&
	    req != TLS_REQUIRE_VERIFY)
		return seterr(why, "sendmail.auth: %s sends the password in "
		    "clear, and nothing makes sendmail use TLS to the smart "
		    "host; set sendmail.tls.require_smart_host to encrypt or "
		    "verify (or list only mechanisms such as CRAM-MD5)",
		    a->mechanisms.l.n == 0 ? "without mechanisms, sendmail may "
		    "choose PLAIN or LOGIN, which" : "PLAIN or LOGIN");
	if (sm->smart_host.v != NULL && strchr(sm->smart_host.v, '[') ==
	    NULL) {
		char *host = names_smart_host_name(sm->smart_host.v);

		strlist_take(&p->warnings, xasprintf("sendmail.auth: smart_host "
		    "%s has no brackets, so sendmail looks up its MX records "
		    "and AuthInfo:%s matches only when the host it reaches has "
		    "that name (or is below it); write it as [%s]",
		    sm->smart_host.v, host, host));
		free(host);
	}
	if (cf_has_map(cf, "authinfo", NULL, NULL) > 0)
		return seterr(why, "sendmail.auth: %s has an authinfo map "
		    "(Kauthinfo, FEATURE(`authinfo')), which sendmail reads "
		    "for AuthInfo: instead of the access map; mailprov writes "
		    "AuthInfo: only into the access map: regenerate the cf "
		    "without FEATURE(`authinfo') or leave auth out", label);
	has = cf_has_map(cf, "access", &file, &mclass);
	if (has <= 0 || !cf_ruleset_has(cf, "authinfo", "$(access AuthInfo"))
		r = seterr(why, "sendmail.auth needs the access map, and %s "
		    "has %s; regenerate it with FEATURE(`access_db') or leave "
		    "auth out", label, has <= 0 ? "no access map (no Kaccess "
		    "line)" : "no authinfo ruleset that reads AuthInfo: from "
		    "it");
	else if (file == NULL || !makemap_class(mclass))
		r = seterr(why, "sendmail.auth: the access map of %s is of "
		    "class %s, which mailprov cannot edit with makemap; add "
		    "the AuthInfo: entry yourself and leave auth out", label,
		    mclass ? mclass : "(none)");
	else if (p->access_file == NULL) {
		p->access_file = file;
		p->map_class = mclass;
		file = NULL;
		mclass = NULL;
	}
	free(file);
	free(mclass);
	if (r == 0)
		memset(&p->errpos, 0, sizeof(p->errpos));
	return r;
}

int
plantls_edit_cf(const struct desired *ds, struct cf *cf, struct plan *p,
    char **why)
{
	const struct desired_sendmail *sm = &ds->sendmail;
	char port[8];

	if (sm->tls.sect.set) {
		p->tls = 1;
		if (check_files(&sm->tls, p->root, cf, p, why) < 0)
			return -1;
		set_options(&sm->tls, cf);
		if (need_access_map(sm, cf, p, why) < 0)
			return -1;
	}
	if (auth_needs(sm, cf, p, why) < 0)
		return -1;
	if (sm->smart_host_port.set) {
		snprintf(port, sizeof(port), "%d", sm->smart_host_port.v);
		p->errpos = sm->smart_host_port.at;
		if (cf_set_mailer_port(cf, "relay", port) < 0)
			return seterr(why, "sendmail.smart_host_port: %s %s",
			    p->f[PLAN_SENDMAIL_CF].label, cf->err);
		memset(&p->errpos, 0, sizeof(p->errpos));
	}
	return 0;
}

/*
 * read_secret - auth.secret_file checked as sendmail checks a key file
 * (root's, readable by root alone, on a safe path), then its one line:
 * not empty, no NUL, no '"' (AuthInfo's quoting cannot carry one).  The
 * secret, or NULL with *why naming the file and the rule, never its
 * bytes.
 */
static char *
read_secret(const struct desired_auth *a, const char *root, struct plan *p,
    char **why)
{
	const char *name = a->secret_file.v;
	char *path, *buf = NULL;
	size_t len = 0, n;
	int r;

	p->errpos = a->secret_file.at;
	path = fileio_resolve(root, name);
	free(p->secret_file);	/* watched by mailprovd, even when bad */
	p->secret_file = path;
	/* The file a link leads to is the one judged (every directory on
	 * its way), and the one read: without following a link, owned by
	 * root in a directory only root writes (FILEIO_TRUSTED), so that it
	 * cannot be swapped between the check and the read. */
	r = tlsfile_check_safe(root, path != NULL ? fileio_inside(root, path) :
	    name, TLSF_KEY, "auth.secret_file", NULL, why);
	if (r < 0)
		return NULL;
	if (r > 0) {
		strlist_take(&p->warnings, *why);
		*why = NULL;
	}
	if (path == NULL || fileio_read(path, 4096, FILEIO_NOFOLLOW |
	    FILEIO_TRUSTED, &buf, &len) < 0) {
		seterr(why, "auth.secret_file %s: cannot read: %s", name,
		    strerror(errno));
		return NULL;
	}
	n = len;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (memchr(buf, '\0', len) != NULL)
		seterr(why, "auth.secret_file %s holds a NUL byte", name);
	else if (n == 0)
		seterr(why, "auth.secret_file %s is empty", name);
	else if (memchr(buf, '\n', n) != NULL || memchr(buf, '\r', n) != NULL)
		seterr(why, "auth.secret_file %s has more than one line; "
		    "the secret is its one line", name);
	else if (memchr(buf, '"', n) != NULL)
		seterr(why, "auth.secret_file %s holds a '\"', which "
		    "sendmail's AuthInfo: quoting cannot carry", name);
	else {
		buf[n] = '\0';
		memset(&p->errpos, 0, sizeof(p->errpos));
		return buf;
	}
	util_wipe(buf, len);
	free(buf);
	return NULL;
}

/*
 * authinfo_value - the AuthInfo: value of the desired state, or NULL
 * (none wanted: *value NULL, 0), or -1 with *why.
 */
static int
authinfo_value(const struct desired_auth *a, const char *root,
    struct plan *p, char **value, char **why)
{
	struct sbuf mechs = { 0 };
	char *secret;
	size_t i;

	*value = NULL;
	if (!a->sect.set)
		return 0;
	if ((secret = read_secret(a, root, p, why)) == NULL)
		return -1;
	sbuf_add(&mechs, "", 0);
	for (i = 0; i < a->mechanisms.l.n; i++)
		sbuf_addf(&mechs, "%s%s", i ? " " : "", a->mechanisms.l.v[i]);
	*value = accessfile_authinfo(a->user.v, secret, mechs.s);
	util_wipe(secret, strlen(secret));
	free(secret);
	sbuf_free(&mechs);
	if (*value == NULL) {
		p->errpos = a->user.at;
		return seterr(why, "sendmail.auth: the user or a mechanism "
		    "holds a '\"', which AuthInfo: cannot carry");
	}
	return 0;
}

/*
 * set_entry - key in f's new bytes (from its old ones) holds value; with
 * value NULL, mailprov's entry goes and anyone else's stays, with a
 * warning.  mine says what is mailprov's.
 */
static int
set_entry(struct plan_file *f, struct sbuf *cur, const char *key,
    const char *value, int (*mine)(const char *), struct plan *p,
    char **why)
{
	struct sbuf out = { 0 };
	char *v = NULL;
	int changed;

	if (value == NULL && (v = accessfile_get(cur->s, cur->len, key)) !=
	    NULL && !mine(v)) {
		strlist_take(&p->warnings, xasprintf("%s in %s is not a "
		    "value mailprov writes: kept as it is", key, f->label));
		free(v);
		return 0;
	}
	free(v);
	if (accessfile_check(key, value, why) < 0)
		return -1;
	accessfile_edit(cur->s, cur->len, key, value, &out, &changed);
	sbuf_free(cur);
	*cur = out;
	return 0;
}

/* tls_srv_mine - ENCR:112 and VERIFY are what mailprov writes. */
static int
tls_srv_mine(const char *v)
{
	return strcmp(v, "ENCR:112") == 0 || strcmp(v, "VERIFY") == 0;
}

int
plantls_access(const struct desired *ds, const char *root,
    const struct cf *cf, struct plan *p, char **why)
{
	const struct desired_sendmail *sm = &ds->sendmail;
	const struct dint *req = &sm->tls.require_smart_host;
	struct plan_file *f = &p->f[PLAN_ACCESS];
	const char *value = req->v == TLS_REQUIRE_VERIFY ? "VERIFY" :
	    req->v == TLS_REQUIRE_ENCRYPT ? "ENCR:112" : NULL;
	struct sbuf cur = { 0 };
	char *host, *key, *auth = NULL;
	int r = 0;

	(void)cf;
	/* No smart host: no entry of ours (a bare "TLS_Srv:" is not). */
	if ((!sm->tls.sect.set && !sm->auth.sect.set) ||
	    p->access_file == NULL || sm->smart_host.v == NULL ||
	    sm->smart_host.v[0] == '\0')
		return 0;
	if (plan_load_file(p, f, p->access_file, why) < 0 ||
	    authinfo_value(&sm->auth, root, p, &auth, why) < 0)
		return -1;
	host = names_smart_host_name(sm->smart_host.v);
	sbuf_add(&cur, f->old, f->oldlen);
	key = xasprintf("TLS_Srv:%s", host);
	p->errpos = sm->smart_host.at;
	if (sm->tls.sect.set)
		r = set_entry(f, &cur, key, value, tls_srv_mine, p, why);
	free(key);
	key = xasprintf("AuthInfo:%s", host);
	if (r == 0)
		r = set_entry(f, &cur, key, auth, accessfile_authinfo_ours, p,
		    why);
	if (r == 0) {
		memset(&p->errpos, 0, sizeof(p->errpos));
		sbuf_free(&f->new);
		f->new = cur;
		memset(&cur, 0, sizeof(cur));
	}
	if (auth != NULL)
		util_wipe(auth, strlen(auth));
	free(auth);
	sbuf_free(&cur);
	free(key);
	free(host);
	return r;
}
