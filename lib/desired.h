/*
 * desired.h - the desired state, schema version 1, and its loader.
 *
 * desired_load_*() parse with libyaml (through yamltree), walk the tree
 * against the schema table in desired.c, apply the cross-field rules of
 * desired_rules.c (identity agrees, no open relay, no loop, no shell),
 * and fill the defaults the table gives.  They return a new model only
 * when the file is entirely valid; otherwise NULL, with every error (up
 * to DIAG_MAX) in the caller's struct diags.  Nothing global is touched,
 * so a daemon can load a candidate and keep its current state until the
 * new one is known good.
 *
 * Every field records where it was written (line, column) so later stages
 * can point back into the file.  A field that was not written is "unset":
 * NULL string, set == 0; desired_load_*() then fills the documented
 * defaults.  An absent service section means the service is not managed,
 * so its keys get no defaults; the sendmail and backups keys get theirs
 * with or without their section.
 */
#ifndef MAILPROV_DESIRED_H
#define MAILPROV_DESIRED_H

#include <stddef.h>

#include "diag.h"
#include "schema.h"
#include "util.h"

#define DESIRED_VERSION		1
#define DESIRED_MAX_BYTES	(1024 * 1024)
#define DESIRED_MAX_NODES	100000
#define DESIRED_MAX_DEPTH	32

enum alias_mode {
	ALIASES_MERGE = 0,	/* ensure these entries, keep the others */
	ALIASES_EXACT		/* exactly these entries */
};

enum service_state {
	SERVICE_RUNNING = 0,
	SERVICE_STOPPED
};

struct dalias {
	char		*name;
	struct strlist	 targets;
	struct dpos	*tat;	/* position of each target */
	struct dpos	 at;
};

struct desired_aliases {
	struct dsect	 sect;
	struct dint	 mode;		/* enum alias_mode, default merge */
	struct dint	 allow_programs;/* default false */
	struct dint	 allow_files;	/* default false */
	struct dsect	 entries_sect;
	struct dalias	*entries;
	size_t		 n;
};

enum tls_require {
	TLS_REQUIRE_NONE = 0,	/* opportunistic: STARTTLS when offered */
	TLS_REQUIRE_ENCRYPT,	/* TLS_Srv:<smart host> ENCR:112 */
	TLS_REQUIRE_VERIFY	/* TLS_Srv:<smart host> VERIFY */
};

/* sendmail.tls: absent, the TLS options are not managed. */
struct desired_tls {
	struct dsect	 sect;
	struct dstr	 cert;		/* ServerCertFile (ClientCertFile) */
	struct dstr	 key;		/* ServerKeyFile (ClientKeyFile) */
	struct dstr	 ca_file;	/* CACertFile */
	struct dstr	 ca_path;	/* CACertPath */
	struct dstr	 client_cert;	/* ClientCertFile, default cert */
	struct dstr	 client_key;	/* ClientKeyFile, default key */
	struct dint	 require_smart_host; /* enum tls_require, none */
};

/* sendmail.auth: AUTH to the smart host (see plan.c: by capability). */
struct desired_auth {
	struct dsect	 sect;
	struct dstr	 user;
	struct dstr	 secret_file;	/* the secret itself is never read */
	struct dlist	 mechanisms;
};

struct desired_sendmail {
	struct dsect	 sect;
	struct dstr	 config;	/* default /etc/mail/sendmail.cf */
	struct dstr	 program;	/* what /usr/lib/sendmail points at */
	struct dstr	 hostname;	/* Dw */
	struct dstr	 domain;	/* Dm */
	struct dstr	 fqdn;		/* Dj, not managed when unset */
	struct dlist	 accept_names;	/* local-host-names */
	struct dstr	 smart_host;	/* DS */
	struct dint	 smart_host_port; /* the relay mailer's A= port */
	struct dint	 relay_all;	/* default false */
	struct dlist	 relay_domains;	/* relay-domains */
	struct desired_tls tls;
	struct desired_auth auth;
	struct desired_aliases aliases;
};

struct desired_service {
	struct dsect	 sect;
	struct dstr	 subsystem;	/* default sendmail */
	struct dint	 state;		/* enum service_state, running */
	struct dstr	 args;		/* default "-bd -q30m" */
	struct dint	 persist;	/* default true */
};

struct desired_backups {
	struct dsect	 sect;
	struct dint	 keep;		/* backups kept per file, default 10 */
};

struct desired {
	struct dint		version;
	struct desired_sendmail	sendmail;
	struct desired_service	service;
	struct desired_backups	backups;
	char			*text;		/* the bytes it was loaded */
	size_t			 text_len;	/* from (kept with a run) */
};

/*
 * desired_load_file - read and validate path (opened with O_NOFOLLOW, at
 * most DESIRED_MAX_BYTES).  d must have been set up with diags_init().
 * Returns the model, or NULL with the errors in d.
 */
struct desired	*desired_load_file(const char *path, struct diags *d);

/* desired_load_buffer - the same for bytes already in memory. */
struct desired	*desired_load_buffer(const char *buf, size_t len,
		    struct diags *d);

void		 desired_free(struct desired *ds);

/*
 * desired_check_rules - the rules that involve several keys
 * (desired_rules.c), on a model just walked, before its defaults; each
 * broken rule adds an error to d.  desired_load_*() call it.
 */
void		 desired_check_rules(const struct desired *ds,
		    struct diags *d);

/* desired_alias_find - the entry named name (case-insensitive), or NULL. */
const struct dalias *desired_alias_find(const struct desired *ds,
		    const char *name);
const struct dalias *desired_aliases_find(const struct desired_aliases *al,
		    const char *name);

#endif
