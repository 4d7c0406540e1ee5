/*
 * desired.c - load and validate the desired state (schema version 1).
 *
 * The schema is the table below: one row per key with its type, where it
 * lands in struct desired, the check for its value, its default and, for
 * a number, its range.  The walker, the "did you mean" hints, the list of
 * valid keys and the defaults all come from the table; conf/desired.yaml
 * and mailprov.yaml(5) document the same rows.
 *
 * Three passes: yamltree builds a bounded tree (syntax, encoding, bounds,
 * duplicate keys); schema_load_map() walks it against the table (unknown
 * keys, types, per-value syntax, ranges); desired_check_rules() in
 * desired_rules.c applies the rules that involve several keys.  Only a
 * document without errors gets its defaults (schema_defaults()).
 */
#include "desired.h"
#include "fileio.h"
#include "names.h"
#include "paths.h"
#include "schema.h"
#include "yamltree.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------- schema */

static void load_aliases(struct schema_loader *L, const struct schema_key *k,
    const struct ynode *v, const char *name);

#define OFF(m)	offsetof(struct desired, m)

static const char *const mode_choices[] = { "merge", "exact", NULL };
static const char *const state_choices[] = { "running", "stopped", NULL };
static const char *const require_choices[] = { "none", "encrypt", "verify",
    NULL };

static const struct schema_key tls_keys[] = {
	{ .name = "cert", .type = SCHEMA_STR, .off = OFF(sendmail.tls.cert),
	    .check = names_check_safe_path },
	{ .name = "key", .type = SCHEMA_STR, .off = OFF(sendmail.tls.key),
	    .check = names_check_safe_path },
	{ .name = "ca_file", .type = SCHEMA_STR,
	    .off = OFF(sendmail.tls.ca_file), .check = names_check_safe_path },
	{ .name = "ca_path", .type = SCHEMA_STR,
	    .off = OFF(sendmail.tls.ca_path), .check = names_check_safe_path },
	{ .name = "client_cert", .type = SCHEMA_STR,
	    .off = OFF(sendmail.tls.client_cert),
	    .check = names_check_safe_path },
	{ .name = "client_key", .type = SCHEMA_STR,
	    .off = OFF(sendmail.tls.client_key),
	    .check = names_check_safe_path },
	{ .name = "require_smart_host", .type = SCHEMA_ENUM,
	    .off = OFF(sendmail.tls.require_smart_host),
	    .choices = require_choices, .idef = TLS_REQUIRE_NONE },
	{ .name = NULL }
};

static const struct schema_key auth_keys[] = {
	{ .name = "user", .type = SCHEMA_STR, .off = OFF(sendmail.auth.user),
	    .check = names_check_auth_user },
	{ .name = "secret_file", .type = SCHEMA_STR,
	    .off = OFF(sendmail.auth.secret_file),
	    .check = names_check_safe_path },
	{ .name = "mechanisms", .type = SCHEMA_LIST,
	    .off = OFF(sendmail.auth.mechanisms),
	    .check = names_check_sasl_mech },
	{ .name = NULL }
};

static const struct schema_key aliases_keys[] = {
	{ .name = "mode", .type = SCHEMA_ENUM,
	    .off = OFF(sendmail.aliases.mode), .choices = mode_choices,
	    .idef = ALIASES_MERGE },
	{ .name = "allow_programs", .type = SCHEMA_BOOL,
	    .off = OFF(sendmail.aliases.allow_programs), .idef = 0 },
	{ .name = "allow_files", .type = SCHEMA_BOOL,
	    .off = OFF(sendmail.aliases.allow_files), .idef = 0 },
	{ .name = "entries", .type = SCHEMA_CUSTOM,
	    .off = OFF(sendmail.aliases), .custom = load_aliases },
	{ .name = NULL }
};

static const struct schema_key sendmail_keys[] = {
	{ .name = "config", .type = SCHEMA_STR, .off = OFF(sendmail.config),
	    .check = names_check_abspath, .def = DEF_SENDMAIL_CF },
	{ .name = "program", .type = SCHEMA_STR, .off = OFF(sendmail.program),
	    .check = names_check_safe_path },
	{ .name = "hostname", .type = SCHEMA_STR,
	    .off = OFF(sendmail.hostname), .check = names_check_short_host },
	{ .name = "domain", .type = SCHEMA_STR, .off = OFF(sendmail.domain),
	    .check = names_check_domain },
	{ .name = "fqdn", .type = SCHEMA_STR, .off = OFF(sendmail.fqdn),
	    .check = names_check_domain },
	{ .name = "accept_names", .type = SCHEMA_LIST,
	    .off = OFF(sendmail.accept_names), .check = names_check_dns },
	{ .name = "smart_host", .type = SCHEMA_STR,
	    .off = OFF(sendmail.smart_host), .check = names_check_smart_host },
	{ .name = "smart_host_port", .type = SCHEMA_INT,
	    .off = OFF(sendmail.smart_host_port), .min = 1, .max = 65535 },
	{ .name = "relay_all", .type = SCHEMA_BOOL,
	    .off = OFF(sendmail.relay_all), .idef = 0 },
	{ .name = "relay_domains", .type = SCHEMA_LIST,
	    .off = OFF(sendmail.relay_domains),
	    .check = names_check_relay_entry },
	{ .name = "aliases", .type = SCHEMA_SECTION,
	    .off = OFF(sendmail.aliases.sect), .sub = aliases_keys },
	{ .name = "tls", .type = SCHEMA_SECTION, .off = OFF(sendmail.tls.sect),
	    .sub = tls_keys, .defaults_if_set = 1 },
	{ .name = "auth", .type = SCHEMA_SECTION,
	    .off = OFF(sendmail.auth.sect), .sub = auth_keys,
	    .defaults_if_set = 1 },
	{ .name = NULL }
};

static const struct schema_key service_keys[] = {
	{ .name = "subsystem", .type = SCHEMA_STR,
	    .off = OFF(service.subsystem), .check = names_check_src_name,
	    .def = DEF_SUBSYSTEM },
	{ .name = "state", .type = SCHEMA_ENUM, .off = OFF(service.state),
	    .choices = state_choices, .idef = SERVICE_RUNNING },
	{ .name = "args", .type = SCHEMA_STR, .off = OFF(service.args),
	    .check = names_check_src_args, .def = DEF_SENDMAIL_ARGS },
	{ .name = "persist", .type = SCHEMA_BOOL, .off = OFF(service.persist),
	    .idef = 1 },
	{ .name = NULL }
};

static const struct schema_key backups_keys[] = {
	{ .name = "keep", .type = SCHEMA_INT, .off = OFF(backups.keep),
	    .idef = DEF_BACKUPS_KEEP, .min = 1, .max = 1000,
	    .range_words = { "keep ", " backups per file" } },
	{ .name = NULL }
};

/* Without a service section the service is not managed: no defaults. */
static const struct schema_key top_keys[] = {
	{ .name = "version", .type = SCHEMA_INT, .off = OFF(version),
	    .required = 1 },
	{ .name = "sendmail", .type = SCHEMA_SECTION, .off = OFF(sendmail.sect),
	    .sub = sendmail_keys },
	{ .name = "service", .type = SCHEMA_SECTION, .off = OFF(service.sect),
	    .sub = service_keys, .defaults_if_set = 1 },
	{ .name = "backups", .type = SCHEMA_SECTION, .off = OFF(backups.sect),
	    .sub = backups_keys },
	{ .name = NULL }
};

/* -------------------------------------------------------------- aliases */

/* split_targets - "a, b ,c" into trimmed pieces; 0 if none. */
static size_t
split_targets(const char *s, struct dalias *a, struct dpos at)
{
	const char *p = s, *end;
	size_t before = a->targets.n;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strcspn(p, ",");
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > p) {
			strlist_take(&a->targets, xstrndup(p,
			    (size_t)(end - p)));
			a->tat = xreallocarray(a->tat, a->targets.n,
			    sizeof(*a->tat));
			a->tat[a->targets.n - 1] = at;
		}
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return a->targets.n - before;
}

static void
load_one_alias(struct schema_loader *L, const struct ynode *k,
    const struct ynode *v, struct dalias *a)
{
	const char *s, *why;
	size_t i;

	a->name = xstrdup(k->str);
	a->at = schema_pos(k);
	if ((why = names_check_alias_name(k->str)) != NULL)
		diags_add(L->d, k->line, k->col, "alias name '%.60s' %s",
		    k->str, why);
	if (v->kind == YN_SCALAR) {
		if ((s = schema_scalar(L, v, "alias target", "a string")) ==
		    NULL)
			return;
		if (split_targets(s, a, schema_pos(v)) == 0)
			diags_add(L->d, v->line, v->col, "alias '%.60s' has "
			    "no target", a->name);
		return;
	}
	if (v->kind != YN_SEQ || v->n == 0) {
		diags_add(L->d, v->line, v->col, "alias '%.60s' must have a "
		    "target or a list of targets, not %s", a->name,
		    v->kind == YN_SEQ ? "an empty list" : schema_describe(v));
		return;
	}
	for (i = 0; i < v->n; i++) {
		/* A list item is one target, taken as written. */
		if ((s = schema_scalar(L, v->items[i], "alias target",
		    "a string")) == NULL)
			continue;
		strlist_push(&a->targets, s);
		a->tat = xreallocarray(a->tat, a->targets.n, sizeof(*a->tat));
		a->tat[a->targets.n - 1] = schema_pos(v->items[i]);
	}
}

static void
load_aliases(struct schema_loader *L, const struct schema_key *k,
    const struct ynode *v, const char *name)
{
	struct desired_aliases *al = SCHEMA_FIELD(L, k, struct desired_aliases);
	struct schema_entry *e;
	size_t i, ne = 0;

	if (v->kind != YN_MAP) {
		schema_type_error(L, v, name, "a mapping of alias names to "
		    "targets");
		return;
	}
	if (al->entries_sect.set)
		return;		/* a duplicate key, reported by yamltree */
	al->entries_sect.set = 1;
	al->entries_sect.at = schema_pos(v);
	al->entries = xcalloc(v->n / 2 + 1, sizeof(*al->entries));
	e = xcalloc(v->n / 2 + 1, sizeof(*e));
	for (i = 0; i + 1 < v->n; i += 2) {
		if (v->items[i]->kind != YN_SCALAR)
			continue;	/* reported by yamltree */
		load_one_alias(L, v->items[i], v->items[i + 1],
		    &al->entries[al->n]);
		e[ne].s = al->entries[al->n].name;
		e[ne++].at = al->entries[al->n].at;
		al->n++;
	}
	schema_report_dups(L, e, ne, "alias", 1);
	free(e);
}

/* ---------------------------------------------------------------- API */

struct desired *
desired_load_buffer(const char *buf, size_t len, struct diags *d)
{
	static const struct ytree_limits lim = { DESIRED_MAX_BYTES,
	    DESIRED_MAX_NODES, DESIRED_MAX_DEPTH };
	struct schema_loader L;
	struct desired *ds;
	struct ynode *root;
	size_t before = diags_count(d);

	root = ytree_parse(buf, len, &lim, d);
	if (diags_count(d) > before && root == NULL)
		return NULL;
	if (root == NULL || ynode_is_null(root)) {
		diags_add(d, 1, 1, "file is empty; a desired state starts with "
		    "'version: 1'");
		ynode_free(root);
		return NULL;
	}
	if (root->kind != YN_MAP) {
		diags_add(d, root->line, root->col, "the top level must be a "
		    "mapping of keys (version, sendmail, service, backups), "
		    "not %s",
		    schema_describe(root));
		ynode_free(root);
		return NULL;
	}
	ds = xcalloc(1, sizeof(*ds));
	L.d = d;
	L.base = ds;
	schema_load_map(&L, root, top_keys, "");
	desired_check_rules(ds, d);
	ynode_free(root);
	if (diags_count(d) > before) {
		diags_sort(d);
		desired_free(ds);
		return NULL;
	}
	schema_defaults(&L, top_keys);
	ds->text = xmalloc(len + 1);
	memcpy(ds->text, buf, len);
	ds->text[len] = '\0';
	ds->text_len = len;
	return ds;
}

struct desired *
desired_load_file(const char *path, struct diags *d)
{
	struct desired *ds;
	char *buf;
	size_t len;

	if (fileio_read(path, DESIRED_MAX_BYTES, FILEIO_NOFOLLOW |
	    FILEIO_TRUSTED, &buf, &len) < 0) {
		char *why = fileio_read_error(errno, DESIRED_MAX_BYTES);

		diags_add(d, 0, 0, "%s", why);
		free(why);
		return NULL;
	}
	ds = desired_load_buffer(buf, len, d);
	free(buf);
	return ds;
}

static void
dstr_free(struct dstr *f)
{
	free(f->v);
}

void
desired_free(struct desired *ds)
{
	struct desired_aliases *al;
	size_t i;

	if (ds == NULL)
		return;
	free(ds->text);
	dstr_free(&ds->sendmail.config);
	dstr_free(&ds->sendmail.hostname);
	dstr_free(&ds->sendmail.domain);
	dstr_free(&ds->sendmail.fqdn);
	dstr_free(&ds->sendmail.smart_host);
	dstr_free(&ds->sendmail.program);
	dstr_free(&ds->sendmail.tls.cert);
	dstr_free(&ds->sendmail.tls.key);
	dstr_free(&ds->sendmail.tls.ca_file);
	dstr_free(&ds->sendmail.tls.ca_path);
	dstr_free(&ds->sendmail.tls.client_cert);
	dstr_free(&ds->sendmail.tls.client_key);
	dstr_free(&ds->sendmail.auth.user);
	dstr_free(&ds->sendmail.auth.secret_file);
	strlist_clear(&ds->sendmail.auth.mechanisms.l);
	strlist_clear(&ds->sendmail.accept_names.l);
	strlist_clear(&ds->sendmail.relay_domains.l);
	al = &ds->sendmail.aliases;
	for (i = 0; i < al->n; i++) {
		free(al->entries[i].name);
		strlist_clear(&al->entries[i].targets);
		free(al->entries[i].tat);
	}
	free(al->entries);
	dstr_free(&ds->service.subsystem);
	dstr_free(&ds->service.args);
	free(ds);
}

const struct dalias *
desired_alias_find(const struct desired *ds, const char *name)
{
	return desired_aliases_find(&ds->sendmail.aliases, name);
}

const struct dalias *
desired_aliases_find(const struct desired_aliases *al, const char *name)
{
	size_t i;

	for (i = 0; i < al->n; i++)
		if (strcasecmp(al->entries[i].name, name) == 0)
			return &al->entries[i];
	return NULL;
}
