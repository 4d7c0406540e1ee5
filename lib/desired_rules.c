/*
 * desired_rules.c - the rules of the desired state that involve several
 * keys: the version, an identity that agrees with itself ($w, $m, $j and
 * local-host-names), a smart host that is not this host, alias targets
 * that are allowed and aliases without loops, and arguments that keep
 * sendmail a daemon reading its own configuration.
 *
 * Contract: see desired.h.  A rule whose inputs already failed their own
 * check is skipped, so one mistake gives one message, not a cascade.
 */
#include "desired.h"
#include "names.h"
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A value that failed its own check still counts as given. */
#define GIVEN(f)	((f)->v != NULL || (f)->bad)

static void
check_identity(const struct desired *ds, struct diags *d)
{
	const struct desired_sendmail *sm = &ds->sendmail;
	char *fq = NULL;
	size_t len;

	if (GIVEN(&sm->hostname) != GIVEN(&sm->domain)) {
		const struct dstr *given = GIVEN(&sm->hostname) ?
		    &sm->hostname : &sm->domain;

		diags_add(d, given->at.line, given->at.col, "sendmail.%s is "
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
		diags_add(d, sm->fqdn.at.line, sm->fqdn.at.col,
		    "sendmail.fqdn '%.60s' must be a fully qualified name "
		    "(host.domain)", sm->fqdn.v);
	if (sm->accept_names.set && !sm->accept_names.bad) {
		const struct strlist *l = &sm->accept_names.l;
		const struct dpos *at = &sm->accept_names.at;

		if (strlist_find(l, "localhost", 1) < 0)
			diags_add(d, at->line, at->col, "sendmail."
			    "accept_names must include 'localhost'");
		if (fq != NULL && strlist_find(l, fq, 1) < 0)
			diags_add(d, at->line, at->col, "sendmail."
			    "accept_names must include '%s' (hostname.domain)",
			    fq);
		if (sm->fqdn.v && !sm->fqdn.bad &&
		    strlist_find(l, sm->fqdn.v, 1) < 0 &&
		    (fq == NULL || strcasecmp(fq, sm->fqdn.v) != 0))
			diags_add(d, at->line, at->col, "sendmail."
			    "accept_names must include '%s' (sendmail.fqdn)",
			    sm->fqdn.v);
	}
	free(fq);
}

static void
check_relay(const struct desired *ds, struct diags *d)
{
	const struct desired_sendmail *sm = &ds->sendmail;
	int empty = sm->smart_host.v == NULL || *sm->smart_host.v == '\0';
	char *h;

	if (sm->relay_all.set && sm->relay_all.v && empty &&
	    !sm->smart_host.bad)
		diags_add(d, sm->relay_all.at.line, sm->relay_all.at.col,
		    "sendmail.relay_all is true but sendmail.smart_host is "
		    "%s: there is no relay to send the mail to",
		    sm->smart_host.v ? "empty" : "not set");
	if (empty || sm->smart_host.bad)
		return;
	h = names_smart_host_name(sm->smart_host.v);
	if ((sm->accept_names.set && strlist_find(&sm->accept_names.l, h, 1)
	    >= 0) || strcasecmp(h, "localhost") == 0)
		diags_add(d, sm->smart_host.at.line, sm->smart_host.at.col,
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
 * The aliases as a graph: the entries sorted by name, each keeping its
 * index in al->entries in at.line, and the edges of sorted entry v in
 * edges[next[v]] up to edges[next[v + 1]] (CSR form).
 */
struct alias_graph {
	struct schema_entry	*byname;
	long			*next;
	long			*edges;
};

#define GRAPH_ENTRY(al, g, v)	(&(al)->entries[(g)->byname[(v)].at.line])

static void
graph_build(struct alias_graph *g, const struct desired_aliases *al)
{
	size_t i, t, ne = 0;
	long w;

	g->byname = xcalloc(al->n, sizeof(*g->byname));
	for (i = 0; i < al->n; i++) {
		g->byname[i].s = al->entries[i].name;
		g->byname[i].at.line = (unsigned)i;	/* entry index */
	}
	qsort(g->byname, al->n, sizeof(*g->byname), schema_entrycmp);
	g->next = xcalloc(al->n + 1, sizeof(*g->next));
	for (i = 0; i < al->n; i++)
		ne += al->entries[i].targets.n;
	g->edges = xcalloc(ne + 1, sizeof(*g->edges));
	ne = 0;
	for (i = 0; i < al->n; i++) {
		const struct dalias *a = GRAPH_ENTRY(al, g, i);

		g->next[i] = (long)ne;
		for (t = 0; t < a->targets.n; t++) {
			w = alias_index(g->byname, al->n, a->targets.v[t]);
			if (w >= 0 && (size_t)w != i)
				g->edges[ne++] = w;
		}
	}
	g->next[al->n] = (long)ne;
}

static void
graph_free(struct alias_graph *g)
{
	free(g->edges);
	free(g->next);
	free(g->byname);
}

/*
 * report_loop - the cycle that the edge from stack[sp - 1] to w closes;
 * w is on the stack.
 */
static void
report_loop(struct diags *d, const struct desired_aliases *al,
    const struct alias_graph *g, const long *stack, size_t sp, long w)
{
	struct sbuf path = { 0 };
	const struct dalias *a = GRAPH_ENTRY(al, g, w);
	size_t from = sp, t;

	while (from > 0 && stack[from - 1] != w)
		from--;
	for (t = from - 1; t < sp; t++) {
		/* Long cycles: the first 4, the last 2. */
		if (sp - from > 6 && t == from + 3) {
			sbuf_adds(&path, "... -> ");
			t = sp - 3;
			continue;
		}
		sbuf_addf(&path, "%s -> ", GRAPH_ENTRY(al, g, stack[t])->name);
	}
	sbuf_adds(&path, a->name);
	if (sp - from > 6)
		sbuf_addf(&path, " (%zu aliases)", sp - from + 1);
	diags_add(d, a->at.line, a->at.col, "alias loop: %s", path.s);
	sbuf_free(&path);
}

/*
 * check_loops - a -> b -> ... -> a among the entries, the first three.
 * Iterative depth-first search, so 100,000 chained aliases cannot
 * overflow the C stack.  A direct self-reference (root: root, ops) is how
 * sendmail delivers to the local user as well, so it is not a loop;
 * backslashed targets (\root) are never expanded and do not count.
 */
static void
check_loops(struct diags *d, const struct desired_aliases *al)
{
	struct alias_graph g;
	long *stack, *cursor, v, w;
	unsigned char *color;		/* 0 new, 1 on the stack, 2 done */
	size_t i, sp, reported = 0;

	if (al->n == 0)
		return;
	graph_build(&g, al);
	color = xcalloc(al->n, 1);
	stack = xcalloc(al->n, sizeof(*stack));
	cursor = xcalloc(al->n, sizeof(*cursor));
	for (i = 0; i < al->n && reported < 3; i++) {
		if (color[i])
			continue;
		sp = 0;
		stack[sp] = (long)i, cursor[sp++] = g.next[i], color[i] = 1;
		while (sp > 0) {
			v = stack[sp - 1];
			if (cursor[sp - 1] == g.next[v + 1]) {
				color[v] = 2;
				sp--;
				continue;
			}
			w = g.edges[cursor[sp - 1]++];
			if (color[w] == 0) {
				stack[sp] = w, cursor[sp++] = g.next[w];
				color[w] = 1;
			} else if (color[w] == 1 && reported++ < 3)
				report_loop(d, al, &g, stack, sp, w);
		}
	}
	free(cursor);
	free(stack);
	free(color);
	graph_free(&g);
}

static void
check_aliases(const struct desired *ds, struct diags *d)
{
	const struct desired_aliases *al = &ds->sendmail.aliases;
	const char *why, *need;
	size_t i, t;

	for (i = 0; i < al->n; i++) {
		const struct dalias *a = &al->entries[i];

		for (t = 0; t < a->targets.n; t++) {
			const char *tg = a->targets.v[t];

			need = NULL;
			switch (names_alias_target(tg, &why)) {
			case TARGET_INVALID:
				diags_add(d, a->tat[t].line, a->tat[t].col,
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
				diags_add(d, a->tat[t].line, a->tat[t].col,
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
			if (desired_alias_find(ds, required[i]) == NULL)
				diags_add(d, at->line, at->col, "sendmail."
				    "aliases.entries must define '%s' when "
				    "mode is exact", required[i]);
	}
	check_loops(d, al);
}

/* missing - a required key of a written section: one error at the section. */
static void
missing(struct diags *d, const struct dsect *sect, const struct dstr *f,
    const char *name, const char *why)
{
	if (!GIVEN(f))
		diags_add(d, sect->at.line, sect->at.col, "sendmail.%s is "
		    "missing: %s", name, why);
}

/*
 * check_tls - the four files sendmail needs before it offers STARTTLS at
 * all (a server without CACertFile and CACertPath drops it silently),
 * client files in pairs, and a requirement on a smart host that exists.
 */
static void
check_tls(const struct desired_sendmail *sm, struct diags *d)
{
	const struct desired_tls *t = &sm->tls;
	static const char four[] = "sendmail offers STARTTLS only when cert, "
	    "key, ca_file and ca_path are all set";
	int empty = sm->smart_host.v == NULL || *sm->smart_host.v == '\0';

	if (!t->sect.set)
		return;
	missing(d, &t->sect, &t->cert, "tls.cert", four);
	missing(d, &t->sect, &t->key, "tls.key", four);
	missing(d, &t->sect, &t->ca_file, "tls.ca_file", four);
	missing(d, &t->sect, &t->ca_path, "tls.ca_path", four);
	if (GIVEN(&t->client_cert) != GIVEN(&t->client_key)) {
		const struct dstr *g = GIVEN(&t->client_cert) ?
		    &t->client_cert : &t->client_key;

		diags_add(d, g->at.line, g->at.col, "sendmail.tls.%s is set "
		    "without sendmail.tls.%s; set both or neither",
		    g == &t->client_cert ? "client_cert" : "client_key",
		    g == &t->client_cert ? "client_key" : "client_cert");
	}
	if (t->require_smart_host.set && t->require_smart_host.v !=
	    TLS_REQUIRE_NONE && !empty && !sm->smart_host.bad &&
	    strchr(sm->smart_host.v, '[') == NULL)
		diags_add(d, t->require_smart_host.at.line,
		    t->require_smart_host.at.col, "sendmail.tls."
		    "require_smart_host needs the smart host written as [host]: "
		    "without brackets sendmail goes to its MX hosts, and a "
		    "TLS_Srv: entry protects only the host actually contacted");
	if (t->require_smart_host.set && t->require_smart_host.v !=
	    TLS_REQUIRE_NONE && empty && !sm->smart_host.bad)
		diags_add(d, t->require_smart_host.at.line,
		    t->require_smart_host.at.col, "sendmail.tls."
		    "require_smart_host is %s but sendmail.smart_host is not "
		    "set: there is no smart host to require TLS of",
		    t->require_smart_host.v == TLS_REQUIRE_VERIFY ? "verify" :
		    "encrypt");
}

/*
 * check_relay_port - the port is the relay mailer's: a smart host given
 * as "mailer:[host]" for another mailer would never use it.
 */
static void
check_relay_port(const struct desired_sendmail *sm, struct diags *d)
{
	const struct dint *port = &sm->smart_host_port;
	const char *s = sm->smart_host.v, *colon;

	if (!port->set || port->bad || sm->smart_host.bad)
		return;
	if (s == NULL || *s == '\0') {
		diags_add(d, port->at.line, port->at.col, "sendmail."
		    "smart_host_port is set but sendmail.smart_host is not: "
		    "the port is the smart host's");
		return;
	}
	colon = s[0] == '[' ? NULL : strchr(s, ':');
	if (colon != NULL && ((size_t)(colon - s) != 5 ||
	    strncasecmp(s, "relay", 5) != 0))
		diags_add(d, port->at.line, port->at.col, "sendmail."
		    "smart_host_port sets the port of the relay mailer, but "
		    "smart_host '%s' sends through the %.*s mailer; write the "
		    "smart host as [host]", s, (int)(colon - s), s);
}

static void
check_auth_program(const struct desired_sendmail *sm, struct diags *d)
{
	const struct desired_auth *a = &sm->auth;

	if (sm->program.v != NULL && !sm->program.bad &&
	    strcmp(sm->program.v, "/usr/lib/sendmail") == 0)
		diags_add(d, sm->program.at.line, sm->program.at.col,
		    "sendmail.program names the link itself (/usr/lib/"
		    "sendmail); name the binary it must point at, e.g. "
		    "/usr/sbin/sendmail_ssl");
	if (!a->sect.set)
		return;
	missing(d, &a->sect, &a->user, "auth.user", "the smart host needs "
	    "a user to authenticate");
	missing(d, &a->sect, &a->secret_file, "auth.secret_file", "the "
	    "secret is read from a root-owned file, never from here");
	if ((sm->smart_host.v == NULL || *sm->smart_host.v == '\0') &&
	    !sm->smart_host.bad)
		diags_add(d, a->sect.at.line, a->sect.at.col, "sendmail.auth "
		    "is set but sendmail.smart_host is not: AUTH is to the "
		    "smart host");
}

static void
check_service(const struct desired *ds, struct diags *d)
{
	const struct desired_service *sv = &ds->service;
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
		diags_add(d, at->line, at->col, "service.args flag '%.*s' "
		    "%s", (int)(n > 40 ? 40 : n), word, why);
	else if (why != NULL)
		diags_add(d, at->line, at->col, "service.args '%.60s' %s",
		    sv->args.v, why);
}

void
desired_check_rules(const struct desired *ds, struct diags *d)
{
	const struct dint *v = &ds->version;

	if (v->set && v->v != DESIRED_VERSION)
		diags_add(d, v->at.line, v->at.col, "version %d is not "
		    "supported; this mailprov reads version %d", v->v,
		    DESIRED_VERSION);
	check_identity(ds, d);
	check_relay(ds, d);
	check_tls(&ds->sendmail, d);
	check_relay_port(&ds->sendmail, d);
	check_auth_program(&ds->sendmail, d);
	check_aliases(ds, d);
	check_service(ds, d);
}
