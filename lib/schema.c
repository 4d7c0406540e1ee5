/*
 * schema.c - the table-driven walker behind desired.c and dconf.c.
 *
 * Contract: see schema.h.  Plain scalars are typed the YAML way (null,
 * booleans, integers); quoted scalars are always strings, so a quoted
 * "1" where a number is wanted is an error, not a guess.
 */
#include "schema.h"
#include "names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ helpers */

struct dpos
schema_pos(const struct ynode *n)
{
	struct dpos p = { n->line, n->col };

	return p;
}

/* schema_describe - what a node is, for "must be X, not Y". */
const char *
schema_describe(const struct ynode *n)
{
	if (n->kind == YN_SCALAR && !n->plain)
		return "a quoted string";
	return ynode_kind_name(n);
}

void
schema_type_error(struct schema_loader *L, const struct ynode *v,
    const char *name, const char *want)
{
	diags_add(L->d, v->line, v->col, "%s must be %s, not %s", name, want,
	    schema_describe(v));
}

/* schema_scalar - the text of a non-null scalar, or NULL after an error. */
const char *
schema_scalar(struct schema_loader *L, const struct ynode *v, const char *name,
    const char *want)
{
	if (v->kind != YN_SCALAR) {
		schema_type_error(L, v, name, want);
		return NULL;
	}
	if (ynode_is_null(v)) {
		diags_add(L->d, v->line, v->col, "%s has no value", name);
		return NULL;
	}
	return v->str;
}

/* closest - the table key nearest to name, if near enough to suggest. */
static const char *
closest(const struct schema_key *tab, const char *name)
{
	const char *best = NULL;
	size_t d, bestd = (size_t)-1;

	for (; tab->name != NULL; tab++) {
		d = names_distance(name, tab->name);
		if (d < bestd)
			bestd = d, best = tab->name;
	}
	if (bestd <= 2 && bestd < strlen(name))
		return best;
	return NULL;
}

static void
unknown_key(struct schema_loader *L, const struct ynode *k,
    const struct schema_key *tab, const char *prefix)
{
	struct sbuf list = { 0 };
	const struct schema_key *t;
	const char *hint = closest(tab, k->str);

	if (hint != NULL) {
		diags_add(L->d, k->line, k->col, "unknown key '%.60s'%s%s; "
		    "did you mean '%s'?", k->str, *prefix ? " in " : "",
		    prefix, hint);
		return;
	}
	for (t = tab; t->name != NULL; t++)
		sbuf_addf(&list, "%s%s", t == tab ? "" : ", ", t->name);
	diags_add(L->d, k->line, k->col, "unknown key '%.60s'%s%s; valid keys "
	    "are: %s", k->str, *prefix ? " in " : "", prefix, list.s);
	sbuf_free(&list);
}

/* ------------------------------------------------------ duplicate lists */

/* schema_entrycmp - by name ignoring case, then by position. */
int
schema_entrycmp(const void *a, const void *b)
{
	const struct schema_entry *x = a, *y = b;
	int c = strcasecmp(x->s, y->s);

	if (c != 0)
		return c;
	if (x->at.line != y->at.line)
		return x->at.line < y->at.line ? -1 : 1;
	return x->at.col < y->at.col ? -1 : x->at.col > y->at.col;
}

/*
 * schema_report_dups - entries equal ignoring case, in O(n log n).  With
 * skip_exact, byte-identical pairs are left alone (yamltree has already
 * reported duplicate mapping keys).
 */
void
schema_report_dups(struct schema_loader *L, struct schema_entry *e, size_t n,
    const char *what, int skip_exact)
{
	size_t i;

	qsort(e, n, sizeof(*e), schema_entrycmp);
	for (i = 1; i < n; i++) {
		if (strcasecmp(e[i - 1].s, e[i].s) != 0)
			continue;
		if (skip_exact && strcmp(e[i - 1].s, e[i].s) == 0)
			continue;
		diags_add(L->d, e[i].at.line, e[i].at.col, "%s '%.60s' is "
		    "given twice (first at line %u, column %u; names are "
		    "compared without case)", what, e[i].s, e[i - 1].at.line,
		    e[i - 1].at.col);
	}
}

/* ------------------------------------------------------------- values */

static void load_map(struct schema_loader *L, const struct ynode *map,
    const struct schema_key *tab, const char *prefix);

/* range_error - "NAME V is out of range: MIN to MAX", in the row's words. */
static void
range_error(struct schema_loader *L, const struct schema_key *k,
    const struct ynode *v, const char *name, int val)
{
	const char *before = k->range_words[0] ? k->range_words[0] : "";
	const char *after = k->range_words[1] ? k->range_words[1] : "";

	diags_add(L->d, v->line, v->col, "%s %d is out of range: %s%d to %d%s",
	    name, val, before, k->min, k->max, after);
}

static void
load_int(struct schema_loader *L, const struct schema_key *k,
    const struct ynode *v, const char *name)
{
	struct dint *f = SCHEMA_FIELD(L, k, struct dint);

	if (v->kind != YN_SCALAR || !v->plain || v->len == 0 || v->len > 9 ||
	    strspn(v->str, "0123456789") != v->len) {
		schema_type_error(L, v, name, "a whole number");
		return;
	}
	f->v = atoi(v->str);
	f->set = 1;
	f->at = schema_pos(v);
	if (k->min < k->max && (f->v < k->min || f->v > k->max))
		range_error(L, k, v, name, f->v);
}

static void
load_bool(struct schema_loader *L, const struct schema_key *k,
    const struct ynode *v, const char *name)
{
	static const char *const yes[] = { "true", "True", "TRUE", NULL };
	static const char *const no[] = { "false", "False", "FALSE", NULL };
	static const char *const vague[] = { "yes", "Yes", "YES", "no", "No",
	    "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
	    NULL };
	struct dint *f = SCHEMA_FIELD(L, k, struct dint);
	size_t i;

	if (v->kind == YN_SCALAR && v->plain) {
		for (i = 0; yes[i] != NULL; i++)
			if (strcmp(v->str, yes[i]) == 0 || strcmp(v->str,
			    no[i]) == 0) {
				f->v = strcmp(v->str, yes[i]) == 0;
				f->set = 1;
				f->at = schema_pos(v);
				return;
			}
		for (i = 0; vague[i] != NULL; i++)
			if (strcmp(v->str, vague[i]) == 0) {
				diags_add(L->d, v->line, v->col, "%s must be "
				    "true or false; '%s' means different "
				    "things to different YAML readers", name,
				    v->str);
				return;
			}
	}
	schema_type_error(L, v, name, "true or false");
}

static void
load_enum(struct schema_loader *L, const struct schema_key *k,
    const struct ynode *v, const char *name)
{
	struct dint *f = SCHEMA_FIELD(L, k, struct dint);
	struct sbuf list = { 0 };
	const char *s = schema_scalar(L, v, name, "one word");
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; k->choices[i] != NULL; i++)
		if (strcmp(s, k->choices[i]) == 0) {
			f->v = (int)i;
			f->set = 1;
			f->at = schema_pos(v);
			return;
		}
	for (i = 0; k->choices[i] != NULL; i++)
		sbuf_addf(&list, "%s%s", i ? ", " : "", k->choices[i]);
	for (i = 0; k->choices[i] != NULL; i++)
		if (names_distance(s, k->choices[i]) <= 2)
			break;
	diags_add(L->d, v->line, v->col, "%s '%.60s' is not one of: %s%s%s%s",
	    name, s, list.s, k->choices[i] ? "; did you mean '" : "",
	    k->choices[i] ? k->choices[i] : "", k->choices[i] ? "'?" : "");
	sbuf_free(&list);
}

static void
load_str(struct schema_loader *L, const struct schema_key *k,
    const struct ynode *v, const char *name)
{
	struct dstr *f = SCHEMA_FIELD(L, k, struct dstr);
	const char *s = schema_scalar(L, v, name, "a string");
	const char *why;

	if (s == NULL) {
		f->bad = 1;
		f->at = schema_pos(v);
		return;
	}
	free(f->v);
	f->v = xstrdup(s);
	f->at = schema_pos(v);
	if (k->check != NULL && (why = k->check(s)) != NULL) {
		diags_add(L->d, v->line, v->col, "%s '%.60s' %s", name, s, why);
		f->bad = 1;
	}
}

static void
load_list(struct schema_loader *L, const struct schema_key *k,
    const struct ynode *v, const char *name)
{
	struct dlist *f = SCHEMA_FIELD(L, k, struct dlist);
	struct schema_entry *e;
	const char *s, *why;
	size_t i, ne = 0;

	if (v->kind != YN_SEQ) {
		schema_type_error(L, v, name, "a list");
		f->bad = 1;
		return;
	}
	strlist_clear(&f->l);
	f->set = 1;
	f->at = schema_pos(v);
	e = xcalloc(v->n + 1, sizeof(*e));
	for (i = 0; i < v->n; i++) {
		if ((s = schema_scalar(L, v->items[i], name, "a list of names"))
		    == NULL) {
			f->bad = 1;
			continue;
		}
		if (k->check != NULL && (why = k->check(s)) != NULL) {
			diags_add(L->d, v->items[i]->line, v->items[i]->col,
			    "%s entry '%.60s' %s", name, s, why);
			f->bad = 1;
		}
		strlist_push(&f->l, s);
		e[ne].s = s;
		e[ne++].at = schema_pos(v->items[i]);
	}
	schema_report_dups(L, e, ne, "entry", 0);
	free(e);
}

static void
load_value(struct schema_loader *L, const struct schema_key *k,
    const struct ynode *key, const struct ynode *v, const char *name)
{
	struct dsect *sect;

	switch (k->type) {
	case SCHEMA_INT:
		load_int(L, k, v, name);
		break;
	case SCHEMA_BOOL:
		load_bool(L, k, v, name);
		break;
	case SCHEMA_ENUM:
		load_enum(L, k, v, name);
		break;
	case SCHEMA_STR:
		load_str(L, k, v, name);
		break;
	case SCHEMA_LIST:
		load_list(L, k, v, name);
		break;
	case SCHEMA_CUSTOM:
		k->custom(L, k, v, name);
		break;
	case SCHEMA_REFUSED:
		diags_add(L->d, key->line, key->col, "%s %s", name, k->why);
		break;
	case SCHEMA_SECTION:
		if (v->kind != YN_MAP) {
			schema_type_error(L, v, name, "a mapping of keys");
			break;
		}
		sect = SCHEMA_FIELD(L, k, struct dsect);
		sect->set = 1;
		sect->at = schema_pos(v);
		load_map(L, v, k->sub, name);
		break;
	}
}

/* load_map - one mapping against its table of keys. */
static void
load_map(struct schema_loader *L, const struct ynode *map,
    const struct schema_key *tab, const char *prefix)
{
	const struct ynode *k;
	const struct schema_key *t;
	char name[128];
	size_t i;

	for (i = 0; i + 1 < map->n; i += 2) {
		k = map->items[i];
		if (k->kind != YN_SCALAR)
			continue;	/* reported by yamltree */
		for (t = tab; t->name != NULL; t++)
			if (strcmp(t->name, k->str) == 0)
				break;
		if (t->name == NULL) {
			unknown_key(L, k, tab, prefix);
			continue;
		}
		snprintf(name, sizeof(name), "%s%s%s", prefix,
		    *prefix ? "." : "", t->name);
		load_value(L, t, k, map->items[i + 1], name);
	}
	for (t = tab; t->name != NULL; t++) {
		if (!t->required)
			continue;
		for (i = 0; i + 1 < map->n; i += 2)
			if (map->items[i]->kind == YN_SCALAR &&
			    strcmp(map->items[i]->str, t->name) == 0)
				break;
		if (i + 1 >= map->n)
			diags_add(L->d, map->line, map->col, "missing required "
			    "key '%s%s%s'", prefix, *prefix ? "." : "",
			    t->name);
	}
}

void
schema_load_map(struct schema_loader *L, const struct ynode *map,
    const struct schema_key *tab, const char *prefix)
{
	load_map(L, map, tab, prefix);
}

/* ----------------------------------------------------------- defaults */

void
schema_defaults(struct schema_loader *L, const struct schema_key *tab)
{
	const struct schema_key *k;
	struct dstr *s;
	struct dint *i;

	for (k = tab; k->name != NULL; k++) {
		switch (k->type) {
		case SCHEMA_STR:
			s = SCHEMA_FIELD(L, k, struct dstr);
			if (s->v == NULL && k->def != NULL)
				s->v = xstrdup(k->def);
			break;
		case SCHEMA_INT:
		case SCHEMA_BOOL:
		case SCHEMA_ENUM:
			i = SCHEMA_FIELD(L, k, struct dint);
			if (!i->set)
				i->v = k->idef;
			break;
		case SCHEMA_SECTION:
			if (!k->defaults_if_set ||
			    SCHEMA_FIELD(L, k, struct dsect)->set)
				schema_defaults(L, k->sub);
			break;
		case SCHEMA_LIST:
		case SCHEMA_CUSTOM:
		case SCHEMA_REFUSED:
			break;
		}
	}
}
