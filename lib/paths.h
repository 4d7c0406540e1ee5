/*
 * paths.h - every path, file name and default mailprov uses, named once.
 *
 * In the spirit of Postfix's mail_params.h: DEF_* are the defaults a
 * setting takes when nothing names it (mailprovd.conf, the desired state,
 * a command-line option); STATE_* are the names of the files mailprov
 * keeps under its state directory, wherever state_dir puts it.  Paths
 * here are as seen inside --root: the caller prefixes the root.
 */
#ifndef MAILPROV_PATHS_H
#define MAILPROV_PATHS_H

/* mailprov's own files */
#define DEF_CONF_DIR		"/etc/mailprov"
#define DEF_DESIRED		DEF_CONF_DIR "/desired.yaml"
#define DEF_DAEMON_CONF		DEF_CONF_DIR "/mailprovd.conf"
#define DEF_STATE_DIR		"/var/mailprov"
#define DEF_INCOMING		DEF_STATE_DIR "/incoming"
#ifndef MAILPROV_FETCH_HELPER	/* the Makefile says where install puts it */
#define MAILPROV_FETCH_HELPER	"/usr/sbin/mailprov-fetch"
#endif
#ifndef MAILPROV_SRC_DEFAULT	/* the Makefile says exec on AIX */
#define MAILPROV_SRC_DEFAULT	"mock"
#endif

/* Under the state directory. */
#define STATE_LOCK		"lock"		/* one run at a time */
#define STATE_MARKER		"applying"	/* see apply.h */
#define STATE_CHECK_PREFIX	"check."	/* candidate copies */
#define STATE_CHECK_TEMPLATE	STATE_CHECK_PREFIX "XXXXXX"
#define STATE_STATUS		"status.json"
#define STATE_HISTORY		"history"	/* desired states taken */
#define STATE_GENERATIONS	"generations"	/* see history.h */
#define STATE_OBJECTS		"objects"	/* in it: bytes by sha256 */
#define STATE_SRC		"src"		/* the mock SRC's state */
#define STATE_FETCHED		"fetched.yaml"
#define STATE_FETCH_STATE	"fetched.state"
#define STATE_FETCH_TMP		".fetched.new"	/* a body not yet checked */
#define STATE_REPORTS		"reports"	/* queued run reports */
#define STATE_CAPS		"caps"		/* what sendmail was built with */

/* sendmail and the system */
#define DEF_SENDMAIL		"/usr/sbin/sendmail"
#define DEF_SENDMAIL_LINK	"/usr/lib/sendmail"	/* what SRC starts */
#define DEF_SENDMAIL_SSL	"/usr/sbin/sendmail_ssl" /* AIX's TLS build */
#define DEF_MAKEMAP		"/usr/sbin/makemap"
#define DEF_SENDMAIL_CF		"/etc/mail/sendmail.cf"
#define DEF_LOCAL_HOST_NAMES	"/etc/mail/local-host-names"
#define DEF_RELAY_DOMAINS	"/etc/mail/relay-domains"
#define DEF_ALIASES		"/etc/mail/aliases"
#define DEF_RC_TCPIP		"/etc/rc.tcpip"
#define DEF_SRC_BINDIR		"/usr/bin"	/* lssrc, startsrc, ... */
#define DEF_SUBSYSTEM		"sendmail"
#define DEF_SENDMAIL_ARGS	"-bd -q30m"

/* Checks after the service steps, with a real SRC (exec). */
#define DEF_VERIFY_PORT		"127.0.0.1:25"
#define DEF_VERIFY_TRIES	10		/* lssrc polls */
#define DEF_VERIFY_INTERVAL_MS	500

/* Time limits; a run's --timeout / timeout: replaces the command ones. */
#define DEF_LOCK_WAIT_S		30		/* for another run's lock */
#define DEF_SENDMAIL_TIMEOUT_MS	30000		/* sendmail -bt, -bv */
#define DEF_NEWALIASES_TIMEOUT_MS 120000	/* sendmail -bi */
#define DEF_SRC_STOP_WAIT_MS	30000		/* stopsrc until inoperative */
#define DEF_FETCH_TIMEOUT_MS	(5 * 60 * 1000)	/* the whole helper run */
#define TIMEOUT_MAX_S		3600		/* --timeout, timeout: */

/* mailprovd.conf defaults (mailprovd(8)) */
#define DEF_INTERVAL_S		900
#define DEF_SETTLE_S		1
#define DEF_POLL_S		5
#define DEF_WATCH_SETTLE_S	2
#define DEF_FULL_INTERVAL_S	86400
#define DEF_HISTORY_KEEP	20
#define DEF_FACILITY		"daemon"

/* Desired-state defaults (mailprov.yaml(5)) */
#define DEF_BACKUPS_KEEP	10

#endif
