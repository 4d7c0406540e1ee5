/*
 * yamltree.h - a bounded YAML node tree built from libyaml events.
 *
 * libyaml does the parsing; this module only refuses what mailprov never
 * accepts (anchors, aliases, tags, several documents, tabs in indentation,
 * bytes that are not UTF-8, NUL) and enforces the size, node and depth
 * bounds while the events arrive, so an alias bomb or a deeply nested
 * file is rejected before anything is built from it.  Duplicate keys in
 * one mapping, which libyaml accepts silently, are reported here.
 *
 * Positions are 1-based lines and columns (columns count characters).
 */
#ifndef MAILPROV_YAMLTREE_H
#define MAILPROV_YAMLTREE_H

#include <stddef.h>

#include "diag.h"

enum ynode_kind {
	YN_SCALAR,
	YN_SEQ,
	YN_MAP
};

struct ynode {
	enum ynode_kind	  kind;
	unsigned	  line;
	unsigned	  col;
	/* YN_SCALAR */
	char		 *str;		/* NUL-terminated, never contains NUL */
	size_t		  len;
	int		  plain;	/* unquoted: may be null, bool, int */
	/* YN_SEQ: items[i]; YN_MAP: items[2i] key, items[2i+1] value */
	struct ynode	**items;
	size_t		  n;
};

struct ytree_limits {
	size_t	max_bytes;
	size_t	max_nodes;
	size_t	max_depth;
};

/*
 * ytree_parse - parse buf into a tree.  Returns the root, or NULL with the
 * reasons in d.  Errors that do not stop the walk (duplicate or non-scalar
 * keys) are added to d and the root is still returned: the caller must
 * treat any new entry in d as failure.  An empty stream (no document, or only comments) returns
 * NULL and adds nothing to d: the caller decides what empty means.
 */
struct ynode	*ytree_parse(const char *buf, size_t len,
		    const struct ytree_limits *lim, struct diags *d);
void		 ynode_free(struct ynode *n);

/* ynode_is_null - a plain scalar that YAML reads as null (~, null, empty). */
int		 ynode_is_null(const struct ynode *n);
/* ynode_kind_name - "a string", "a list", "a mapping" for messages. */
const char	*ynode_kind_name(const struct ynode *n);

#endif
