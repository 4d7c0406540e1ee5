/*
 * service.h - bring the SRC subsystem into line with the desired state.
 *
 * svc_plan() only reads (lssrc): what state the subsystem is in, its
 * stored arguments, its boot line; from those and from whether this run
 * changes the mail files, it lists the steps, each only when needed:
 *   chssys -a ARGS     persist and the stored arguments differ (first,
 *                      because startsrc -a adds to the stored ones)
 *   startsrc           running wanted, subsystem inactive
 *   refresh            running, active, and sendmail.cf or a list file
 *                      changed (a signals-only subsystem: stop + start)
 *   stopsrc            stopped wanted, subsystem active
 *   chrctcp -a / -d    persist, and the rc.tcpip start line disagrees
 * svc_verify() then checks the result: lssrc says active (polled, bounded),
 * optionally something on host:port greets with 220, optionally
 * "sendmail -bv postmaster" resolves.  Convention: 0 / -1 with *err.
 */
#ifndef MAILPROV_SERVICE_H
#define MAILPROV_SERVICE_H

#include <stdio.h>

#include "desired.h"
#include "src.h"

enum svc_kind {
	SVC_CHSSYS,
	SVC_START,
	SVC_REFRESH,
	SVC_STOP,
	SVC_BOOT_ON,
	SVC_BOOT_OFF
};

struct svc_plan {
	int			managed;	/* a service section exists */
	const char		*sub;
	struct src_status	 st;
	struct src_def		 def;
	int			 boot;
	enum svc_kind		 step[8];
	size_t			 n;
	int			 start_with_args;
	int			 touched;	/* apply started or refreshed it */
};

/* Phases of svc_apply: the boot line waits until the result is verified. */
enum svc_phase {
	SVC_PHASE_RUN,		/* chssys, startsrc, refresh, stopsrc */
	SVC_PHASE_BOOT		/* the rc.tcpip start line */
};

struct svc_verify {
	int		 tries;		/* lssrc polls; 0 means 10 */
	int		 interval_ms;	/* between polls; 0 means 500 */
	const char	*host;		/* NULL: no port check */
	int		 port;
	const char	*sendmail;	/* NULL: no -bv check */
	const char	*cf;		/* for -bv: the cf under the root */
	int		 timeout_ms;	/* for -bv; 0 means 30 s (set by rc_apply) */
};

/*
 * svc_port_spec - read "HOST:PORT" or "none": 1 with *host (caller frees)
 * and *port set, 0 for none, -1 if it is neither.
 */
int	svc_port_spec(const char *spec, char **host, int *port);

int	svc_plan(struct src *s, const struct desired *ds, int files_changed,
	    struct svc_plan *sp, char **err);
/* svc_describe - step i as the command an admin would type. */
void	svc_describe(const struct svc_plan *sp, const struct desired *ds,
	    size_t i, struct sbuf *out);
/* svc_apply - run the steps of a phase; each one that ran goes to done. */
int	svc_apply(struct src *s, const struct desired *ds, struct svc_plan *sp,
	    enum svc_phase phase, FILE *out, struct strlist *done, char **err);
int	svc_verify(struct src *s, const struct desired *ds,
	    const struct svc_verify *v, FILE *out, char **err);
/*
 * svc_restore - after the files were put back, when this run started or
 * refreshed the subsystem: bring it back to the state it had before the
 * run (running on the restored files, or stopped).
 */
int	svc_restore(struct src *s, const struct desired *ds,
	    const struct svc_plan *sp, FILE *out, char **err);

#endif
