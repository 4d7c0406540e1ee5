/*
 * src.h - the SRC adapter: one interface to the System Resource
 * Controller, two backends.
 *
 *   exec  runs the AIX commands (lssrc, startsrc, stopsrc, refresh,
 *         chssys) through proc, and parses their output;
 *   mock  keeps the same facts in a state directory (one record per
 *         subsystem) for Linux builds and tests.
 *
 * Both append every call that changes something to a journal, one line
 * each, written as the AIX command would be typed ("refresh -s sendmail");
 * queries (lssrc) are not journaled.  The boot entry (the start line of
 * /etc/rc.tcpip) is part of the interface: exec edits the file under the
 * root with the same lossless atomic writer as the mail files; mock keeps
 * a flag in the record.
 *
 * Convention: 0 success, -1 failure with a one-line reason in src->err.
 */
#ifndef MAILPROV_SRC_H
#define MAILPROV_SRC_H

#include <stddef.h>

#include "util.h"

enum src_state {
	SRC_NOTDEF = 0,		/* no such subsystem */
	SRC_ACTIVE,
	SRC_INOPERATIVE,
	SRC_STOPPING,
	SRC_OTHER		/* a status word we do not know */
};

enum src_contact {
	SRC_SOCKETS = 0,	/* -K: refresh and long status work */
	SRC_SIGNALS,		/* -S: refresh is refused (0513-005) */
	SRC_MSGQ,		/* -I */
	SRC_UNKNOWN
};

struct src_status {
	enum src_state	state;
	long		pid;		/* 0 when not running */
	char		group[32];	/* "" when none */
};

struct src_def {
	int		 defined;
	char		 args[256];	/* stored cmdargs */
	char		 path[256];
	enum src_contact contact;
};

struct src_config {
	const char	*root;		/* "" for none */
	const char	*state_dir;	/* mock: the records; both: journal */
	const char	*bindir;	/* exec: where lssrc & co live (/usr/bin) */
	const char	*rc_tcpip;	/* exec: default /etc/rc.tcpip (in root) */
	int		 timeout_ms;	/* per command */
};

struct src;

struct src_backend {
	const char	*name;
	int	(*status)(struct src *, const char *, struct src_status *);
	int	(*definition)(struct src *, const char *, struct src_def *);
	int	(*start)(struct src *, const char *, const char *);
	int	(*stop)(struct src *, const char *);
	int	(*refresh)(struct src *, const char *);
	int	(*set_args)(struct src *, const char *, const char *);
	int	(*boot_enabled)(struct src *, const char *, int *);
	int	(*set_boot)(struct src *, const char *, int);
};

/* Private: read and written by src.c and the backends only. */
struct src {
	const struct src_backend *be;
	struct src_config	  cfg;
	char			 *state_dir;	/* owned copy */
	char			  err[512];
};

/* src_open - the backend called name ("exec" or "mock"); NULL if unknown. */
struct src	*src_open(const char *name, const struct src_config *cfg);
void		 src_close(struct src *s);
/* src_error - the reason of the last failed call. */
const char	*src_error(const struct src *s);
/* src_backend_name - "exec" or "mock". */
const char	*src_backend_name(const struct src *s);

/* Wrappers: the only way callers reach a backend. */
int	src_status(struct src *s, const char *sub, struct src_status *st);
int	src_definition(struct src *s, const char *sub, struct src_def *d);
int	src_start(struct src *s, const char *sub, const char *args);
int	src_stop(struct src *s, const char *sub);
/*
 * src_refresh - refresh; for a signals-only subsystem, which SRC refuses
 * to refresh, src_restart it instead.
 */
int	src_refresh(struct src *s, const char *sub, const char *args);
/*
 * src_restart - stop, wait (bounded) until lssrc no longer says it is
 * stopping, start again.  args as for src_start_as.
 */
int	src_restart(struct src *s, const char *sub, const char *args);
/*
 * src_start_as - start so that the subsystem runs with args: with no -a
 * when the stored arguments already are args, with -a args otherwise
 * (startsrc -a adds to the stored arguments).
 */
int	src_start_as(struct src *s, const char *sub, const char *args);
/* src_wait_stopped - poll until not active nor stopping; -1 on timeout. */
int	src_wait_stopped(struct src *s, const char *sub, int timeout_ms);
int	src_set_args(struct src *s, const char *sub, const char *args);
int	src_boot_enabled(struct src *s, const char *sub, int *on);
int	src_set_boot(struct src *s, const char *sub, int on);

/* src_journal - append one line to the journal (backends call this). */
void	src_journal(struct src *s, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* src_seterr - set s->err, printf-style; returns -1. */
int	src_seterr(struct src *s, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
const char *src_state_name(enum src_state st);

/* Parsers of the AIX output formats (exec backend; tested directly). */
int	src_parse_lssrc_s(const char *out, const char *sub,
	    struct src_status *st);
int	src_parse_lssrc_S(const char *out, const char *sub, struct src_def *d);

extern const struct src_backend src_exec_backend;
extern const struct src_backend src_mock_backend;

#endif
