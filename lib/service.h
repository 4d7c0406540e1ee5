/*
 * service.h - bring the SRC subsystem into line with the desired state.
 *
 * service_plan() only reads (lssrc): what state the subsystem is in, its
 * stored arguments, its boot line; from those and from whether this run
 * changes the mail files, it lists the steps, each only when needed:
 *   chssys -a ARGS     persist and the stored arguments differ (first,
 *                      because startsrc -a adds to the stored ones)
 *   startsrc           running wanted, subsystem inactive
 *   refresh            running, active, and sendmail.cf or a list file
 *                      changed (a signals-only subsystem: stop + start)
 *   stopsrc; startsrc  running, active, and the program changed (the
 *                      /usr/lib/sendmail link): refresh re-reads the cf
 *                      in the running process but cannot swap its binary
 *   stopsrc            stopped wanted, subsystem active
 *   chrctcp -a / -d    persist, and the rc.tcpip start line disagrees
 * service_verify() then checks the result: lssrc says active (polled,
 * bounded), optionally something on host:port greets with 220, optionally
 * "sendmail -bv postmaster" resolves.  Steps run and checks passed are
 * said with msg_info.  Convention: 0 / -1 with the reason in *why.
 */
#ifndef MAILPROV_SERVICE_H
#define MAILPROV_SERVICE_H

#include "desired.h"
#include "src.h"

enum service_step {
	SERVICE_CHSSYS,
	SERVICE_START,
	SERVICE_REFRESH,
	SERVICE_RESTART,
	SERVICE_STOP,
	SERVICE_BOOT_ON,
	SERVICE_BOOT_OFF
};

struct service_plan {
	int			managed;	/* a service section exists */
	const char		*sub;
	struct src_status	 st;
	struct src_def		 def;
	int			 boot;
	enum service_step	 step[8];
	size_t			 n;
	int			 start_with_args;
	int			 touched;	/* started or refreshed */
	int			 restarted;	/* the program changed */
};

/* What the files of this run need of a running subsystem. */
#define SERVICE_NEED_REFRESH	1	/* re-read the cf and list files */
#define SERVICE_NEED_RESTART	2	/* run another executable */

/* Phases of service_apply: the boot line waits until the result is verified. */
enum service_phase {
	SERVICE_PHASE_RUN,		/* chssys, startsrc, refresh, stopsrc */
	SERVICE_PHASE_BOOT		/* the rc.tcpip start line */
};

struct service_checks {
	int		 tries;		/* lssrc polls; 0: DEF_VERIFY_TRIES */
	int		 interval_ms;	/* between polls; 0: the default */
	const char	*host;		/* NULL: no port check */
	int		 port;
	const char	*sendmail;	/* NULL: no -bv check */
	const char	*cf;		/* for -bv: the cf under the root */
	int		 timeout_ms;	/* for -bv; 0: the default */
	int		 starttls;	/* the port check also wants
					   250-STARTTLS in the EHLO reply */
};

/*
 * service_port_spec - read "HOST:PORT" or "none": 1 with *host (caller frees)
 * and *port set, 0 for none, -1 if it is neither.
 */
int	service_port_spec(const char *spec, char **host, int *port);

/* service_plan - need: SERVICE_NEED_* of the files this run changes. */
int	service_plan(struct src *s, const struct desired *ds, int need,
	    struct service_plan *sp, char **why);
/* service_describe - step i as the command an admin would type. */
void	service_describe(const struct service_plan *sp,
	    const struct desired *ds, size_t i, struct sbuf *out);
/* service_apply - run the steps of a phase; each one that ran goes to done. */
int	service_apply(struct src *s, const struct desired *ds,
	    struct service_plan *sp, enum service_phase phase,
	    struct strlist *done, char **why);
int	service_verify(struct src *s, const struct desired *ds,
	    const struct service_checks *v, char **why);
/*
 * service_restore - after the files were put back, when this run started or
 * refreshed the subsystem: bring it back to the state it had before the
 * run (running on the restored files, or stopped); a restarted one is
 * restarted again, on the restored program.
 */
int	service_restore(struct src *s, const struct desired *ds,
	    const struct service_plan *sp, char **why);

#endif
