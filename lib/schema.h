/*
 * schema.h - load a YAML tree into a C struct by a table of keys.
 *
 * A table row names a key, its type, the offset of its field in the
 * target struct, the check of its value, its default and, for an
 * integer, its range.  schema_load_map() walks one mapping against a
 * table: unknown keys (with the nearest valid key as a hint), wrong
 * types, values that fail their check or fall out of range, missing
 * required keys; every error goes to the diags with the position of the
 * node.  schema_defaults() then fills what a valid document left unset.
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

/*
 * One row of a table; write it with designated initializers, naming only
 * the columns it uses.  A table ends with a row whose name is NULL.
 */
struct schema_key {
	const char		 *name;
	enum schema_type	  type;
	size_t			  off;		/* field offset in the target */
	int			  required;
	const char		*(*check)(const char *);	/* STR, LIST */
	const char *const	 *choices;	/* ENUM, NULL-ended */
	const struct schema_key	 *sub;		/* SECTION: its keys */
	int			  defaults_if_set; /* SECTION: see below */
	const char		 *why;		/* REFUSED: the reason */
	void			(*custom)(struct schema_loader *,
				    const struct schema_key *,
				    const struct ynode *, const char *);
	/* The value of a key that is not written (schema_defaults). */
	const char		 *def;		/* STR: NULL, no default */
	int			  idef;		/* INT, BOOL, ENUM */
	/*
	 * INT: the allowed values, when min < max.  The error reads
	 * "NAME V is out of range: MIN to MAX"; range_words, when given,
	 * go before MIN and after MAX ("keep 1 to 1000 backups per file").
	 */
	int			  min, max;
	const char		 *range_words[2];
};

struct schema_loader {
	struct diags	*d;
	void		*base;		/* the struct the offsets are into */
};

#define SCHEMA_FIELD(L, k, type) \
	((type *)(void *)((char *)(L)->base + (k)->off))

/*
 * schema_load_map - walk map against tab: unknown keys, types, each
 * value's own check and an integer's range; errors go to L->d.
 */
void		schema_load_map(struct schema_loader *L,
		    const struct ynode *map, const struct schema_key *tab,
		    const char *prefix);
/*
 * schema_defaults - give every key of tab that was not written its row's
 * default (.def, .idef), into sections too.  A section row with
 * defaults_if_set stands for a part of the system that is managed only
 * when the section is written: its keys take their defaults only then.
 * Call it only for a valid document.
 */
void		schema_defaults(struct schema_loader *L,
		    const struct schema_key *tab);
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
