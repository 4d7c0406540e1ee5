/*
 * cliopt.h - command-line options from a table, for both mains.
 *
 * A row names an option, what it takes and where it goes; the parser,
 * its messages and the usage text all come from the one table, so a new
 * option is one row (and its line in the man page).  getopt_long is not
 * in POSIX nor in AIX's libc, hence this.
 */
#ifndef MAILPROV_CLIOPT_H
#define MAILPROV_CLIOPT_H

#include <stddef.h>
#include <stdio.h>

enum cliopt_kind {
	CLIOPT_FLAG,		/* sets an int to .value */
	CLIOPT_STR,		/* a const char * */
	CLIOPT_SECONDS,		/* digits into an int, .min to .max */
	CLIOPT_CHOICE,		/* one of .choices, a const char * */
	CLIOPT_HELP,		/* print the usage, done */
	CLIOPT_VERSION		/* print the version, done */
};

struct cliopt {
	const char		*name;		/* "--root" */
	const char		*alias;		/* "-f", or NULL */
	enum cliopt_kind	 kind;
	size_t			 off;		/* field in the options */
	const char		*metavar;	/* "DIR"; for usage */
	int			 value;		/* CLIOPT_FLAG */
	int			 min, max;	/* CLIOPT_SECONDS */
	const char *const	*choices;	/* CLIOPT_CHOICE, NULL-ended */
};

struct cliopt_prog {
	const char		*name;		/* "mailprov" */
	const char		*version;
	const char		*commands;	/* "validate|plan|..." */
	size_t			 max_args;	/* positional words, 0, 1 or 2 */
	size_t			 arg_off;	/* the second word's field (a
						   const char *), max_args 2 */
	const struct cliopt	*opts;		/* ends with a NULL name */
};

enum cliopt_result {
	CLIOPT_GO,		/* parsed: run */
	CLIOPT_DONE,		/* --help or --version printed: exit 0 */
	CLIOPT_BAD		/* a message was printed: exit 1 */
};

/*
 * cliopt_parse - argv into base (the options struct); positional words
 * into *word (the command), a second one (max_args 2) into the field
 * at arg_off.  A word is required when max_args is not 0.
 */
enum cliopt_result cliopt_parse(const struct cliopt_prog *p, int argc,
		    char **argv, void *base, const char **word);
/* cliopt_usage - the synopsis, wrapped, from the table. */
void		cliopt_usage(const struct cliopt_prog *p, FILE *fp);

#endif
