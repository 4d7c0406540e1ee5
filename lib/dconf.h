/*
 * dconf.h - the daemon configuration, /etc/mailprov/mailprovd.conf.
 *
 * YAML, read by the same schema walker and with the same one-line errors
 * as the desired state.  Every key is optional; dconf_load_file() fills
 * the defaults documented in mailprovd(8) and conf/mailprovd.conf.
 */
#ifndef MAILPROV_DCONF_H
#define MAILPROV_DCONF_H

#include "diag.h"
#include "schema.h"

enum dconf_backend {
	DCONF_EXEC = 0,
	DCONF_MOCK
};

enum dconf_mode {
	DCONF_ENFORCE = 0,	/* repair what differs */
	DCONF_AUDIT		/* report what differs, change nothing */
};

struct dconf {
	struct dstr	desired;	/* /etc/mailprov/desired.yaml */
	struct dstr	incoming;	/* STATE_DIR/incoming */
	struct dstr	state_dir;	/* DEF_STATE_DIR */
	struct dint	interval;	/* seconds between drift checks, 900 */
	struct dint	settle;		/* seconds a dropped file rests, 1 */
	struct dint	poll;		/* seconds between idle scans, 5 */
	struct dint	watch_settle;	/* seconds after a watched file
					   changed before the run, 2 */
	struct dint	full_interval;	/* seconds between full plans at
					   most, 86400 */
	struct dint	history;	/* desired states kept, 20 */
	struct dint	mode;		/* enum dconf_mode, enforce */
	struct dint	backend;	/* enum dconf_backend */
	struct dstr	sendmail;	/* NULL: the program that runs */
	struct dint	timeout;	/* seconds a command may run, 0: its own */
	struct dstr	src_bindir;	/* /usr/bin */
	struct dsect	verify;
	struct dstr	verify_port;	/* HOST:PORT or "none"; NULL: unset */
	struct dint	verify_bv;	/* boolean; .set 0: unset */
	struct dstr	facility;	/* syslog facility name, "daemon" */
	struct dstr	source;		/* https URL of the desired state */
	struct dstr	report_url;	/* https URL of the run reports */
	struct dstr	ca_file, ca_path, cert, key;
	struct dint	insecure;	/* allow http / no verification */
	struct dstr	sha256;		/* pin of the fetched body */
};

/*
 * dconf_load_file - read path (trusted: root-owned, not group/world
 * writable).  A missing file gives the defaults when missing_ok.  Returns
 * a new config or NULL with the errors in d.  default_backend is the
 * build's (exec on AIX, mock elsewhere).
 */
struct dconf	*dconf_load_file(const char *path, int missing_ok,
		    enum dconf_backend default_backend, struct diags *d);
void		 dconf_free(struct dconf *c);
/* dconf_facility - the syslog facility code of c->facility. */
int		 dconf_facility(const struct dconf *c);

#endif
