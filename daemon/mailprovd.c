/*
 * mailprovd - the SRC subsystem that keeps sendmail in its desired state.
 *
 * A thin main: options, then mpd_main() (lib/mpd.c) runs the loop in the
 * foreground, as SRC requires (never forks away, never calls setsid).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpd.h"
#include "util.h"
#include "version.h"

#ifndef MAILPROV_FETCH_HELPER
#define MAILPROV_FETCH_HELPER	"/usr/sbin/mailprov-fetch"
#endif

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: mailprovd [-c mailprovd.conf] [--root DIR] "
	    "[--src-backend exec|mock] [-d]\n"
	    "       mailprovd --version | --help\n");
}

int
main(int argc, char **argv)
{
	struct mpd_opts o;
	char *root = NULL, *helper;
	int i;

	memset(&o, 0, sizeof(o));
	o.conf = "/etc/mailprov/mailprovd.conf";
	o.root = "";
	/* mailprov-fetch beside this program, else where make install puts it. */
	helper = strrchr(argv[0], '/') ? xasprintf("%.*s/mailprov-fetch",
	    (int)(strrchr(argv[0], '/') - argv[0]), argv[0]) :
	    xstrdup(MAILPROV_FETCH_HELPER);
	o.fetch_helper = helper;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(a, "--version") == 0) {
			printf("mailprovd %s\n", MAILPROV_VERSION);
			return 0;
		}
		if (strcmp(a, "-d") == 0) {
			o.debug = 1;
			continue;
		}
		if (strcmp(a, "-c") == 0 || strcmp(a, "--root") == 0 ||
		    strcmp(a, "--src-backend") == 0) {
			if (i + 1 == argc) {
				fprintf(stderr, "mailprovd: %s needs a value\n",
				    a);
				return 1;
			}
			if (strcmp(a, "-c") == 0) {
				o.conf = argv[++i];
				o.conf_given = 1;
			} else if (strcmp(a, "--root") == 0)
				o.root = argv[++i];
			else
				o.backend = argv[++i];
			continue;
		}
		fprintf(stderr, "mailprovd: unknown option '%s'\n", a);
		usage(stderr);
		return 1;
	}
	if (o.backend != NULL && strcmp(o.backend, "exec") != 0 &&
	    strcmp(o.backend, "mock") != 0) {
		fprintf(stderr, "mailprovd: --src-backend must be exec or mock, "
		    "not '%s'\n", o.backend);
		return 1;
	}
	if (*o.root != '\0' && (o.root = root = realpath(o.root, NULL)) ==
	    NULL) {
		perror("mailprovd: --root");
		return 1;
	}
	i = mpd_main(&o);
	free(root);
	free(helper);
	return i;
}
