/*
 * import.c - the host as it is, written as a desired state.
 *
 * Contract: see import.h.  Every decision "can this key be managed as it
 * is" is made by the editor that `mailprov plan' would run, on a fresh
 * copy of the host's bytes: the key is written when the editor leaves
 * them as they are.  The text is then loaded as `mailprov validate'
 * loads it; a key the loader refuses is commented out with its message.
 */
#include "import.h"
#include "accessfile.h"
#include "aliases.h"
#include "cf.h"
#include "desired.h"
#include "diag.h"
#include "fileio.h"
#include "listfile.h"
#include "names.h"
#include "paths.h"
#include "plan.h"
#include "plantls.h"
#include "program.h"
#include "service.h"
#include "smcaps.h"
#include "smcheck.h"
#include "version.h"
#include "yamlout.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define SETTLE_PASSES	200	/* loader rounds; each leaves a key out */
#define SHOW_NAMES	20	/* members of a class shown in a comment */

struct host {
	const struct import_opts *o;
	char		*cf_inner;	/* the name it was found by */
	char		*cf_path;	/* root prefixed, links followed */
	char		*cf_buf;
	size_t		 cf_len;
	struct cf	*cf;
	char		*binary;
	struct smcheck_seen seen;
	char		*dom_addr, *dom_mailer, *dom_host;
	struct yamlout	 y;
	int		 g_top, g_sm;	/* groups never left out */
	int		 g_entries;	/* aliases.entries, or -1 */
	long		 mode_item;	/* aliases.mode, or -1 */
};

/* copy - a fresh parse of the host's sendmail.cf, for an editor to try. */
static struct cf *
copy(const struct host *h)
{
	return cf_parse(h->cf_buf, h->cf_len);
}

/* join - at most SHOW_NAMES members of l, comma-separated (caller frees). */
static char *
join(const struct strlist *l)
{
	struct sbuf b = { 0 };
	size_t i;

	sbuf_add(&b, "", 0);
	for (i = 0; i < l->n && i < SHOW_NAMES; i++)
		sbuf_addf(&b, "%s%s", i ? ", " : "", l->v[i]);
	if (l->n > SHOW_NAMES)
		sbuf_addf(&b, " and %zu more", l->n - SHOW_NAMES);
	if (l->n == 0)
		sbuf_adds(&b, "(empty)");
	return b.s;
}

/* find_cf - the host's sendmail.cf, read and parsed. */
static int
find_cf(struct host *h, char **why)
{
	static const char *const names[] = { DEF_SENDMAIL_CF,
	    "/etc/sendmail.cf", NULL };
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		h->cf_path = fileio_resolve(h->o->root, names[i]);
		if (h->cf_path != NULL && fileio_read(h->cf_path, PLAN_MAX_FILE,
		    FILEIO_NOFOLLOW, &h->cf_buf, &h->cf_len) == 0) {
			h->cf_inner = xstrdup(names[i]);
			h->cf = copy(h);
			return 0;
		}
		free(h->cf_path);
		h->cf_path = NULL;
	}
	return seterr(why, "no sendmail.cf to import: neither %s nor "
	    "/etc/sendmail.cf can be read%s%s", DEF_SENDMAIL_CF,
	    *h->o->root ? " under " : "", h->o->root);
}

/*
 * ask_sendmail - what sendmail makes of the cf: the macros, the classes
 * and the remote route (one -bt run), then the route of an address in
 * its own domain ($m is known only now: a second run).
 */
static int
ask_sendmail(struct host *h, char **why)
{
	struct smcheck_want w;
	struct smcheck_seen s2;
	char *e = NULL;
	int timeout = h->o->timeout_ms;

	memset(&w, 0, sizeof(w));
	w.class_r = 1;
	if (smcheck_run(h->binary, h->cf_path, timeout, &w, &h->seen,
	    &e) < 0 && h->seen.w == NULL) {
		seterr(why, "sendmail -bt on %s: %s", h->cf_inner, e);
		free(e);
		return -1;
	}
	free(e);
	e = NULL;
	if (*h->seen.m == '\0')
		return 0;
	w.class_r = 0;
	w.domain_addr = h->dom_addr = xasprintf("someone@mailprov-check.%s",
	    h->seen.m);
	if (smcheck_run(h->binary, h->cf_path, timeout, &w, &s2, &e) == 0 ||
	    s2.w != NULL) {
		h->dom_mailer = s2.domain_mailer, h->dom_host = s2.domain_host;
		s2.domain_mailer = s2.domain_host = NULL;
	}
	free(e);
	smcheck_seen_free(&s2);
	return 0;
}

/* ------------------------------------------------------------ macros */

/* macro_differs - NULL when cf_set_macro keeps the cf; else the reason. */
static char *
macro_differs(const struct host *h, const char *name, const char *val)
{
	struct cf *c = copy(h);
	char *raw = cf_macro(c, name), *r = NULL;

	if (cf_set_macro(c, name, val) == 0)
		;
	else if (raw == NULL)
		r = xasprintf("%s has no D%s line (sendmail works $%s out "
		    "itself): managing this would add one", h->cf_inner, name,
		    name);
	else if (strcmp(raw, val) != 0)
		r = xasprintf("the D%s line of %s holds '%s', which sendmail "
		    "makes '%s': managing this would replace the line",
		    name, h->cf_inner, raw, val);
	else
		r = xasprintf("%s defines $%s more than once (or over several "
		    "lines): managing this would keep only one line",
		    h->cf_inner, name);
	free(raw);
	cf_free(c);
	return r;
}

/* add_macro - key = what sendmail says of $name, if its line keeps. */
static void
add_macro(struct host *h, int g, const char *key, const char *name,
    const char *val)
{
	struct yo_item *it = yo_add(&h->y, g, 1, key, YO_STR, val);
	char *why;

	yo_note(it, "%s: $%s as sendmail -bt says it", key, name);
	if ((why = macro_differs(h, name, val)) != NULL) {
		yo_leave_out(&h->y, g, "%s", why);
		free(why);
	}
}

/* add_identity - hostname and domain (both or neither), fqdn. */
static void
add_identity(struct host *h)
{
	int g = yo_group(&h->y, h->g_sm);
	struct yo_item *it;
	char *why;

	it = yo_add(&h->y, g, 1, "hostname", YO_STR, h->seen.w);
	yo_note(it, "hostname, domain: $w and $m as sendmail -bt says them");
	yo_add(&h->y, g, 1, "domain", YO_STR, h->seen.m);
	if ((why = macro_differs(h, "w", h->seen.w)) == NULL)
		why = macro_differs(h, "m", h->seen.m);
	if (why != NULL)
		yo_leave_out(&h->y, g, "%s", why);
	free(why);
	add_macro(h, yo_group(&h->y, h->g_sm), "fqdn", "j", h->seen.j);
}

/* add_port - the relay mailer's port, when its A= names one. */
static void
add_port(struct host *h)
{
	struct yo_item *it;
	struct cf *c;
	char *port = NULL, num[16];
	long v;
	int g;

	if (cf_mailer_port(h->cf, "relay", &port) < 0 || port == NULL)
		return;
	g = yo_group(&h->y, h->g_sm);
	v = strspn(port, "0123456789") == strlen(port) && strlen(port) < 6 ?
	    strtol(port, NULL, 10) : 0;
	snprintf(num, sizeof(num), "%ld", v);
	it = yo_add(&h->y, g, 1, "smart_host_port", YO_RAW, v ? num : port);
	yo_note(it, "smart_host_port: the port of the relay mailer (its A= "
	    "equate says TCP $h %s)", port);
	c = copy(h);
	if (v < 1 || v > 65535)
		yo_leave_out(&h->y, g, "'%s' is not a port from 1 to 65535",
		    port);
	else if (cf_set_mailer_port(c, "relay", num) != 0)
		yo_leave_out(&h->y, g, "mailprov would rewrite the relay "
		    "mailer's A= equate%s%s", *c->err ? ": " : "", c->err);
	cf_free(c);
	free(port);
}

/* --------------------------------------------------------- relay_all */

/* bare - a host name without brackets, mailer prefix and final dot. */
static char *
bare(const char *s)
{
	char *r = names_smart_host_name(s ? s : "");
	size_t n = strlen(r);

	while (n > 0 && (r[n - 1] == '.' || r[n - 1] == ']'))
		r[--n] = '\0';
	if (*r == '[')
		memmove(r, r + 1, n);
	return r;
}

/* to_smart - sendmail sends to host, which is the smart host. */
static int
to_smart(const struct host *h, const char *host)
{
	char *a, *b;
	int r;

	if (*h->seen.S == '\0' || host == NULL)
		return 0;
	a = bare(h->seen.S);
	b = bare(host);
	r = strcasecmp(a, b) == 0;
	free(a);
	free(b);
	return r;
}

static void
add_relay_all(struct host *h)
{
	int g, remote, local, on;
	enum cf_relay_shape shape;
	struct yo_item *it;
	struct cf *c;

	if (h->seen.remote_mailer == NULL ||
	    strcmp(h->seen.remote_mailer, "*error*") == 0)
		return;
	remote = to_smart(h, h->seen.remote_host);
	local = h->dom_mailer ? to_smart(h, h->dom_host) : remote;
	on = remote && local;
	g = yo_group(&h->y, h->g_sm);
	it = yo_add(&h->y, g, 1, "relay_all", YO_RAW, on ? "true" : "false");
	yo_note(it, "relay_all: sendmail sends %s with %s to %s, and %s with "
	    "%s to %s", SMCHECK_REMOTE, h->seen.remote_mailer,
	    h->seen.remote_host ? h->seen.remote_host : "(no host)",
	    h->dom_addr ? h->dom_addr : "a local-domain address",
	    h->dom_mailer ? h->dom_mailer : "(not asked)",
	    h->dom_host ? h->dom_host : "(no host)");
	c = copy(h);
	if (remote != local)
		yo_leave_out(&h->y, g, "only %s mail goes to the smart host: "
		    "relay_all true would send both through it, false "
		    "neither", remote ? "remote" : "local-domain");
	else if (cf_relay_all(c, on, &shape) != 0)
		yo_leave_out(&h->y, g, "mailprov would switch the rules of "
		    "ruleset 0 (the forward-all rule, the AIX local-domain "
		    "rule) to say relay_all: %s%s%s", on ? "true" : "false",
		    *c->err ? ": " : "", c->err);
	cf_free(c);
}

/* ------------------------------------------------- accept and relay */

/* list_differs - NULL when the F line, Cw names and file all keep. */
static char *
list_differs(const struct host *h, char cls, const char *file,
    const struct strlist *names, const char *buf, size_t len, int exists)
{
	struct cf *c = copy(h);
	struct sbuf out = { 0 };
	char *p = NULL, *r = NULL;

	if (cf_ensure_class_file(c, cls, cls == 'w' ? DEF_LOCAL_HOST_NAMES :
	    DEF_RELAY_DOMAINS, &p) != 0)
		r = xasprintf("the F%c line is not in the form mailprov keeps "
		    "(F%c-o PATH, once): managing this would rewrite it", cls,
		    cls);
	else if (cls == 'w' && !exists)
		r = xasprintf("%s does not exist; accept_names must list at "
		    "least localhost, so managing it would create the file",
		    file);
	else if (cls == 'w' && cf_restrict_class(c, 'w', names) != 0)
		r = xasprintf("%s also names Cw names that %s does not list: "
		    "managing this would drop them from sendmail.cf",
		    h->cf_inner, file);
	else {
		listfile_edit(buf, len, names, &out);
		if (out.len != len || (len > 0 && memcmp(out.s, buf, len) != 0))
			r = xasprintf("mailprov would rewrite lines of %s (a "
			    "line with more than one word?)", file);
	}
	sbuf_free(&out);
	free(p);
	cf_free(c);
	return r;
}

/* read_list - the entries of the list file inner; -1 if unreadable. */
static int
read_list(const struct host *h, const char *inner, struct strlist *names,
    char **buf, size_t *len, int *exists)
{
	char *path = fileio_resolve(h->o->root, inner);
	int r = path ? fileio_read(path, PLAN_MAX_FILE, FILEIO_NOFOLLOW, buf,
	    len) : -1;

	free(path);
	*exists = r == 0;
	if (r < 0 && errno != ENOENT)
		return -1;
	if (r < 0) {
		*buf = xstrdup("");
		*len = 0;
	}
	listfile_entries(*buf, *len, names);
	return 0;
}

/* add_list - accept_names (class w) or relay_domains (class R). */
static void
add_list(struct host *h, char cls, const char *key,
    const struct strlist *klass)
{
	char *inner = cf_class_file(h->cf, cls), *buf = NULL, *seen, *why;
	struct yo_item *it;
	size_t len, i;
	int g = yo_group(&h->y, h->g_sm), exists;

	it = yo_add(&h->y, g, 1, key, YO_LIST, NULL);
	seen = join(klass);
	if (inner == NULL) {
		for (i = 0; i < klass->n; i++)
			if (names_check_dns(klass->v[i]) == NULL)
				strlist_push(&it->l, klass->v[i]);
		yo_note(it, "%s: sendmail's class %c ($=%c) is %s", key, cls,
		    cls, seen);
		yo_leave_out(&h->y, g, "%s reads no file for class %c (no "
		    "active F%c line): managing %s would add the line and the "
		    "file", h->cf_inner, cls, cls, key);
	} else if (read_list(h, inner, &it->l, &buf, &len, &exists) < 0) {
		yo_leave_out(&h->y, g, "%s: %s", inner, strerror(errno));
	} else {
		yo_note(it, "%s: the file the F%c line names, %s%s; "
		    "sendmail's $=%c: %s", key, cls, inner, exists ? "" :
		    " (it does not exist)", cls, seen);
		why = list_differs(h, cls, inner, &it->l, buf, len, exists);
		if (why != NULL)
			yo_leave_out(&h->y, g, "%s", why);
		free(why);
	}
	free(buf);
	free(seen);
	free(inner);
}

/* ----------------------------------------------------------- program */

static void
add_program(struct host *h)
{
	char *link = xasprintf("%s%s", h->o->root, DEF_SENDMAIL_LINK);
	char target[PATH_MAX], *why = NULL;
	struct program_link l;
	struct yo_item *it;
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	int g = yo_group(&h->y, h->g_sm);

	free(link);
	if (n < 0) {
		yo_note(yo_add(&h->y, g, 1, NULL, YO_NOTE, NULL), "program: "
		    "not managed: %s is not a symbolic link here (%s)",
		    DEF_SENDMAIL_LINK, strerror(errno));
		return;
	}
	target[n] = '\0';
	it = yo_add(&h->y, g, 1, "program", YO_STR, target);
	yo_note(it, "program: the target of %s, the sendmail SRC, rc.tcpip "
	    "and mail programs start", DEF_SENDMAIL_LINK);
	if (strcmp(target, DEF_SENDMAIL) == 0)
		yo_leave_out(&h->y, g, "it is the base sendmail; set program "
		    "to pin another binary, such as %s", DEF_SENDMAIL_SSL);
	else if (program_plan(h->o->root, DEF_SENDMAIL_LINK, target, &l,
	    &why) < 0)
		yo_leave_out(&h->y, g, "%s", why);
	else if (l.changed)
		yo_leave_out(&h->y, g, "the link is not written as an "
		    "absolute path: mailprov would rewrite it");
	program_free(&l);
	free(why);
}

/* --------------------------------------------------------------- TLS */

static const char *const tls_opt[] = { "ServerCertFile", "ServerKeyFile",
    "CACertFile", "CACertPath", "ClientCertFile", "ClientKeyFile" };
static const char *const tls_key[] = { "cert", "key", "ca_file", "ca_path",
    "client_cert", "client_key" };
#define TLS_N	6

/*
 * tls_require - require_smart_host as the access map says it: the
 * TLS_Srv: entry of the smart host; -1 with *why for another value.
 */
static int
tls_require(const struct host *h, char **file, char **why)
{
	char *cls = NULL, *path, *buf, *host, *key, *v = NULL;
	size_t len;
	int r = TLS_REQUIRE_NONE;

	if (*h->seen.S == '\0' || cf_has_map(h->cf, "access", file, &cls) <= 0 ||
	    *file == NULL || !cf_has_ruleset(h->cf, "tls_server")) {
		free(cls);
		return r;
	}
	free(cls);
	path = fileio_resolve(h->o->root, *file);
	if (path != NULL && fileio_read(path, PLAN_MAX_FILE, FILEIO_NOFOLLOW,
	    &buf, &len) == 0) {
		host = names_smart_host_name(h->seen.S);
		key = xasprintf("TLS_Srv:%s", host);
		v = accessfile_get(buf, len, key);
		if (v != NULL && strcmp(v, "ENCR:112") == 0)
			r = TLS_REQUIRE_ENCRYPT;
		else if (v != NULL && strcmp(v, "VERIFY") == 0)
			r = TLS_REQUIRE_VERIFY;
		else if (v != NULL)
			r = seterr(why, "the access map %s holds %s %s, which "
			    "require_smart_host cannot say (encrypt is "
			    "ENCR:112, verify is VERIFY)", *file, key, v);
		free(v), free(key), free(host), free(buf);
	}
	free(path);
	return r;
}

/* file_changed - what plan's finish() says of a managed file. */
static int
file_changed(const struct plan_file *f)
{
	if (!f->managed)
		return 0;
	if (!f->exists)
		return f->new.len > 0;
	return f->new.len != f->oldlen || (f->oldlen > 0 &&
	    memcmp(f->new.s, f->old, f->oldlen) != 0);
}

/*
 * access_change - why the access file would change: mailprov's AuthInfo:
 * entry, which a tls section without auth removes (import cannot say
 * auth: the password is only in the access map), or the TLS_Srv: entry.
 * Nothing of the entry's value is said.
 */
static char *
access_change(const struct desired *td, const struct plan_file *f)
{
	char *host = names_smart_host_name(td->sendmail.smart_host.v);
	char *key = xasprintf("AuthInfo:%s", host);
	char *was = accessfile_get(f->old, f->oldlen, key);
	char *now = accessfile_get(f->new.s, f->new.len, key);
	char *why;

	if (was != NULL && now == NULL)
		why = xasprintf("the access map holds mailprov's %s entry "
		    "(AUTH to the smart host, with its password), which tls "
		    "without sendmail.auth would remove; import does not "
		    "write auth (the password is only in the access map, "
		    "never in a desired state): put it into a root-owned "
		    "file of mode 0600, add sendmail.auth (user, secret_file, "
		    "mechanisms) and take tls over with it", key);
	else
		why = xstrdup("mailprov would change the TLS_Srv: entry of "
		    "the access map");
	if (was != NULL)
		util_wipe(was, strlen(was));
	free(was);
	free(now);
	free(key);
	free(host);
	return why;
}

/* tls_plan - the TLS part of the plan on copies: NULL when it keeps all. */
static char *
tls_plan(const struct host *h, struct desired *td)
{
	struct plan p;
	struct sbuf out = { 0 };
	struct cf *c = copy(h);
	char *why = NULL;

	memset(&p, 0, sizeof(p));
	p.root = h->o->root;
	p.f[PLAN_SENDMAIL_CF].label = h->cf_inner;
	if (plantls_edit_cf(td, c, &p, &why) == 0) {
		cf_serialize(c, &out);
		if (out.len != h->cf_len || memcmp(out.s, h->cf_buf, out.len) !=
		    0)
			why = xasprintf("mailprov would rewrite the TLS option "
			    "lines of %s (one given twice, or ClientCertFile "
			    "and ClientKeyFile not set)", h->cf_inner);
		else if (plantls_access(td, h->o->root, c, &p, &why) == 0 &&
		    file_changed(&p.f[PLAN_ACCESS]))
			why = access_change(td, &p.f[PLAN_ACCESS]);
	}
	sbuf_free(&out);
	plan_free(&p);
	cf_free(c);
	return why;
}

/* tls_differs - NULL when the plan can take tls over as it is. */
static char *
tls_differs(const struct host *h, char *const *v, int req)
{
	struct desired *td = xcalloc(1, sizeof(*td));
	struct desired_tls *t = &td->sendmail.tls;
	struct dstr *f[TLS_N] = { &t->cert, &t->key, &t->ca_file,
	    &t->ca_path, &t->client_cert, &t->client_key };
	struct smcaps caps;
	char *why = NULL;
	size_t i;

	if (smcaps_probe(h->binary, NULL, h->o->timeout_ms, &caps, &why) < 0)
		;
	else if (!caps.starttls)
		why = xasprintf("sendmail at %s was built without STARTTLS: "
		    "the plan would refuse tls", h->binary);
	smcaps_free(&caps);
	if (why != NULL) {
		free(td);
		return why;
	}
	t->sect.set = 1;
	for (i = 0; i < TLS_N; i++)
		f[i]->v = v[i];
	t->require_smart_host.v = req;
	t->require_smart_host.set = 1;
	td->sendmail.smart_host.v = h->seen.S;
	why = tls_plan(h, td);
	free(td);
	return why;
}

/* tls_items - the keys of the tls section; v[4], v[5] NULL if the same. */
static void
tls_items(struct host *h, int g, char **v, int req, const char *map)
{
	static const char *const words[] = { "none", "encrypt", "verify" };
	struct yo_item *it;
	size_t i;

	if (v[4] && v[5] && v[0] && v[1] && strcmp(v[4], v[0]) == 0 &&
	    strcmp(v[5], v[1]) == 0) {
		free(v[4]), free(v[5]);
		v[4] = v[5] = NULL;
	}
	for (i = 0; i < TLS_N; i++)
		if (v[i] != NULL)
			yo_note(yo_add(&h->y, g, 2, tls_key[i], YO_STR, v[i]),
			    "O %s", tls_opt[i]);
	if (req != TLS_REQUIRE_NONE) {
		it = yo_add(&h->y, g, 2, "require_smart_host", YO_RAW,
		    words[req]);
		yo_note(it, "the TLS_Srv: entry of the smart host in the "
		    "access map %s", map);
	}
}

static void
add_tls(struct host *h)
{
	char *v[TLS_N], *map = NULL, *why = NULL;
	size_t i, set = 0;
	int g, req;

	for (i = 0; i < TLS_N; i++) {
		v[i] = cf_option(h->cf, tls_opt[i]);
		if (v[i] != NULL && *v[i] == '\0')
			free(v[i]), v[i] = NULL;
		set += i < 4 && v[i] != NULL;
	}
	g = yo_group(&h->y, h->g_sm);
	if (set == 0 && v[4] == NULL && v[5] == NULL) {
		yo_note(yo_add(&h->y, g, 1, NULL, YO_NOTE, NULL), "tls: not "
		    "managed: %s sets none of the TLS options", h->cf_inner);
		return;
	}
	yo_note(yo_add(&h->y, g, 1, "tls", YO_HEADER, NULL), "tls: the TLS "
	    "options of %s", h->cf_inner);
	req = tls_require(h, &map, &why);
	tls_items(h, g, v, req < 0 ? TLS_REQUIRE_NONE : req, map);
	if (req >= 0 && set < 4)
		why = xstrdup("sendmail offers STARTTLS only with all of "
		    "ServerCertFile, ServerKeyFile, CACertFile and CACertPath, "
		    "and the schema requires them");
	else if (req >= 0)
		why = tls_differs(h, v, req);
	if (why != NULL)
		yo_leave_out(&h->y, g, "%s", why);
	for (i = 0; i < TLS_N; i++)
		free(v[i]);
	free(map);
	free(why);
}

/* ----------------------------------------------------------- aliases */

/* A selection of the aliases file's entries. */
struct pick {
	struct aliases	 a;
	unsigned char	*dup;		/* the name is defined again */
	unsigned char	*take;		/* written */
	size_t		 ndup, ntake, nprog, nfile;
	int		 exact;
};

static const struct alias_entry *sort_base;

static int
by_name(const void *x, const void *y)
{
	return strcasecmp(sort_base[*(const size_t *)x].name,
	    sort_base[*(const size_t *)y].name);
}

/* mark_dups - names defined more than once (sendmail takes the first). */
static void
mark_dups(struct pick *k)
{
	size_t *ix = xcalloc(k->a.n + 1, sizeof(*ix)), i;

	for (i = 0; i < k->a.n; i++)
		ix[i] = i;
	sort_base = k->a.v;
	qsort(ix, k->a.n, sizeof(*ix), by_name);
	sort_base = NULL;
	for (i = 1; i < k->a.n; i++)
		if (strcasecmp(k->a.v[ix[i]].name, k->a.v[ix[i - 1]].name) == 0)
			k->dup[ix[i]] = k->dup[ix[i - 1]] = 1;
	for (i = 0; i < k->a.n; i++)
		k->ndup += k->dup[i];
	free(ix);
}

/* choose - which entries are written, and what they need allowed. */
static void
choose(struct pick *k, int all)
{
	static const char *const few[] = { "postmaster", "MAILER-DAEMON",
	    "root", NULL };
	size_t i, t, f;
	int need = 0;

	for (i = 0; i < k->a.n; i++) {
		for (f = 0; few[f] != NULL &&
		    strcasecmp(few[f], k->a.v[i].name) != 0; f++)
			;
		if (k->dup[i] || (!all && k->a.n > IMPORT_ALIASES_MAX &&
		    few[f] == NULL))
			continue;
		k->take[i] = 1;
		k->ntake++;
		for (t = 0; t < k->a.v[i].targets.n; t++) {
			const char *bad;
			enum alias_target at = names_alias_target(
			    k->a.v[i].targets.v[t], &bad);

			k->nprog += at == TARGET_PROGRAM;
			k->nfile += at == TARGET_FILE || at == TARGET_INCLUDE;
		}
		need |= f < 2 ? 1 << f : 0;
	}
	k->exact = all && k->ndup == 0 && need == 3;
}

/* edits_nothing - aliases_edit keeps the file with the chosen entries. */
static int
edits_nothing(const struct pick *k, const char *buf, size_t len)
{
	struct desired_aliases want;
	struct strlist notes = { 0 };
	struct sbuf out = { 0 };
	size_t i;
	int r;

	memset(&want, 0, sizeof(want));
	want.mode.v = k->exact ? ALIASES_EXACT : ALIASES_MERGE;
	want.entries = xcalloc(k->ntake + 1, sizeof(*want.entries));
	for (i = 0; i < k->a.n; i++)
		if (k->take[i]) {
			want.entries[want.n].name = k->a.v[i].name;
			want.entries[want.n++].targets = k->a.v[i].targets;
		}
	r = aliases_edit(buf, len, &want, &out, &notes) == 0;
	free(want.entries);
	sbuf_free(&out);
	strlist_clear(&notes);
	return r;
}

/* alias_items - mode, allow_*, and one item (and group) per entry. */
static void
alias_items(struct host *h, int g, const struct pick *k)
{
	struct yo_item *it;
	size_t i, k2;
	int ge;

	h->mode_item = (long)h->y.n;
	yo_add(&h->y, g, 2, "mode", YO_RAW, k->exact ? "exact" : "merge");
	if (k->nprog > 0)
		yo_note(yo_add(&h->y, g, 2, "allow_programs", YO_RAW, "true"),
		    "allow_programs: true, because %zu of the entries below "
		    "run a program (|command), as the file has them", k->nprog);
	if (k->nfile > 0)
		yo_note(yo_add(&h->y, g, 2, "allow_files", YO_RAW, "true"),
		    "allow_files: true, because %zu of the entries below write "
		    "to a file or read :include: files, as the file has them",
		    k->nfile);
	h->g_entries = ge = yo_group(&h->y, g);
	it = yo_add(&h->y, ge, 2, "entries", YO_HEADER, NULL);
	if (k->ndup > 0)
		yo_note(it, "left out: %zu entries whose name is defined more "
		    "than once (sendmail uses the first); merge mode keeps "
		    "them as they are", k->ndup);
	if (k->ntake + k->ndup < k->a.n)
		yo_note(it, "%zu of the %zu entries are left out (the file "
		    "has more than %d): merge mode keeps them as they are; "
		    "mailprov import --all-aliases writes every entry, in "
		    "exact mode", k->a.n - k->ntake - k->ndup, k->a.n,
		    IMPORT_ALIASES_MAX);
	for (i = 0; i < k->a.n; i++) {
		const struct alias_entry *e = &k->a.v[i];

		if (!k->take[i])
			continue;
		if (e->targets.n == 1 && strchr(e->targets.v[0], ',') == NULL)
			yo_add(&h->y, yo_group(&h->y, ge), 3, e->name, YO_STR,
			    e->targets.v[0]);
		else {
			it = yo_add(&h->y, yo_group(&h->y, ge), 3, e->name,
			    YO_FLOW, NULL);
			strlist_clear(&it->l);
			for (k2 = 0; k2 < e->targets.n; k2++)
				strlist_push(&it->l, e->targets.v[k2]);
		}
	}
}

static void
add_aliases(struct host *h)
{
	char *inner = cf_alias_file(h->cf), *path, *buf = NULL;
	struct pick k;
	size_t len;
	int g = yo_group(&h->y, h->g_sm), r;

	if (inner == NULL)
		inner = xstrdup(DEF_ALIASES);
	path = fileio_resolve(h->o->root, inner);
	r = path ? fileio_read(path, PLAN_MAX_FILE, FILEIO_NOFOLLOW, &buf,
	    &len) : -1;
	free(path);
	if (r < 0) {
		yo_note(yo_add(&h->y, g, 1, NULL, YO_NOTE, NULL), "aliases: "
		    "not managed: %s: %s", inner, strerror(errno));
		free(inner);
		return;
	}
	memset(&k, 0, sizeof(k));
	aliases_parse(buf, len, &k.a);
	k.dup = xcalloc(k.a.n + 1, 1);
	k.take = xcalloc(k.a.n + 1, 1);
	mark_dups(&k);
	choose(&k, h->o->all_aliases);
	yo_note(yo_add(&h->y, g, 1, "aliases", YO_HEADER, NULL), "aliases: "
	    "%s (the AliasFile of %s), %zu entries", inner, h->cf_inner,
	    k.a.n);
	if (k.exact && !edits_nothing(&k, buf, len))
		k.exact = 0;
	alias_items(h, g, &k);
	if (h->o->all_aliases && !k.exact)
		yo_note(&h->y.v[h->mode_item], "merge, not exact: %s",
		    k.ndup ? "some names are defined more than once" :
		    "exact mode needs postmaster and MAILER-DAEMON");
	if (!edits_nothing(&k, buf, len))
		yo_leave_out(&h->y, h->g_entries, "aliases_edit would rewrite "
		    "the file with these entries");
	aliases_free(&k.a);
	free(k.dup), free(k.take), free(buf), free(inner);
}

/* ----------------------------------------------------------- service */

/* args_ok - the stored arguments are what service.args accepts. */
static int
args_ok(const char *sub, const char *args)
{
	const char *w;
	size_t n;

	return names_check_src_args(args) == NULL &&
	    (strcmp(sub, "sendmail") != 0 ||
	    names_check_sendmail_daemon_args(args, &w, &n) == NULL);
}

/* service_differs - NULL when service_plan has no step for these values. */
static char *
service_differs(const struct host *h, int running, const char *args,
    int persist)
{
	struct desired *sd = xcalloc(1, sizeof(*sd));
	struct service_plan sp;
	char *why = NULL;

	sd->service.sect.set = 1;
	sd->service.subsystem.v = xstrdup(DEF_SUBSYSTEM);
	sd->service.state.v = running ? SERVICE_RUNNING : SERVICE_STOPPED;
	sd->service.args.v = xstrdup(args);
	sd->service.persist.v = persist;
	if (service_plan(h->o->src, sd, 0, &sp, &why) == 0 && sp.n > 0)
		why = xasprintf("the plan would still run %zu SRC step%s",
		    sp.n, sp.n == 1 ? "" : "s");
	free(sd->service.subsystem.v);
	free(sd->service.args.v);
	free(sd);
	return why;
}

/* service_items - the keys, and why persist is what it is. */
static void
service_items(struct host *h, int g, const struct src_def *def, int running,
    int boot, int persist)
{
	struct yo_item *it;
	int ok = args_ok(DEF_SUBSYSTEM, def->args);

	yo_add(&h->y, g, 1, "subsystem", YO_STR, DEF_SUBSYSTEM);
	yo_add(&h->y, g, 1, "state", YO_RAW, running ? "running" :
	    "stopped");
	it = yo_add(&h->y, g, 1, "args", YO_STR, ok ? def->args :
	    DEF_SENDMAIL_ARGS);
	if (!ok)
		yo_note(it, "SRC stores the arguments '%s', which service.args "
		    "does not accept: the default is written, and persist is "
		    "false so that it is never stored", def->args);
	it = yo_add(&h->y, g, 1, "persist", YO_RAW, persist ? "true" :
	    "false");
	if (!persist && ok && boot >= 0)
		yo_note(it, "persist: false, because the boot entry is %s "
		    "while the subsystem is %s", boot ? "enabled" : "disabled",
		    running ? "running" : "stopped");
	else if (!persist && boot < 0)
		yo_note(it, "persist: false, because the boot entry cannot be "
		    "read: %s", src_error(h->o->src));
}

static void
add_service(struct host *h)
{
	struct src_status st;
	struct src_def def;
	int g = yo_group(&h->y, -1), boot = -1, running, persist;
	char *why;

	memset(&st, 0, sizeof(st));
	memset(&def, 0, sizeof(def));
	if (src_status(h->o->src, DEF_SUBSYSTEM, &st) < 0 ||
	    src_definition(h->o->src, DEF_SUBSYSTEM, &def) < 0 ||
	    st.state == SRC_NOTDEF || !def.defined) {
		yo_note(yo_add(&h->y, g, 0, NULL, YO_NOTE, NULL), "service: not "
		    "managed: %s", def.defined || st.state != SRC_NOTDEF ?
		    src_error(h->o->src) : "SRC has no subsystem sendmail");
		return;
	}
	running = st.state == SRC_ACTIVE;
	if (src_boot_enabled(h->o->src, DEF_SUBSYSTEM, &boot) < 0)
		boot = -1;
	persist = boot >= 0 && args_ok(DEF_SUBSYSTEM, def.args) &&
	    (boot != 0) == running;
	yo_note(yo_add(&h->y, g, 0, "service", YO_HEADER, NULL), "service: "
	    "lssrc -s %s says %s; lssrc -S gives the arguments '%s'; the boot "
	    "entry (its start line in %s) is %s", DEF_SUBSYSTEM,
	    src_state_name(st.state), def.args, DEF_RC_TCPIP, boot < 0 ?
	    "unknown" : boot ? "enabled" : "commented out");
	service_items(h, g, &def, running, boot, persist);
	if (st.state == SRC_STOPPING || st.state == SRC_OTHER)
		yo_leave_out(&h->y, g, "the subsystem is %s; import again once "
		    "it is running or stopped", src_state_name(st.state));
	else if ((why = service_differs(h, running, args_ok(DEF_SUBSYSTEM,
	    def.args) ? def.args : DEF_SENDMAIL_ARGS, persist)) != NULL) {
		yo_leave_out(&h->y, g, "%s", why);
		free(why);
	}
}

/* ---------------------------------------------------------- document */

/* build - every key, in the order of conf/desired.yaml. */
static void
build(struct host *h)
{
	struct yo_item *it;
	int g;

	h->g_top = yo_group(&h->y, -1);
	yo_add(&h->y, h->g_top, 0, "version", YO_RAW, "1");
	h->g_sm = yo_group(&h->y, -1);
	yo_add(&h->y, h->g_sm, 0, "sendmail", YO_HEADER, NULL);
	it = yo_add(&h->y, h->g_sm, 1, "config", YO_STR, h->cf_inner);
	yo_note(it, "config: where the sendmail.cf was found (%s)",
	    fileio_inside(h->o->root, h->cf_path));
	add_identity(h);
	g = yo_group(&h->y, h->g_sm);
	add_macro(h, g, "smart_host", "S", h->seen.S);
	add_port(h);
	add_relay_all(h);
	add_list(h, 'w', "accept_names", &h->seen.class_w);
	add_list(h, 'R', "relay_domains", &h->seen.class_r);
	add_program(h);
	add_tls(h);
	add_aliases(h);
	add_service(h);
}

/*
 * drop - item i cannot be written (the loader refused it, or it is not
 * UTF-8): leave its group out.  In exact mode an entry that cannot be
 * written makes the mode merge (exact would delete it).  0 when nothing
 * could be left out.
 */
static int
drop(struct host *h, long i, const char *msg)
{
	struct yo_item *mode;
	int g;

	if (i < 0 || (g = h->y.v[i].group) == h->g_top || g == h->g_sm)
		return 0;
	mode = h->mode_item >= 0 ? &h->y.v[h->mode_item] : NULL;
	if (mode != NULL && strcmp(mode->s, "exact") == 0 &&
	    h->y.g[g].parent == h->g_entries) {
		free(mode->s);
		mode->s = xstrdup("merge");
		yo_note(mode, "merge, not exact: an entry cannot be written "
		    "(%s)", msg);
	}
	return yo_leave_out(&h->y, g, "%s", msg);
}

static void
head(const struct host *h, struct sbuf *out)
{
	sbuf_addf(out, "# desired.yaml - this host's sendmail as it is, "
	    "written by mailprov import\n# (mailprov %s) from %s%s.\n#\n"
	    "# `mailprov plan -f FILE` on the same host finds nothing to "
	    "change.\n# Each key says where it was found; a key that "
	    "mailprov could not take\n# over without changing the host is "
	    "commented out, with the reason.\n\n", MAILPROV_VERSION,
	    *h->o->root ? h->o->root : "", h->cf_inner);
}

/* settle - render and load until the loader takes the text. */
static int
settle(struct host *h, struct sbuf *out, char **why)
{
	struct diags d;
	struct desired *ds;
	size_t k;
	int pass, left, c;

	/* Not UTF-8: no YAML file holds it (yamlout.h). */
	for (k = 0; k < h->y.n; k++)
		if (yo_gone(&h->y, h->y.v[k].group) == NULL &&
		    (c = yo_bad_byte(&h->y.v[k])) >= 0)
			drop(h, (long)k, yo_utf8_reason(c));
	for (pass = 0; pass < SETTLE_PASSES; pass++) {
		out->len = 0;
		head(h, out);
		yo_render(&h->y, out);
		diags_init(&d, "import");
		if ((ds = desired_load_buffer(out->s, out->len, &d)) != NULL) {
			desired_free(ds);
			diags_free(&d);
			return 0;
		}
		for (left = 0, k = 0; k < d.n; k++)
			left += drop(h, yo_item_at(&h->y, d.v[k].line),
			    d.v[k].msg);
		if (left == 0) {
			seterr(why, "the imported desired state does not load "
			    "(line %u: %s)", d.n ? d.v[0].line : 0, d.n ?
			    d.v[0].msg : "?");
			diags_free(&d);
			return -1;
		}
		diags_free(&d);
	}
	return seterr(why, "the imported desired state still does not load "
	    "after %d rounds", SETTLE_PASSES);
}

/*
 * binary - the sendmail the plan would run (plantls_prepare with nothing
 * to manage only resolves it: no link is read, no capability asked).
 */
static char *
binary(const struct import_opts *o)
{
	struct desired *none = xcalloc(1, sizeof(*none));
	struct plan_env env;
	struct plan p;
	char *why = NULL, *bin;

	memset(&env, 0, sizeof(env));
	memset(&p, 0, sizeof(p));
	env.root = o->root;
	env.src = o->src;
	env.sendmail = o->sendmail;
	plantls_prepare(none, &env, &p, &why);
	bin = p.binary ? xstrdup(p.binary) : xstrdup(DEF_SENDMAIL);
	plan_free(&p);
	free(why);
	free(none);
	return bin;
}

int
import_host(const struct import_opts *o, struct sbuf *out, char **why)
{
	struct host h;
	int r = -1;

	memset(&h, 0, sizeof(h));
	h.o = o;
	h.g_entries = -1;
	h.mode_item = -1;
	*why = NULL;
	h.binary = binary(o);
	if (find_cf(&h, why) == 0 && ask_sendmail(&h, why) == 0) {
		build(&h);
		r = settle(&h, out, why);
	}
	free(h.cf_inner), free(h.cf_path), free(h.cf_buf), free(h.binary);
	free(h.dom_addr), free(h.dom_mailer), free(h.dom_host);
	cf_free(h.cf);
	smcheck_seen_free(&h.seen);
	yo_free(&h.y);
	return r;
}
