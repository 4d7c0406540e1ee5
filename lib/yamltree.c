/*
 * yamltree.c - libyaml events to a bounded node tree, with the refusals
 * described in yamltree.h.
 *
 * Order of checks: the byte-level pre-scan (size, encoding, NUL, tabs)
 * runs first because libyaml's own messages for those are vague and its
 * reader errors carry no line or column.  Then the event loop, which
 * stops at the first structural refusal (alias, anchor, tag, second
 * document, bounds): past such a point nothing more would be trusted.
 * Duplicate keys do not stop the walk, so all of them are reported, and
 * the tree is still returned so the caller can report its own errors too.
 */
#include "yamltree.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---------------------------------------------------------------- scan */

/*
 * prescan - refuse what libyaml reports badly.  Returns 0 if clean.
 * Columns count characters, as libyaml's marks do.
 */
static int
prescan(const char *buf, size_t len, struct diags *d)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t i = 0, k, before = diags_count(d);
	unsigned line = 1, col = 1;
	int indent = 1;		/* still in the line's leading blanks */

	if (len >= 2 && ((p[0] == 0xfe && p[1] == 0xff) ||
	    (p[0] == 0xff && p[1] == 0xfe))) {
		diags_add(d, 1, 1, "file is UTF-16 (byte order mark); "
		    "desired state must be UTF-8");
		return -1;
	}
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;		/* a UTF-8 byte order mark is harmless */
	while (i < len) {
		if (p[i] == '\0') {
			diags_add(d, line, col, "NUL byte in file");
			return -1;
		}
		k = utf8_len(p + i, len - i, NULL);
		if (k == 0) {
			diags_add(d, line, col, "invalid UTF-8 byte 0x%02x; "
			    "desired state must be UTF-8", p[i]);
			return -1;
		}
		if (p[i] == '\n') {
			line++, col = 1, indent = 1;
			i++;
			continue;
		}
		if (indent && p[i] == '\t') {
			/* A tab in the blanks of a line that holds something. */
			for (k = i; k < len && (p[k] == ' ' || p[k] == '\t'); k++)
				;
			if (k < len && p[k] != '\n' && p[k] != '\r')
				diags_add(d, line, col, "tab character in "
				    "indentation; YAML indents with spaces only");
			indent = 0;
		} else if (p[i] != ' ')
			indent = 0;
		i += k;
		col++;
	}
	return diags_count(d) > before ? -1 : 0;
}

/* ------------------------------------------------------------- nodes */

void
ynode_free(struct ynode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++)
		ynode_free(n->items[i]);
	free(n->items);
	free(n->str);
	free(n);
}

int
ynode_is_null(const struct ynode *n)
{
	if (n == NULL)
		return 1;
	if (n->kind != YN_SCALAR || !n->plain)
		return 0;
	return n->len == 0 || strcmp(n->str, "~") == 0 ||
	    strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
	    strcmp(n->str, "NULL") == 0;
}

const char *
ynode_kind_name(const struct ynode *n)
{
	switch (n->kind) {
	case YN_SEQ:
		return "a list";
	case YN_MAP:
		return "a mapping";
	default:
		return ynode_is_null(n) ? "an empty value" : "a single value";
	}
}

static void
ynode_append(struct ynode *parent, struct ynode *child)
{
	if ((parent->n & (parent->n - 1)) == 0)	/* 0, 1, 2, 4, 8 ... */
		/* NOLINTBEGIN(bugprone-sizeof-expression): items is a T ** */
		parent->items = xreallocarray(parent->items,
		    parent->n ? parent->n * 2 : 1, sizeof(*parent->items));
		/* NOLINTEND(bugprone-sizeof-expression) */
	parent->items[parent->n++] = child;
}

static int
keycmp(const void *a, const void *b)
{
	const struct ynode *x = *(struct ynode *const *)a;
	const struct ynode *y = *(struct ynode *const *)b;
	int c = strcmp(x->str, y->str);

	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/* check_keys - every key a scalar, no key twice.  Reports, never stops. */
static void
check_keys(const struct ynode *map, struct diags *d)
{
	struct ynode **keys;
	size_t i, nk = 0;

	/* NOLINTNEXTLINE(bugprone-sizeof-expression): keys is a T ** */
	keys = xcalloc(map->n / 2 + 1, sizeof(*keys));
	for (i = 0; i + 1 < map->n; i += 2) {
		if (map->items[i]->kind != YN_SCALAR)
			diags_add(d, map->items[i]->line, map->items[i]->col,
			    "mapping key is %s; keys must be plain names",
			    ynode_kind_name(map->items[i]));
		else
			keys[nk++] = map->items[i];
	}
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): keys is a T ** */
	qsort(keys, nk, sizeof(*keys), keycmp);
	for (i = 1; i < nk; i++)
		if (strcmp(keys[i - 1]->str, keys[i]->str) == 0)
			diags_add(d, keys[i]->line, keys[i]->col,
			    "duplicate key '%s' (first at line %u, column %u)",
			    keys[i]->str, keys[i - 1]->line, keys[i - 1]->col);
	free(keys);
}

/* -------------------------------------------------------------- parse */

struct builder {
	const struct ytree_limits *lim;
	struct diags	 *d;
	struct ynode	**stack;	/* open containers, depth entries */
	size_t		  depth;
	size_t		  nodes;
	struct ynode	 *root;
	int		  docs;
};

static struct ynode *
node_new(enum ynode_kind kind, const yaml_mark_t *m)
{
	struct ynode *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
	return n;
}

/* attach - hang a new node under the open container (or make it root). */
static void
attach(struct builder *b, struct ynode *n)
{
	if (b->depth == 0)
		b->root = n;
	else
		ynode_append(b->stack[b->depth - 1], n);
}

/* refuse_extras - anchors and tags on a node: 0 if none. */
static int
refuse_extras(struct builder *b, const yaml_mark_t *m,
    const yaml_char_t *anchor, const yaml_char_t *tag, int implicit)
{
	if (anchor != NULL) {
		diags_add(b->d, (unsigned)m->line + 1, (unsigned)m->column + 1,
		    "YAML anchors (&%s) are not allowed in desired state",
		    (const char *)anchor);
		return -1;
	}
	if (tag != NULL && !implicit) {
		diags_add(b->d, (unsigned)m->line + 1, (unsigned)m->column + 1,
		    "YAML tags (%s) are not allowed in desired state",
		    (const char *)tag);
		return -1;
	}
	return 0;
}

/* count_node - apply the node bound.  0 while within it. */
static int
count_node(struct builder *b, const yaml_mark_t *m)
{
	if (++b->nodes > b->lim->max_nodes) {
		diags_add(b->d, (unsigned)m->line + 1, (unsigned)m->column + 1,
		    "more than %zu YAML nodes; refusing the file",
		    b->lim->max_nodes);
		return -1;
	}
	return 0;
}

/* on_event - one libyaml event.  Returns 1 to go on, 0 at the end, -1 to stop. */
static int
on_event(struct builder *b, const yaml_event_t *ev)
{
	const yaml_mark_t *m = &ev->start_mark;
	struct ynode *n;

	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 0;
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1) {
			diags_add(b->d, (unsigned)m->line + 1,
			    (unsigned)m->column + 1, "a second YAML document; "
			    "desired state is one document per file");
			return -1;
		}
		return 1;
	case YAML_ALIAS_EVENT:
		diags_add(b->d, (unsigned)m->line + 1, (unsigned)m->column + 1,
		    "YAML aliases (*%s) are not allowed in desired state",
		    (const char *)ev->data.alias.anchor);
		return -1;
	case YAML_SCALAR_EVENT:
		if (refuse_extras(b, m, ev->data.scalar.anchor,
		    ev->data.scalar.tag, ev->data.scalar.plain_implicit ||
		    ev->data.scalar.quoted_implicit) < 0 || count_node(b, m) < 0)
			return -1;
		n = node_new(YN_SCALAR, m);
		n->len = ev->data.scalar.length;
		n->str = xstrndup((const char *)ev->data.scalar.value, n->len);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		attach(b, n);
		if (strlen(n->str) != n->len) {
			diags_add(b->d, n->line, n->col,
			    "NUL character in a string");
			return -1;
		}
		return 1;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (ev->type == YAML_SEQUENCE_START_EVENT ?
		    refuse_extras(b, m, ev->data.sequence_start.anchor,
		    ev->data.sequence_start.tag,
		    ev->data.sequence_start.implicit) < 0 :
		    refuse_extras(b, m, ev->data.mapping_start.anchor,
		    ev->data.mapping_start.tag,
		    ev->data.mapping_start.implicit) < 0)
			return -1;
		if (count_node(b, m) < 0)
			return -1;
		if (b->depth == b->lim->max_depth) {
			diags_add(b->d, (unsigned)m->line + 1,
			    (unsigned)m->column + 1, "nesting deeper than %zu "
			    "levels; refusing the file", b->lim->max_depth);
			return -1;
		}
		n = node_new(ev->type == YAML_SEQUENCE_START_EVENT ?
		    YN_SEQ : YN_MAP, m);
		attach(b, n);
		b->stack[b->depth++] = n;
		return 1;
	case YAML_MAPPING_END_EVENT:
		check_keys(b->stack[b->depth - 1], b->d);
		b->depth--;
		return 1;
	case YAML_SEQUENCE_END_EVENT:
		b->depth--;
		return 1;
	default:	/* stream start, document end, no event */
		return 1;
	}
}

/* syntax_error - libyaml's complaint, at its position. */
static void
syntax_error(const yaml_parser_t *p, struct diags *d)
{
	const yaml_mark_t *m = &p->problem_mark;
	const char *what = p->problem ? p->problem : "unreadable YAML";

	if (p->error == YAML_READER_ERROR)
		/* The pre-scan catches encoding problems; this is a fallback. */
		diags_add(d, 0, 0, "unreadable input: %s at byte %zu", what,
		    p->problem_offset);
	else if (p->context != NULL)
		diags_add(d, (unsigned)m->line + 1, (unsigned)m->column + 1,
		    "syntax error: %s (%s)", what, p->context);
	else
		diags_add(d, (unsigned)m->line + 1, (unsigned)m->column + 1,
		    "syntax error: %s", what);
}

struct ynode *
ytree_parse(const char *buf, size_t len, const struct ytree_limits *lim,
    struct diags *d)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct builder b;
	int r = 1;

	if (len > lim->max_bytes) {
		diags_add(d, 0, 0, "file is %zu bytes; the limit is %zu",
		    len, lim->max_bytes);
		return NULL;
	}
	if (prescan(buf, len, d) < 0)
		return NULL;
	memset(&b, 0, sizeof(b));
	b.lim = lim;
	b.d = d;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): stack is a T ** */
	b.stack = xcalloc(lim->max_depth + 1, sizeof(*b.stack));
	if (!yaml_parser_initialize(&parser)) {
		diags_add(d, 0, 0, "cannot initialise the YAML parser");
		free(b.stack);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (r > 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(&parser, d);
			r = -1;
			break;
		}
		r = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	free(b.stack);
	if (r < 0) {
		ynode_free(b.root);
		return NULL;
	}
	return b.root;
}
