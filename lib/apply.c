/*
 * apply.c - lock, prepare, write, settle or undo.
 *
 * Contract: see apply.h.  apply_run() reads top to bottom as the data
 * flow in README: each step is a function below it, and the applying
 * marker is handled in marker_set() and marker_clear() only (plan.c
 * notices it).  From the first replacement to the end of a rollback,
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT wait: the set of files is never
 * left half-applied by us.
 */
#include "apply.h"
#include "accessfile.h"
#include "candidate.h"
#include "fileio.h"
#include "history.h"
#include "msg.h"
#include "paths.h"
#include "sendmail.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct apply {
	const struct desired	*ds;
	const struct apply_opts	*o;
	struct plan		*p;
	int			 lockfd;
	char			 stamp[FILEIO_STAMP_SIZE];
	sigset_t		 oldmask;
	int			 masked;
	char			 gen[HISTORY_ID_SIZE];	/* recorded */
};

/* ------------------------------------------------------------ marker */

/* marker_set - before the first replacement; an interrupted run's stays. */
static int
marker_set(struct apply *a, char **why)
{
	if (a->p->interrupted) {
		msg_info("an earlier apply was interrupted: the alias database "
		    "is rebuilt and sendmail re-reads its configuration");
		return 0;
	}
	if (fileio_replace(a->p->marker, "", 0, NULL) < 0) {
		seterr(why, "cannot write %s: %s; nothing was changed",
		    a->p->marker, strerror(errno));
		unlink(a->p->marker);
		return -1;
	}
	return 0;
}

/* marker_clear - files, database and subsystem agree again. */
static void
marker_clear(struct apply *a)
{
	unlink(a->p->marker);
}

/* ----------------------------------------------------------- prepare */

/* lock_state - the state directory exists and this run holds its lock. */
static int
lock_state(struct apply *a, char **why)
{
	const char *dir = a->o->state_dir;
	long holder = 0;
	char *lock;
	int r = 0;

	if (fileio_mkdirs(dir, 0700) < 0)
		return seterr(why, "%s: %s", dir, strerror(errno));
	lock = xasprintf("%s/%s", dir, STATE_LOCK);
	if ((a->lockfd = fileio_lock(lock, a->o->lock_wait, &holder)) < 0) {
		if (errno == EWOULDBLOCK)
			r = seterr(why, "another mailprov (pid %ld) holds %s; "
			    "nothing was changed", holder, lock);
		else
			r = seterr(why, "cannot lock %s: %s", lock,
			    strerror(errno));
	}
	free(lock);
	return r;
}

/*
 * remove_stale - what a run killed in the middle left: temporary files
 * beside the managed files and its check directories.  Only a run that
 * holds the lock makes them, and this one holds it now.
 */
static void
remove_stale(const struct plan *p, const char *state_dir)
{
	int i, n = 0;

	for (i = 0; i < PLAN_NFILES; i++)
		if (p->f[i].managed && p->f[i].path != NULL)
			n += fileio_remove_stale(p->f[i].path);
	n += fileio_remove_stale(p->marker);
	if (p->link.managed)
		n += fileio_remove_stale(p->link.path);
	n += candidate_remove_stale(state_dir);
	n += history_remove_stale(state_dir);
	if (n > 0)
		msg_info("removed %d temporary file%s left by an interrupted "
		    "run", n, n == 1 ? "" : "s");
}

/* check - sendmail accepts the candidate and routes as desired. */
static int
check(const struct apply *a, char **why)
{
	const struct apply_opts *o = a->o;
	struct candidate_opts co;

	if (!o->validate || (!plan_needs_refresh(a->p) &&
	    !a->p->f[PLAN_ALIASES].changed && !a->p->link.changed))
		return 0;
	if (a->p->f[PLAN_ACCESS].changed && access(DEF_MAKEMAP, X_OK) < 0)
		return seterr(why, "%s is not there to rebuild the access map "
		    "(%s); nothing was changed", DEF_MAKEMAP, strerror(errno));
	if (access(a->p->binary, X_OK) < 0)
		return seterr(why, "%s is not there to check the new "
		    "sendmail.cf (%s); nothing was changed (use --no-validate "
		    "to apply unchecked)", a->p->binary, strerror(errno));
	co.root = o->root;
	co.state_dir = o->state_dir;
	co.sendmail = a->p->binary;
	co.timeout_ms = o->timeout_ms;
	if (candidate_check(a->ds, a->p, &co, why) < 0)
		return -1;
	msg_info("sendmail accepts the new configuration and routes as "
	    "desired%s", a->p->tls ? ", and offers STARTTLS with it" : "");
	return 0;
}

/* ------------------------------------------------------------- write */

/* block_signals - from here to the end of a rollback, signals wait. */
static void
block_signals(struct apply *a)
{
	sigset_t crit;

	sigemptyset(&crit);
	sigaddset(&crit, SIGINT);
	sigaddset(&crit, SIGTERM);
	sigaddset(&crit, SIGHUP);
	sigaddset(&crit, SIGQUIT);
	sigprocmask(SIG_BLOCK, &crit, &a->oldmask);
	a->masked = 1;
}

/* remove_one - a restore to before a file existed: it goes. */
static int
remove_one(struct apply *a, struct plan_file *f, char **why)
{
	int r = fileio_remove(f->path);

	if (r < 0 && r != FILEIO_UNSYNCED)
		return seterr(why, "removing %s: %s", f->label,
		    strerror(errno));
	f->replaced = 1;	/* the rollback writes its old bytes back */
	if (r == FILEIO_UNSYNCED)
		return seterr(why, "removing %s: syncing its directory: %s",
		    f->label, strerror(errno));
	msg_info("removed %s (backup %s)", f->label,
	    fileio_inside(a->o->root, f->backup));
	return 0;
}

/* replace_one - back up and replace one changed file. */
static int
replace_one(struct apply *a, struct plan_file *f, char **why)
{
	const struct stat *like = f->exists ? &f->st : NULL;
	struct stat newst;
	int r;

	if (f->exists && fileio_backup(f->path, a->stamp, &f->backup) < 0)
		return seterr(why, "backing up %s: %s", f->label,
		    strerror(errno));
	/* A password in the old bytes stays root's in the backup. */
	if (f->backup != NULL && f == &a->p->f[PLAN_ACCESS] &&
	    accessfile_has_authinfo(f->old, f->oldlen) &&
	    chmod(f->backup, f->st.st_mode & 0600) < 0)
		return seterr(why, "chmod %s: %s", fileio_inside(a->o->root,
		    f->backup), strerror(errno));
	if (f->remove)
		return remove_one(a, f, why);
	if (!f->exists) {
		/* A new file takes the owner of sendmail.cf, mode 0644. */
		newst = a->p->f[PLAN_SENDMAIL_CF].st;
		newst.st_mode = 0644;
		like = &newst;
	}
	if (f == &a->p->f[PLAN_ACCESS] && a->p->access_secret &&
	    (!f->exists || a->p->access_tighten)) {
		/* It holds a password: root's alone. */
		newst = *like;
		newst.st_uid = 0;
		newst.st_mode = 0600;
		like = &newst;
	}
	if ((r = fileio_replace(f->path, f->new.s, f->new.len, like)) < 0) {
		/* In place but not synced: undone with the others. */
		if (r == FILEIO_UNSYNCED)
			f->replaced = 1;
		return seterr(why, "writing %s: %s%s", f->label,
		    r == FILEIO_UNSYNCED ? "syncing its directory: " : "",
		    strerror(errno));
	}
	f->replaced = 1;
	if (f->backup)
		msg_info("wrote %s (backup %s)", f->label,
		    fileio_inside(a->o->root, f->backup));
	else
		msg_info("wrote %s (new file)", f->label);
	return 0;
}

/* newaliases - sendmail -bi for the aliases file of the plan. */
static int
newaliases(const struct apply *a, char **why)
{
	return sendmail_newaliases(a->p->binary,
	    a->p->f[PLAN_SENDMAIL_CF].path, a->p->f[PLAN_ALIASES].path,
	    a->o->timeout_ms, why);
}

/*
 * makemap - rebuild the access map from its source file; a map that was
 * not there before is remembered, for a rollback to remove.
 */
static int
makemap(struct apply *a, char **why)
{
	const struct plan_file *f = &a->p->f[PLAN_ACCESS];
	char *db = plan_access_db(a->p);

	int r;

	if (access(db, F_OK) < 0 && errno == ENOENT)
		a->p->access_db_made = 1;
	/* makemap rewrites a map in place, keeping its mode: a map about
	 * to hold a password is root's alone before it does. */
	else if (a->p->access_secret && chmod(db, 0600) < 0) {
		r = seterr(why, "chmod 0600 %s: %s", fileio_inside(a->o->root,
		    db), strerror(errno));
		free(db);
		return r;
	}
	r = sendmail_makemap(DEF_MAKEMAP, a->p->f[PLAN_SENDMAIL_CF].path,
	    a->p->map_class, f->path, a->o->timeout_ms, why);
	/* A map holding a password is for its owner alone. */
	if (r == 0 && a->p->access_secret && chmod(db, 0600) < 0)
		r = seterr(why, "chmod 0600 %s: %s", fileio_inside(a->o->root,
		    db), strerror(errno));
	free(db);
	return r;
}

/*
 * write_files - each changed file in order (sendmail.cf last), the
 * databases, then the link: the program that reads them.
 */
static int
write_files(struct apply *a, char **why)
{
	static const int order[] = { PLAN_LOCAL_HOST_NAMES,
	    PLAN_RELAY_DOMAINS, PLAN_ALIASES, PLAN_ACCESS, PLAN_SENDMAIL_CF };
	size_t i;

	fileio_stamp(time(NULL), a->stamp, sizeof(a->stamp));
	for (i = 0; i < PLAN_NFILES; i++) {
		struct plan_file *f = &a->p->f[order[i]];

		if (f->changed && replace_one(a, f, why) < 0)
			return -1;
	}
	if (plan_needs_rebuild(a->p) && newaliases(a, why) < 0)
		return -1;
	/* An interrupted run may have left the map older than its source. */
	if ((a->p->f[PLAN_ACCESS].changed || (a->p->interrupted &&
	    a->p->f[PLAN_ACCESS].managed && a->p->f[PLAN_ACCESS].exists &&
	    a->p->map_class != NULL)) &&
	    makemap(a, why) < 0)
		return -1;
	if (program_replace(&a->p->link, why) < 0)
		return -1;
	if (a->p->link.changed)
		msg_info("linked %s to %s (it pointed at %s)",
		    a->p->link.label, a->p->link.want, a->p->link.old ?
		    a->p->link.old : "nothing");
	return 0;
}

/* run_service - RUN steps, their verification, then the boot line. */
static int
run_service(struct apply *a, char **why)
{
	const struct desired *ds = a->ds;
	struct plan *p = a->p;
	struct service_checks v = a->o->verify;

	if (!p->svc.managed) {
		if (plan_needs_restart(p))
			msg_info("no service section: sendmail must now be "
			    "restarted on the new program (stopsrc -s "
			    "sendmail; startsrc -s sendmail)");
		else if (plan_needs_refresh(p))
			msg_info("no service section: sendmail must now "
			    "re-read its configuration (refresh -s sendmail)");
		return 0;
	}
	if (service_apply(a->o->src, ds, &p->svc, SERVICE_PHASE_RUN,
	    &p->src_done, why) < 0)
		return -1;
	v.cf = p->f[PLAN_SENDMAIL_CF].path;	/* -bv: the cf under the root */
	if (v.sendmail != NULL)
		v.sendmail = p->binary;
	v.timeout_ms = a->o->timeout_ms;
	v.starttls = p->tls;
	if (ds->service.state.v == SERVICE_RUNNING && (p->svc.n > 0 ||
	    plan_needs_refresh(p)) && service_verify(a->o->src, ds, &v,
	    why) < 0)
		return -1;
	/* Boot persistence only for a result that was verified. */
	return service_apply(a->o->src, ds, &p->svc, SERVICE_PHASE_BOOT,
	    &p->src_done, why);
}

/* ------------------------------------------------------ settle, undo */

/*
 * record - the generation of a run that changed files, written while the
 * marker exists (history.h); a run whose change cannot be recorded is
 * undone as any failed step.  A run that only finishes an interrupted
 * one (the killed run wrote files and left no generation) records the
 * files as they are now, unless the newest generation already holds
 * them (the run was killed after its record).
 */
static int
record(struct apply *a, char **why)
{
	struct history_note n;
	char *who = NULL;
	int r;

	if (a->o->who == NULL || (a->p->nchanged == 0 && !a->p->interrupted))
		return 0;
	memset(&n, 0, sizeof(n));
	n.who = a->o->who;
	if (a->p->nchanged == 0)
		n.who = who = xasprintf("%s, finishing an interrupted run",
		    a->o->who);
	n.unless_same = a->p->nchanged == 0;
	n.desired = a->ds->text;
	n.desired_len = a->ds->text_len;
	n.restored = a->o->restored;
	r = history_record(a->o->state_dir, a->p, &n, a->gen, why);
	free(who);
	if (r < 0)
		return -1;
	if (a->gen[0] != '\0')
		msg_info("recorded generation %s", a->gen);
	return 0;
}

/* commit - the caller's last step; its failure takes the record back. */
static int
commit(struct apply *a, char **why)
{
	if (a->o->commit == NULL || a->o->commit(a->o->commit_ctx, why) == 0)
		return 0;
	if (a->gen[0] != '\0')
		history_forget(a->o->state_dir, a->gen);
	return -1;
}

/*
 * settle - all agree: the marker goes, old backups and generations are
 * pruned (only now: a run undone keeps every generation it found).
 */
static void
settle(struct apply *a)
{
	int i;

	marker_clear(a);
	if (a->gen[0] != '\0')
		history_prune(a->o->state_dir, a->o->keep);
	for (i = 0; i < PLAN_NFILES; i++)
		if (a->p->f[i].changed && a->p->f[i].exists)
			fileio_prune_backups(a->p->f[i].path,
			    (size_t)a->o->keep);
}

/* rollback - put back every file already replaced; how many failed. */
static int
rollback(struct plan *p)
{
	char *why = NULL;
	int i, bad = 0, r;

	if (p->link.replaced) {
		if (program_restore(&p->link, &why) < 0) {
			msg_error("%s", why);
			bad++;
		} else
			msg_info("restored %s (it points at %s again)",
			    p->link.label, p->link.old ? p->link.old :
			    "nothing: removed");
		free(why);
	}
	for (i = PLAN_NFILES - 1; i >= 0; i--) {
		struct plan_file *f = &p->f[i];

		if (!f->replaced)
			continue;
		r = f->exists ? fileio_replace(f->path, f->old, f->oldlen,
		    &f->st) : unlink(f->path);
		if (r == FILEIO_UNSYNCED) {
			msg_warn("%s: the directory could not be synced after "
			    "the restore (%s)", f->label, strerror(errno));
			f->unsynced = 1;	/* its backup stays */
		}
		if (r < 0 && r != FILEIO_UNSYNCED) {
			msg_error("ROLLBACK FAILED for %s: %s; restore it from "
			    "%s", f->label, strerror(errno), f->backup ?
			    f->backup : "(no backup: it was new)");
			bad++;
		} else {
			f->replaced = 0;
			msg_info("%s %s", f->exists ? "restored" :
			    "removed the new file", f->label);
		}
	}
	return bad;
}

/*
 * drop_backups - the backups of files that hold their old bytes again: a
 * failed run leaves none behind (mailprovd retries a failing run every
 * interval, and each would add one per file).  A file the rollback could
 * not put back, or put back without its directory synced, keeps its
 * backup: it is the way back.
 */
static void
drop_backups(struct plan *p)
{
	int i;

	for (i = 0; i < PLAN_NFILES; i++) {
		struct plan_file *f = &p->f[i];

		if (f->backup == NULL || f->replaced || f->unsynced)
			continue;
		if (unlink(f->backup) < 0 && errno != ENOENT)
			msg_warn("cannot remove the backup %s: %s", f->backup,
			    strerror(errno));
		free(f->backup);
		f->backup = NULL;
	}
}

/* undo_service - sendmail may hold the new files: back to how it was. */
static int
undo_service(struct apply *a)
{
	struct plan *p = a->p;
	char *why = NULL;
	size_t k;
	int r = 0;

	if (!p->svc.managed)
		return 0;
	if (service_restore(a->o->src, a->ds, &p->svc, &why) < 0) {
		msg_error("%s", why);
		r = -1;
	}
	free(why);
	for (k = 0; k < p->src_done.n; k++)
		if (strncmp(p->src_done.v[k], "chssys", 6) == 0)
			msg_info("left in place: %s (the stored arguments are "
			    "the desired ones)", p->src_done.v[k]);
	return r;
}

/*
 * rebuild_restored - the databases of restored files, built again from
 * the old bytes; 0 when files and databases agree again.
 */
static int
rebuild_restored(struct apply *a)
{
	struct plan *p = a->p;
	struct plan_file *al = &p->f[PLAN_ALIASES], *ac = &p->f[PLAN_ACCESS];
	char *why = NULL;
	int r, settled = 0;

	if (ac->changed && ac->exists && !ac->replaced && ac->backup != NULL &&
	    makemap(a, &why) < 0) {
		msg_error("%s", why);
		settled = -1;
	} else if (ac->changed && !ac->exists && p->access_db_made) {
		char *db = plan_access_db(p);	/* the map of a removed file */

		if (unlink(db) == 0)
			msg_info("removed the new map %s", fileio_inside(
			    a->o->root, db));
		free(db);
	}
	free(why);
	why = NULL;
	if (al->changed && al->exists && !al->replaced &&
	    al->backup != NULL && (r = newaliases(a, &why)) < 0) {
		/*
		 * The database may have been rebuilt from the new file.  If
		 * sendmail refuses the old file, back in place, a later run
		 * could not rebuild from it either: the marker goes all the
		 * same.  If it could not run now, the next run tries again.
		 */
		msg_error("%s", why);
		if (r == SENDMAIL_REFUSED)
			msg_error("the old %s is back in place, but sendmail "
			    "cannot build its alias database either: the old "
			    "aliases file itself is unusable; mend it and run "
			    "sendmail -bi", al->label);
		else
			settled = -1;
	}
	free(why);
	return settled;
}

/* undo - the run failed after its first write: put everything back. */
static void
undo(struct apply *a, const char *reason)
{
	struct plan *p = a->p;
	/* An earlier interruption is not mended by going back to it. */
	int settled = !p->interrupted;

	msg_error("%s", reason);
	if (p->nchanged > 0 || p->link.replaced)
		msg_info("rolling back the files this run changed");
	if (rollback(p) != 0 || rebuild_restored(a) < 0)
		settled = 0;
	drop_backups(p);
	if (undo_service(a) < 0)
		settled = 0;
	if (settled)
		marker_clear(a);
}

/* ------------------------------------------------------------- apply */

void
apply_plan_env(const struct apply_opts *o, struct plan_env *env)
{
	memset(env, 0, sizeof(*env));
	env->root = o->root;
	env->state_dir = o->state_dir;
	env->src = o->src;
	env->sendmail = o->sendmail;
	env->timeout_ms = o->timeout_ms;
}

int
apply_run(const struct desired *ds, const struct apply_opts *o,
    struct plan *p, char **why)
{
	struct apply a;
	struct plan_env env;
	size_t i;
	int r = -1;

	memset(&a, 0, sizeof(a));
	memset(p, 0, sizeof(*p));
	a.ds = ds, a.o = o, a.p = p, a.lockfd = -1;
	*why = NULL;
	if (lock_state(&a, why) < 0)
		return -1;
	apply_plan_env(o, &env);
	if ((o->target ? plan_build_target(ds, &env, o->target, p, why) :
	    plan_build(ds, &env, p, why)) < 0)
		goto out;
	if (o->audit) {		/* the caller records what differs */
		r = 0;
		goto out;
	}
	remove_stale(p, o->state_dir);
	for (i = 0; i < p->warnings.n; i++)
		msg_warn("warning: %s", p->warnings.v[i]);
	for (i = 0; i < p->notes.n; i++)
		msg_info("note: %s", p->notes.v[i]);
	if (p->have_caps) {
		struct sbuf d = { 0 };

		smcaps_describe(&p->caps, &d);
		msg_info("%s", d.s);
		sbuf_free(&d);
	}
	if (!plan_pending(p)) {
		msg_info("no changes");
		r = o->commit != NULL ? o->commit(o->commit_ctx, why) : 0;
		goto out;
	}
	if (check(&a, why) < 0)
		goto out;
	block_signals(&a);
	if (marker_set(&a, why) < 0)
		goto out;
	if (write_files(&a, why) < 0 || run_service(&a, why) < 0 ||
	    record(&a, why) < 0 || commit(&a, why) < 0) {
		undo(&a, *why);
		goto out;
	}
	settle(&a);
	r = 0;
out:
	if (a.masked)
		sigprocmask(SIG_SETMASK, &a.oldmask, NULL);
	if (a.lockfd >= 0)
		close(a.lockfd);
	return r;
}
