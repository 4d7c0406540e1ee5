/*
 * mailprovd - the SRC subsystem.
 *
 * This release parses and checks its options only; the reconcile loop and
 * the SRC request handling come with later releases (see CHANGES).  It
 * says so and exits 1 rather than pretend to run.
 */
#include <stdio.h>
#include <string.h>

#include "version.h"

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
	const char *conf = "/etc/mailprov/mailprovd.conf", *root = "";
	const char *backend = "exec";
	int i, debug = 0;

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
			debug = 1;
			continue;
		}
		if (strcmp(a, "-c") == 0 || strcmp(a, "--root") == 0 ||
		    strcmp(a, "--src-backend") == 0) {
			if (i + 1 == argc) {
				fprintf(stderr, "mailprovd: %s needs a value\n",
				    a);
				return 1;
			}
			if (strcmp(a, "-c") == 0)
				conf = argv[++i];
			else if (strcmp(a, "--root") == 0)
				root = argv[++i];
			else
				backend = argv[++i];
			continue;
		}
		fprintf(stderr, "mailprovd: unknown option '%s'\n", a);
		usage(stderr);
		return 1;
	}
	if (strcmp(backend, "exec") != 0 && strcmp(backend, "mock") != 0) {
		fprintf(stderr, "mailprovd: --src-backend must be exec or mock, "
		    "not '%s'\n", backend);
		return 1;
	}
	fprintf(stderr, "mailprovd: config %s%s, backend %s%s: the subsystem "
	    "loop is not implemented in %s yet; exiting\n", root, conf, backend,
	    debug ? ", debug" : "", MAILPROV_VERSION);
	return 1;
}
