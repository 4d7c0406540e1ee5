/*
 * mailprovd - the SRC subsystem that keeps sendmail in its desired state.
 *
 * A thin main: options from a table (cliopt), then mpd_main() (lib/mpd.c)
 * runs the loop in the foreground, as SRC requires (never forks away,
 * never calls setsid).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliopt.h"
#include "mpd.h"
#include "paths.h"
#include "runopts.h"
#include "util.h"
#include "version.h"

static const char *const backends[] = { "exec", "mock", NULL };

#define O(f)	offsetof(struct mpd_opts, f)
static const struct cliopt options[] = {
	{ .name = "-c", .kind = CLIOPT_STR, .off = O(conf),
	    .metavar = "mailprovd.conf" },
	{ .name = "--root", .kind = CLIOPT_STR, .off = O(root),
	    .metavar = "DIR" },
	{ .name = "--src-backend", .kind = CLIOPT_CHOICE, .off = O(backend),
	    .metavar = "exec|mock", .choices = backends },
	{ .name = "-d", .kind = CLIOPT_FLAG, .off = O(debug), .value = 1 },
	{ .name = "--help", .alias = "-h", .kind = CLIOPT_HELP },
	{ .name = "--version", .kind = CLIOPT_VERSION },
	{ .name = NULL }
};

static const struct cliopt_prog prog = {
	.name = "mailprovd", .version = MAILPROV_VERSION, .max_args = 0,
	.opts = options
};

int
main(int argc, char **argv)
{
	struct mpd_opts o;
	char *root = NULL, *helper;
	const char *none;
	int r;

	memset(&o, 0, sizeof(o));
	o.root = "";
	switch (cliopt_parse(&prog, argc, argv, &o, &none)) {
	case CLIOPT_DONE:
		return 0;
	case CLIOPT_BAD:
		return 1;
	case CLIOPT_GO:
		break;
	}
	o.conf_given = o.conf != NULL;
	if (o.conf == NULL)
		o.conf = DEF_DAEMON_CONF;
	if (*o.root != '\0' && (o.root = root = realpath(o.root, NULL)) ==
	    NULL) {
		perror("mailprovd: --root");
		return 1;
	}
	o.fetch_helper = helper = runopts_helper(argv[0]);
	r = mpd_main(&o);
	free(root);
	free(helper);
	return r;
}
