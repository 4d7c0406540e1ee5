/*
 * dconf.c - the daemon configuration: a schema table with its defaults
 * and ranges.
 *
 * Contract: see dconf.h.
 */
#include "dconf.h"
#include "fileio.h"
#include "names.h"
#include "paths.h"
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
	int port, r = service_port_spec(s, &host, &port);

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

static const char *const modes[] = { "enforce", "audit", NULL };

/* The checks after the service steps: their defaults are the backend's. */
static const struct schema_key verify_keys[] = {
	{ .name = "port", .type = SCHEMA_STR, .off = C(verify_port),
	    .check = check_port },
	{ .name = "bv", .type = SCHEMA_BOOL, .off = C(verify_bv) },
	{ .name = NULL }
};

static const struct schema_key top_keys[] = {
	{ .name = "desired", .type = SCHEMA_STR, .off = C(desired),
	    .check = names_check_abspath, .def = DEF_DESIRED },
	{ .name = "incoming", .type = SCHEMA_STR, .off = C(incoming),
	    .check = names_check_abspath, .def = DEF_INCOMING },
	{ .name = "state_dir", .type = SCHEMA_STR, .off = C(state_dir),
	    .check = names_check_abspath, .def = DEF_STATE_DIR },
	{ .name = "interval", .type = SCHEMA_INT, .off = C(interval),
	    .idef = DEF_INTERVAL_S, .min = 10, .max = 86400 },
	{ .name = "settle", .type = SCHEMA_INT, .off = C(settle),
	    .idef = DEF_SETTLE_S, .min = 0, .max = 60 },
	{ .name = "poll", .type = SCHEMA_INT, .off = C(poll),
	    .idef = DEF_POLL_S, .min = 1, .max = 3600 },
	{ .name = "watch_settle", .type = SCHEMA_INT,
	    .off = C(watch_settle), .idef = DEF_WATCH_SETTLE_S, .min = 0,
	    .max = 60 },
	{ .name = "full_interval", .type = SCHEMA_INT,
	    .off = C(full_interval), .idef = DEF_FULL_INTERVAL_S, .min = 10,
	    .max = 604800 },
	{ .name = "history", .type = SCHEMA_INT, .off = C(history),
	    .idef = DEF_HISTORY_KEEP, .min = 1, .max = 1000 },
	{ .name = "mode", .type = SCHEMA_ENUM, .off = C(mode),
	    .choices = modes, .idef = DCONF_ENFORCE },
	{ .name = "src_backend", .type = SCHEMA_ENUM, .off = C(backend),
	    .choices = backends },
	{ .name = "src_bindir", .type = SCHEMA_STR, .off = C(src_bindir),
	    .check = names_check_abspath, .def = DEF_SRC_BINDIR },
	/* Not written: the program SRC starts (/usr/lib/sendmail). */
	{ .name = "sendmail", .type = SCHEMA_STR, .off = C(sendmail),
	    .check = names_check_abspath },
	/* 0, not written: each command keeps its own time limit. */
	{ .name = "timeout", .type = SCHEMA_INT, .off = C(timeout),
	    .min = 1, .max = TIMEOUT_MAX_S },
	{ .name = "verify", .type = SCHEMA_SECTION, .off = C(verify),
	    .sub = verify_keys },
	{ .name = "syslog_facility", .type = SCHEMA_STR, .off = C(facility),
	    .check = check_facility, .def = DEF_FACILITY },
	{ .name = "source", .type = SCHEMA_STR, .off = C(source),
	    .check = check_url },
	{ .name = "report_url", .type = SCHEMA_STR, .off = C(report_url),
	    .check = check_url },
	{ .name = "ca_file", .type = SCHEMA_STR, .off = C(ca_file),
	    .check = names_check_abspath },
	{ .name = "ca_path", .type = SCHEMA_STR, .off = C(ca_path),
	    .check = names_check_abspath },
	{ .name = "cert", .type = SCHEMA_STR, .off = C(cert),
	    .check = names_check_abspath },
	{ .name = "key", .type = SCHEMA_STR, .off = C(key),
	    .check = names_check_abspath },
	{ .name = "insecure", .type = SCHEMA_BOOL, .off = C(insecure) },
	{ .name = "sha256", .type = SCHEMA_STR, .off = C(sha256),
	    .check = check_sha256 },
	{ .name = NULL }
};

/*
 * defaults - the table's defaults, then the two that are not one fixed
 * value: the backend is the build's (be) unless written, and the
 * incoming directory lies in the state directory unless written (so that
 * state_dir alone moves everything).  verify.port and verify.bv stay
 * unset when not written: their defaults depend on the backend, which
 * mailprovd --src-backend may still change; runopts decides them.
 */
static void
defaults(struct dconf *c, enum dconf_backend be)
{
	struct schema_loader L = { NULL, c };

	if (c->incoming.v == NULL && c->state_dir.v != NULL)
		c->incoming.v = xasprintf("%s/incoming", c->state_dir.v);
	schema_defaults(&L, top_keys);
	if (!c->backend.set)
		c->backend.v = (int)be;
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
		char *why = fileio_read_error(errno, lim.max_bytes);

		diags_add(d, 0, 0, "%s", why);
		free(why);
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
	/* http:// only with insecure: true, said where the URL is. */
	if (!c->insecure.v) {
		if (c->source.v && strncmp(c->source.v, "http://", 7) == 0)
			diags_add(d, c->source.at.line, c->source.at.col,
			    "source is plain http; only https is allowed "
			    "unless insecure: true");
		if (c->report_url.v &&
		    strncmp(c->report_url.v, "http://", 7) == 0)
			diags_add(d, c->report_url.at.line,
			    c->report_url.at.col, "report_url is plain http; "
			    "only https is allowed unless insecure: true");
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
