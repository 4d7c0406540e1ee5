/*
 * schema.h - load a YAML tree into a C struct by a table of keys.
 *
 * A table row names a key, its type, the offset of its field in the
 * target struct, and the check of its value.  schema_load_map() walks one
 * mapping against a table: unknown keys (with the nearest valid key as a
 * hint), wrong types, values that fail their check, missing required
 * keys; every error goes to the diags with the position of the node.
 * desired.c (the desired state) and dconf.c (the daemon configuration)
 * are both tables over this one walker, so both files read and report
 * errors the same way.
 */
#ifndef MAILPROV_SCHEMA_H
#define MAILPROV_SCHEMA_H

#include <stddef.h>

#include "diag.h"
#include "util.h"
#include "yamltree.h"

struct dpos {
	unsigned	line;
	unsigned	col;
};

struct dstr {
	char		*v;	/* NULL: not given */
	struct dpos	 at;
	int		 bad;	/* given but failed its own check */
};

struct dint {			/* integers, booleans and enumerations */
	int		 v;
	int		 set;
	struct dpos	 at;
	int		 bad;
};

struct dlist {
	int		 set;
	struct strlist	 l;
	struct dpos	 at;
	int		 bad;
};

struct dsect {
	int		 set;	/* the section was written */
	struct dpos	 at;
};

enum schema_type {
	SCHEMA_INT,
	SCHEMA_BOOL,
	SCHEMA_ENUM,
	SCHEMA_STR,
	SCHEMA_LIST,
	SCHEMA_SECTION,
	SCHEMA_CUSTOM,		/* loaded by the row's own function */
	SCHEMA_REFUSED
};

struct schema_loader;

struct schema_key {
	const char		 *name;
	enum schema_type	  type;
	size_t			  off;		/* field offset in the target */
	const struct schema_key	 *sub;		/* SCHEMA_SECTION: its keys */
	const char		*(*check)(const char *);
	const char *const	 *choices;	/* SCHEMA_ENUM, NULL-ended */
	const char		 *why;		/* SCHEMA_REFUSED: the reason */
	int			  required;
	void			(*custom)(struct schema_loader *,
				    const struct schema_key *,
				    const struct ynode *, const char *);
};

struct schema_loader {
	struct diags	*d;
	void		*base;		/* the struct the offsets are into */
};

#define SCHEMA_FIELD(L, k, type) \
	((type *)(void *)((char *)(L)->base + (k)->off))

void		schema_load_map(struct schema_loader *L,
		    const struct ynode *map, const struct schema_key *tab,
		    const char *prefix);
struct dpos	schema_pos(const struct ynode *n);
/* schema_scalar - a non-null scalar's text, or NULL after an error. */
const char	*schema_scalar(struct schema_loader *L, const struct ynode *v,
		    const char *name, const char *want);
/* schema_type_error - "NAME must be WANT, not WHAT-IT-IS". */
void		schema_type_error(struct schema_loader *L,
		    const struct ynode *v, const char *name, const char *want);
const char	*schema_describe(const struct ynode *n);

/* Duplicate detection by name without case, O(n log n). */
struct schema_entry {
	const char	*s;
	struct dpos	 at;
};
int		schema_entrycmp(const void *a, const void *b);
void		schema_report_dups(struct schema_loader *L,
		    struct schema_entry *e, size_t n, const char *what,
		    int skip_exact);

#endif
