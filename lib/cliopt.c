/*
 * cliopt.c - parse options by table; usage from the same table.
 *
 * Contract: see cliopt.h.
 */
#include "cliopt.h"

#include <stdlib.h>
#include <string.h>

#define FIELD(base, o, type)	((type *)(void *)((char *)(base) + (o)->off))
#define ARG(base, p)	((const char **)(void *)((char *)(base) + \
			    (p)->arg_off))

static const struct cliopt *
find(const struct cliopt *t, const char *a)
{
	for (; t->name != NULL; t++)
		if (strcmp(a, t->name) == 0 || (t->alias != NULL &&
		    strcmp(a, t->alias) == 0))
			return t;
	return NULL;
}

/* seconds - v as seconds within the row's range, or -1. */
static int
seconds(const struct cliopt *o, const char *v)
{
	long n;

	if (*v == '\0' || strlen(v) > 4 || strspn(v, "0123456789") !=
	    strlen(v))
		return -1;
	n = strtol(v, NULL, 10);
	return n < o->min || n > o->max ? -1 : (int)n;
}

/* choice - v is one of the row's choices. */
static int
choice(const struct cliopt *o, const char *v)
{
	const char *const *c;

	for (c = o->choices; *c != NULL; c++)
		if (strcmp(*c, v) == 0)
			return 1;
	return 0;
}

/* take - the value of o; 0, or -1 after a message. */
static int
take(const struct cliopt_prog *p, const struct cliopt *o, const char *v,
    void *base)
{
	int n;

	switch (o->kind) {
	case CLIOPT_SECONDS:
		if ((n = seconds(o, v)) < 0) {
			fprintf(stderr, "%s: %s takes seconds", p->name,
			    o->name);
			if (o->min > 0)
				fprintf(stderr, " (%d to %d)", o->min, o->max);
			fprintf(stderr, ", not '%s'\n", v);
			return -1;
		}
		*FIELD(base, o, int) = n;
		return 0;
	case CLIOPT_CHOICE:
		if (!choice(o, v)) {
			const char *const *c;

			fprintf(stderr, "%s: %s must be", p->name, o->name);
			for (c = o->choices; *c != NULL; c++)
				fprintf(stderr, "%s %s", c == o->choices ? "" :
				    c[1] == NULL ? " or" : ",", *c);
			fprintf(stderr, ", not '%s'\n", v);
			return -1;
		}
		/* FALLTHROUGH */
	default:
		*FIELD(base, o, const char *) = v;
		return 0;
	}
}

/* option - argv[*i] is an option: handle it (and its value). */
static enum cliopt_result
option(const struct cliopt_prog *p, int argc, char **argv, int *i,
    void *base)
{
	const struct cliopt *o = find(p->opts, argv[*i]);

	if (o == NULL) {
		fprintf(stderr, "%s: unknown option '%s'\n", p->name, argv[*i]);
		cliopt_usage(p, stderr);
		return CLIOPT_BAD;
	}
	switch (o->kind) {
	case CLIOPT_HELP:
		cliopt_usage(p, stdout);
		return CLIOPT_DONE;
	case CLIOPT_VERSION:
		printf("%s %s\n", p->name, p->version);
		return CLIOPT_DONE;
	case CLIOPT_FLAG:
		*FIELD(base, o, int) = o->value;
		return CLIOPT_GO;
	default:
		break;
	}
	if (*i + 1 == argc) {
		fprintf(stderr, "%s: %s needs a value\n", p->name, argv[*i]);
		return CLIOPT_BAD;
	}
	if (take(p, o, argv[++*i], base) < 0)
		return CLIOPT_BAD;
	return CLIOPT_GO;
}

enum cliopt_result
cliopt_parse(const struct cliopt_prog *p, int argc, char **argv, void *base,
    const char **word)
{
	enum cliopt_result r;
	int i;

	*word = NULL;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-') {
			if ((r = option(p, argc, argv, &i, base)) != CLIOPT_GO)
				return r;
			continue;
		}
		if (*word == NULL && p->max_args > 0)
			*word = argv[i];
		else if (p->max_args > 1 && *ARG(base, p) == NULL)
			*ARG(base, p) = argv[i];
		else {
			fprintf(stderr, "%s: unexpected argument '%s'\n",
			    p->name, argv[i]);
			return CLIOPT_BAD;
		}
	}
	if (*word == NULL && p->max_args > 0) {
		cliopt_usage(p, stderr);
		return CLIOPT_BAD;
	}
	return CLIOPT_GO;
}

void
cliopt_usage(const struct cliopt_prog *p, FILE *fp)
{
	const struct cliopt *o;
	char item[96];
	size_t col, indent, n;

	col = (size_t)fprintf(fp, "usage: %s%s%s", p->name, p->commands ?
	    " " : "", p->commands ? p->commands : "");
	indent = strlen("usage: ") + strlen(p->name) + 1;
	for (o = p->opts; o->name != NULL; o++) {
		if (o->kind == CLIOPT_HELP || o->kind == CLIOPT_VERSION)
			continue;
		if (o->kind == CLIOPT_FLAG)
			n = (size_t)snprintf(item, sizeof(item), "[%s]",
			    o->alias ? o->alias : o->name);
		else
			n = (size_t)snprintf(item, sizeof(item), "[%s %s]",
			    o->alias ? o->alias : o->name, o->metavar);
		if (col + 1 + n > 78) {
			fprintf(fp, "\n%*s", (int)indent, "");
			col = indent;
		} else {
			fputc(' ', fp);
			col++;
		}
		fputs(item, fp);
		col += n;
	}
	fprintf(fp, "\n%*s%s --version | --help\n", (int)(indent -
	    strlen(p->name) - 1), "", p->name);
}
