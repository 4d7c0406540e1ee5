/*
 * dconf.c - the daemon configuration: a schema table and its defaults.
 *
 * Contract: see dconf.h.
 */
#include "dconf.h"
#include "fileio.h"
#include "names.h"
#include "service.h"
#include "yamltree.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define C(m)	offsetof(struct dconf, m)

static const char *const backends[] = { "exec", "mock", NULL };

static const struct {
	const char	*name;
	int		 code;
} facilities[] = {
	{ "daemon", LOG_DAEMON }, { "mail", LOG_MAIL }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 }, { NULL, 0 }
};

static const char *
check_facility(const char *s)
{
	size_t i;

	for (i = 0; facilities[i].name != NULL; i++)
		if (strcmp(s, facilities[i].name) == 0)
			return NULL;
	return "is not a syslog facility (daemon, mail, user, local0 to "
	    "local7)";
}

static const char *
check_port(const char *s)
{
	char *host;
	int port, r = svc_port_spec(s, &host, &port);

	free(host);
	return r < 0 ? "must be HOST:PORT (port 1 to 65535) or none" : NULL;
}

static const char *
check_url(const char *s)
{
	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return "must be an https:// URL";
	if (strpbrk(s, " \t\"'<>") != NULL)
		return "holds a character a URL cannot";
	return NULL;
}

static const char *
check_sha256(const char *s)
{
	if (strlen(s) != 64 || strspn(s, "0123456789abcdefABCDEF") != 64)
		return "must be 64 hexadecimal digits";
	return NULL;
}

static const struct schema_key verify_keys[] = {
	{ "port", SCHEMA_STR, C(verify_port), NULL, check_port, NULL, NULL, 0,
	    NULL },
	{ "bv", SCHEMA_BOOL, C(verify_bv), NULL, NULL, NULL, NULL, 0, NULL },
	{ NULL, SCHEMA_INT, 0, NULL, NULL, NULL, NULL, 0, NULL }
};

static const struct schema_key top_keys[] = {
	{ "desired", SCHEMA_STR, C(desired), NULL, names_check_abspath, NULL, NULL,
	    0, NULL },
	{ "incoming", SCHEMA_STR, C(incoming), NULL, names_check_abspath, NULL,
	    NULL, 0, NULL },
	{ "state_dir", SCHEMA_STR, C(state_dir), NULL, names_check_abspath, NULL,
	    NULL, 0, NULL },
	{ "interval", SCHEMA_INT, C(interval), NULL, NULL, NULL, NULL, 0, NULL },
	{ "settle", SCHEMA_INT, C(settle), NULL, NULL, NULL, NULL, 0, NULL },
	{ "poll", SCHEMA_INT, C(poll), NULL, NULL, NULL, NULL, 0, NULL },
	{ "history", SCHEMA_INT, C(history), NULL, NULL, NULL, NULL, 0, NULL },
	{ "src_backend", SCHEMA_ENUM, C(backend), NULL, NULL, backends, NULL, 0,
	    NULL },
	{ "src_bindir", SCHEMA_STR, C(src_bindir), NULL, names_check_abspath, NULL,
	    NULL, 0, NULL },
	{ "sendmail", SCHEMA_STR, C(sendmail), NULL, names_check_abspath, NULL,
	    NULL, 0, NULL },
	{ "timeout", SCHEMA_INT, C(timeout), NULL, NULL, NULL, NULL, 0, NULL },
	{ "verify", SCHEMA_SECTION, C(verify), verify_keys, NULL, NULL, NULL, 0,
	    NULL },
	{ "syslog_facility", SCHEMA_STR, C(facility), NULL, check_facility, NULL,
	    NULL, 0, NULL },
	{ "source", SCHEMA_STR, C(source), NULL, check_url, NULL, NULL, 0, NULL },
	{ "report_url", SCHEMA_STR, C(report_url), NULL, check_url, NULL, NULL, 0,
	    NULL },
	{ "ca_file", SCHEMA_STR, C(ca_file), NULL, names_check_abspath, NULL, NULL,
	    0, NULL },
	{ "ca_path", SCHEMA_STR, C(ca_path), NULL, names_check_abspath, NULL, NULL,
	    0, NULL },
	{ "cert", SCHEMA_STR, C(cert), NULL, names_check_abspath, NULL, NULL, 0,
	    NULL },
	{ "key", SCHEMA_STR, C(key), NULL, names_check_abspath, NULL, NULL, 0,
	    NULL },
	{ "insecure", SCHEMA_BOOL, C(insecure), NULL, NULL, NULL, NULL, 0, NULL },
	{ "sha256", SCHEMA_STR, C(sha256), NULL, check_sha256, NULL, NULL, 0,
	    NULL },
	{ NULL, SCHEMA_INT, 0, NULL, NULL, NULL, NULL, 0, NULL }
};

/* range - an integer key within [lo, hi], or an error at it. */
static void
range(struct diags *d, const struct dint *f, const char *name, int lo, int hi)
{
	if (f->set && (f->v < lo || f->v > hi))
		diags_add(d, f->at.line, f->at.col, "%s %d is out of range: "
		    "%d to %d", name, f->v, lo, hi);
}

static void
dstr_default(struct dstr *f, const char *v)
{
	if (f->v == NULL)
		f->v = xstrdup(v);
}

static void
dint_default(struct dint *f, int v)
{
	if (!f->set)
		f->v = v;
}

static void
defaults(struct dconf *c, enum dconf_backend be)
{
	dstr_default(&c->desired, "/etc/mailprov/desired.yaml");
	dstr_default(&c->incoming, "/var/mailprov/incoming");
	dstr_default(&c->state_dir, "/var/mailprov");
	dint_default(&c->interval, 900);
	dint_default(&c->settle, 1);
	dint_default(&c->poll, 5);
	dint_default(&c->history, 20);
	dint_default(&c->backend, (int)be);
	dstr_default(&c->sendmail, "/usr/sbin/sendmail");
	dstr_default(&c->src_bindir, "/usr/bin");
	/* A real SRC starts a real sendmail: check its port; a mock does not. */
	dstr_default(&c->verify_port, c->backend.v == DCONF_EXEC ?
	    "127.0.0.1:25" : "none");
	dint_default(&c->verify_bv, c->backend.v == DCONF_EXEC);
	dstr_default(&c->facility, "daemon");
}

struct dconf *
dconf_load_file(const char *path, int missing_ok, enum dconf_backend be,
    struct diags *d)
{
	static const struct ytree_limits lim = { 64 * 1024, 1000, 8 };
	struct schema_loader L;
	struct dconf *c = xcalloc(1, sizeof(*c));
	struct ynode *root = NULL;
	size_t before = diags_count(d);
	char *buf;
	size_t len;

	if (fileio_read(path, lim.max_bytes, FILEIO_NOFOLLOW | FILEIO_TRUSTED,
	    &buf, &len) < 0) {
		if (errno == ENOENT && missing_ok) {
			defaults(c, be);
			return c;
		}
		diags_add(d, 0, 0, "%s", errno == EPERM ? "is not safe to "
		    "trust: it and its directory must be owned by root and "
		    "writable by nobody else" : strerror(errno));
		free(c);
		return NULL;
	}
	root = ytree_parse(buf, len, &lim, d);
	free(buf);
	if (root != NULL && !ynode_is_null(root)) {
		if (root->kind != YN_MAP)
			diags_add(d, root->line, root->col, "the daemon "
			    "configuration must be a mapping of keys, not %s",
			    schema_describe(root));
		else {
			L.d = d;
			L.base = c;
			schema_load_map(&L, root, top_keys, "");
		}
	}
	ynode_free(root);
	range(d, &c->interval, "interval", 10, 86400);
	range(d, &c->settle, "settle", 0, 60);
	range(d, &c->timeout, "timeout", 1, 3600);
	range(d, &c->poll, "poll", 1, 3600);
	range(d, &c->history, "history", 1, 1000);
	/* http:// only with insecure: true, said where the URL is. */
	if (!c->insecure.v) {
		if (c->source.v && strncmp(c->source.v, "http://", 7) == 0)
			diags_add(d, c->source.at.line, c->source.at.col, "source "
			    "is plain http; only https is allowed unless "
			    "insecure: true");
		if (c->report_url.v && strncmp(c->report_url.v, "http://", 7) ==
		    0)
			diags_add(d, c->report_url.at.line, c->report_url.at.col,
			    "report_url is plain http; only https is allowed "
			    "unless insecure: true");
	}
	if (diags_count(d) > before) {
		diags_sort(d);
		dconf_free(c);
		return NULL;
	}
	defaults(c, be);
	return c;
}

void
dconf_free(struct dconf *c)
{
	if (c == NULL)
		return;
	free(c->desired.v), free(c->incoming.v), free(c->state_dir.v);
	free(c->sendmail.v), free(c->src_bindir.v), free(c->verify_port.v);
	free(c->facility.v), free(c->source.v), free(c->report_url.v);
	free(c->ca_file.v), free(c->ca_path.v), free(c->cert.v), free(c->key.v);
	free(c->sha256.v);
	free(c);
}

int
dconf_facility(const struct dconf *c)
{
	size_t i;

	for (i = 0; facilities[i].name != NULL; i++)
		if (strcmp(c->facility.v, facilities[i].name) == 0)
			return facilities[i].code;
	return LOG_DAEMON;
}
