/*
 * desired.c - load and validate the desired state (schema version 1).
 *
 * The schema is the table below: one row per key with its type, where it
 * lands in struct desired, the check for its value, its default and, for
 * a number, its range.  The walker, the "did you mean" hints, the list of
 * valid keys and the defaults all come from the table;
 * conf/desired.yaml and mailprov.yaml(5) document the same rows.
 *
 * Three passes: yamltree builds a bounded tree (syntax, encoding, bounds,
 * duplicate keys); schema_load_map() walks it against the table (unknown
 * keys, types, per-value syntax, ranges); check_rules() applies the rules
 * that involve several keys.  A rule whose inputs already failed their
 * own check is skipped, so one mistake gives one message, not a cascade.
 * Only a document without errors gets its defaults (schema_defaults()).
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
	{ .name = "relay_all", .type = SCHEMA_BOOL,
	    .off = OFF(sendmail.relay_all), .idef = 0 },
	{ .name = "relay_domains", .type = SCHEMA_LIST,
	    .off = OFF(sendmail.relay_domains),
	    .check = names_check_relay_entry },
	{ .name = "aliases", .type = SCHEMA_SECTION,
	    .off = OFF(sendmail.aliases.sect), .sub = aliases_keys },
	{ .name = "auth", .type = SCHEMA_REFUSED, .off = OFF(sendmail.auth),
	    .why = "is not supported: AIX sendmail up to 7.2 is built without "
	    "SASL, so SMTP AUTH cannot be configured" },
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

/* The loader of the desired state: the walker's, plus the model. */
struct loader {
	struct schema_loader	 s;
	struct desired		*ds;
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
			strlist_take(&a->targets, xstrndup(p, (size_t)(end - p)));
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
    const struct ynode *v,
    struct dalias *a)
{
	const char *s, *why;
	size_t i;

	a->name = xstrdup(k->str);
	a->at = schema_pos(k);
	if ((why = names_check_alias_name(k->str)) != NULL)
		diags_add(L->d, k->line, k->col, "alias name '%.60s' %s",
		    k->str, why);
	if (v->kind == YN_SCALAR) {
		if ((s = schema_scalar(L, v, "alias target", "a string")) == NULL)
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
		schema_type_error(L, v, name, "a mapping of alias names to targets");
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

/* -------------------------------------------------------------- rules */

#define GIVEN(f)	((f)->v != NULL || (f)->bad)

static void
check_identity(struct loader *L)
{
	struct desired_sendmail *sm = &L->ds->sendmail;
	char *fq = NULL;
	size_t len;

	/* A value that failed its own check still counts as given. */
	if (GIVEN(&sm->hostname) != GIVEN(&sm->domain)) {
		const struct dstr *given = GIVEN(&sm->hostname) ?
		    &sm->hostname : &sm->domain;

		diags_add(L->s.d, given->at.line, given->at.col, "sendmail.%s is "
		    "set without sendmail.%s; set both so that $w and $m "
		    "agree", given == &sm->hostname ? "hostname" : "domain",
		    given == &sm->hostname ? "domain" : "hostname");
	}
	if (sm->hostname.v && sm->domain.v && !sm->hostname.bad &&
	    !sm->domain.bad) {
		len = strlen(sm->hostname.v) + strlen(sm->domain.v) + 2;
		fq = xmalloc(len);
		snprintf(fq, len, "%s.%s", sm->hostname.v, sm->domain.v);
	}
	if (sm->fqdn.v && !sm->fqdn.bad && strchr(sm->fqdn.v, '.') == NULL)
		diags_add(L->s.d, sm->fqdn.at.line, sm->fqdn.at.col,
		    "sendmail.fqdn '%.60s' must be a fully qualified name "
		    "(host.domain)", sm->fqdn.v);
	if (sm->accept_names.set && !sm->accept_names.bad) {
		const struct strlist *l = &sm->accept_names.l;
		const struct dpos *at = &sm->accept_names.at;

		if (strlist_find(l, "localhost", 1) < 0)
			diags_add(L->s.d, at->line, at->col, "sendmail."
			    "accept_names must include 'localhost'");
		if (fq != NULL && strlist_find(l, fq, 1) < 0)
			diags_add(L->s.d, at->line, at->col, "sendmail."
			    "accept_names must include '%s' (hostname.domain)",
			    fq);
		if (sm->fqdn.v && !sm->fqdn.bad &&
		    strlist_find(l, sm->fqdn.v, 1) < 0 &&
		    (fq == NULL || strcasecmp(fq, sm->fqdn.v) != 0))
			diags_add(L->s.d, at->line, at->col, "sendmail."
			    "accept_names must include '%s' (sendmail.fqdn)",
			    sm->fqdn.v);
	}
	free(fq);
}

/* smart_host_name - the host inside "mailer:[host]"; caller frees. */
static char *
smart_host_name(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t n;

	if (colon != NULL)
		s = colon + 1;
	if (*s == '[') {
		n = strlen(s);
		return xstrndup(s + 1, n >= 2 ? n - 2 : 0);
	}
	return xstrdup(s);
}

static void
check_relay(struct loader *L)
{
	struct desired_sendmail *sm = &L->ds->sendmail;
	int empty = sm->smart_host.v == NULL || *sm->smart_host.v == '\0';
	char *h;

	if (sm->relay_all.set && sm->relay_all.v && empty && !sm->smart_host.bad)
		diags_add(L->s.d, sm->relay_all.at.line, sm->relay_all.at.col,
		    "sendmail.relay_all is true but sendmail.smart_host is "
		    "%s: there is no relay to send the mail to",
		    sm->smart_host.v ? "empty" : "not set");
	if (empty || sm->smart_host.bad)
		return;
	h = smart_host_name(sm->smart_host.v);
	if ((sm->accept_names.set && strlist_find(&sm->accept_names.l, h, 1)
	    >= 0) || strcasecmp(h, "localhost") == 0)
		diags_add(L->s.d, sm->smart_host.at.line, sm->smart_host.at.col,
		    "sendmail.smart_host '%s' is this host (it is an accepted "
		    "name): mail would loop back to itself", h);
	free(h);
}

/* alias_index - find name among the sorted names; -1 if absent. */
static long
alias_index(const struct schema_entry *sorted, size_t n, const char *name)
{
	size_t lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcasecmp(sorted[mid].s, name);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/*
 * check_loops - a -> b -> ... -> a among the entries.  Iterative depth-first
 * search, so 100,000 chained aliases cannot overflow the C stack.  A
 * direct self-reference (root: root, ops) is how sendmail delivers to the
 * local user as well, so it is not a loop; backslashed targets (\root) are
 * never expanded and do not count.
 */
static void
check_loops(struct loader *L, const struct desired_aliases *al)
{
	struct schema_entry *byname;
	long *next;			/* sorted index -> first edge */
	long *edges, *stack, *cursor;
	unsigned char *color;		/* 0 new, 1 on the stack, 2 done */
	size_t i, t, ne = 0, sp, reported = 0;
	long v, w;

	if (al->n == 0)
		return;
	byname = xcalloc(al->n, sizeof(*byname));
	for (i = 0; i < al->n; i++) {
		byname[i].s = al->entries[i].name;
		byname[i].at.line = (unsigned)i;	/* entry index */
	}
	qsort(byname, al->n, sizeof(*byname), schema_entrycmp);
	/* Edges in CSR form, indexed by sorted position. */
	next = xcalloc(al->n + 1, sizeof(*next));
	for (i = 0; i < al->n; i++)
		ne += al->entries[i].targets.n;
	edges = xcalloc(ne + 1, sizeof(*edges));
	ne = 0;
	for (i = 0; i < al->n; i++) {
		const struct dalias *a = &al->entries[byname[i].at.line];

		next[i] = (long)ne;
		for (t = 0; t < a->targets.n; t++) {
			w = alias_index(byname, al->n, a->targets.v[t]);
			if (w >= 0 && (size_t)w != i)
				edges[ne++] = w;
		}
	}
	next[al->n] = (long)ne;
	color = xcalloc(al->n, 1);
	stack = xcalloc(al->n, sizeof(*stack));
	cursor = xcalloc(al->n, sizeof(*cursor));
	for (i = 0; i < al->n && reported < 3; i++) {
		if (color[i])
			continue;
		sp = 0;
		stack[sp] = (long)i, cursor[sp++] = next[i], color[i] = 1;
		while (sp > 0) {
			v = stack[sp - 1];
			if (cursor[sp - 1] == next[v + 1]) {
				color[v] = 2;
				sp--;
				continue;
			}
			w = edges[cursor[sp - 1]++];
			if (color[w] == 0) {
				stack[sp] = w, cursor[sp++] = next[w];
				color[w] = 1;
			} else if (color[w] == 1 && reported++ < 3) {
				struct sbuf path = { 0 };
				size_t from = sp;
				const struct dalias *a;

				while (from > 0 && stack[from - 1] != w)
					from--;
				a = &al->entries[byname[w].at.line];
				for (t = from - 1; t < sp; t++) {
					/* Long cycles: the first 4, the last 2. */
					if (sp - from > 6 && t == from + 3) {
						sbuf_adds(&path, "... -> ");
						t = sp - 3;
						continue;
					}
					sbuf_addf(&path, "%s -> ", al->entries[
					    byname[stack[t]].at.line].name);
				}
				sbuf_adds(&path, a->name);
				if (sp - from > 6)
					sbuf_addf(&path, " (%zu aliases)",
					    sp - from + 1);
				diags_add(L->s.d, a->at.line, a->at.col,
				    "alias loop: %s", path.s);
				sbuf_free(&path);
			}
		}
	}
	free(cursor);
	free(stack);
	free(color);
	free(edges);
	free(next);
	free(byname);
}

static void
check_aliases(struct loader *L)
{
	const struct desired_aliases *al = &L->ds->sendmail.aliases;
	const char *why, *need;
	size_t i, t;

	for (i = 0; i < al->n; i++) {
		const struct dalias *a = &al->entries[i];

		for (t = 0; t < a->targets.n; t++) {
			const char *tg = a->targets.v[t];

			need = NULL;
			switch (names_alias_target(tg, &why)) {
			case TARGET_INVALID:
				diags_add(L->s.d, a->tat[t].line, a->tat[t].col,
				    "alias '%.60s' target '%.60s' %s", a->name,
				    tg, why);
				break;
			case TARGET_PROGRAM:
				if (!al->allow_programs.v)
					need = "runs a program; allowed only "
					    "with sendmail.aliases."
					    "allow_programs: true";
				break;
			case TARGET_FILE:
				if (!al->allow_files.v)
					need = "writes to a file; allowed only "
					    "with sendmail.aliases."
					    "allow_files: true";
				break;
			case TARGET_INCLUDE:
				if (!al->allow_files.v)
					need = "reads addresses from a file; "
					    "allowed only with sendmail."
					    "aliases.allow_files: true";
				break;
			case TARGET_ADDRESS:
				break;
			}
			if (need != NULL)
				diags_add(L->s.d, a->tat[t].line, a->tat[t].col,
				    "alias '%.60s' target '%.60s' %s", a->name,
				    tg, need);
		}
	}
	if (al->sect.set && al->mode.v == ALIASES_EXACT) {
		static const char *const required[] = { "postmaster",
		    "MAILER-DAEMON" };
		const struct dpos *at = al->entries_sect.set ?
		    &al->entries_sect.at : &al->sect.at;

		for (i = 0; i < 2; i++)
			if (desired_alias_find(L->ds, required[i]) == NULL)
				diags_add(L->s.d, at->line, at->col, "sendmail."
				    "aliases.entries must define '%s' when "
				    "mode is exact", required[i]);
	}
	check_loops(L, al);
}

static void
check_service(struct loader *L)
{
	const struct desired_service *sv = &L->ds->service;
	const struct dpos *at = &sv->args.at;
	const char *why, *word;
	size_t n;

	if (!sv->sect.set || sv->args.bad || sv->subsystem.bad ||
	    sv->args.v == NULL)
		return;
	if (sv->subsystem.v != NULL &&
	    strcmp(sv->subsystem.v, "sendmail") != 0)
		return;
	why = names_check_sendmail_daemon_args(sv->args.v, &word, &n);
	if (why != NULL && word != NULL)
		diags_add(L->s.d, at->line, at->col, "service.args flag '%.*s' "
		    "%s", (int)(n > 40 ? 40 : n), word, why);
	else if (why != NULL)
		diags_add(L->s.d, at->line, at->col, "service.args '%.60s' %s",
		    sv->args.v, why);
}

static void
check_rules(struct loader *L)
{
	const struct dint *v = &L->ds->version;

	if (v->set && v->v != DESIRED_VERSION)
		diags_add(L->s.d, v->at.line, v->at.col, "version %d is not "
		    "supported; this mailprov reads version %d", v->v,
		    DESIRED_VERSION);
	check_identity(L);
	check_relay(L);
	check_aliases(L);
	check_service(L);
}

/* ---------------------------------------------------------------- API */

struct desired *
desired_load_buffer(const char *buf, size_t len, struct diags *d)
{
	static const struct ytree_limits lim = { DESIRED_MAX_BYTES,
	    DESIRED_MAX_NODES, DESIRED_MAX_DEPTH };
	struct loader L;
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
	L.s.d = d;
	L.ds = xcalloc(1, sizeof(*L.ds));
	L.s.base = L.ds;
	schema_load_map(&L.s, root, top_keys, "");
	check_rules(&L);
	ynode_free(root);
	if (diags_count(d) > before) {
		diags_sort(d);
		desired_free(L.ds);
		return NULL;
	}
	schema_defaults(&L.s, top_keys);
	return L.ds;
}

struct desired *
desired_load_file(const char *path, struct diags *d)
{
	struct desired *ds;
	char *buf;
	size_t len;

	if (fileio_read(path, DESIRED_MAX_BYTES, FILEIO_NOFOLLOW |
	    FILEIO_TRUSTED, &buf, &len) < 0) {
		if (errno == EPERM)
			diags_add(d, 0, 0, "is not safe to trust: it and its "
			    "directory must be owned by root and writable by "
			    "nobody else");
		else if (errno == EFBIG)
			diags_add(d, 0, 0, "file is larger than %d bytes; "
			    "refusing it", DESIRED_MAX_BYTES);
		else if (errno == ELOOP)
			diags_add(d, 0, 0, "is a symbolic link; desired state "
			    "is read only from a regular file");
		else if (errno == EINVAL)
			diags_add(d, 0, 0, "is not a regular file (a FIFO or "
			    "a device); desired state is read only from a "
			    "regular file");
		else
			diags_add(d, 0, 0, "cannot read: %s", strerror(errno));
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
	dstr_free(&ds->sendmail.config);
	dstr_free(&ds->sendmail.hostname);
	dstr_free(&ds->sendmail.domain);
	dstr_free(&ds->sendmail.fqdn);
	dstr_free(&ds->sendmail.smart_host);
	dstr_free(&ds->sendmail.auth);
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
