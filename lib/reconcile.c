/*
 * reconcile.c - plan and apply the desired state to the mail files.
 *
 * Contract: see reconcile.h.  Order of writes: the list files and the
 * aliases first, sendmail.cf last, so a cf that names a file never comes
 * into force before that file holds what it should.  The candidate
 * configuration is checked as a set: a private copy of the new cf whose F
 * lines read private copies of the new list files, so sendmail answers
 * for exactly what is about to be written.
 */
#include "reconcile.h"
#include "aliases.h"
#include "diff.h"
#include "fileio.h"
#include "listfile.h"
#include "names.h"
#include "proc.h"
#include "smcheck.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_LHN	"/etc/mail/local-host-names"
#define DEFAULT_RELAY	"/etc/mail/relay-domains"
#define DEFAULT_ALIASES	"/etc/mail/aliases"
#define REBUILD_TIMEOUT_MS	120000


/*
 * load_file - resolve path inside root and read it; a missing file is
 * empty and not "exists".
 */
static int
load_file(struct rc_file *f, const char *root, const char *inner, char **err)
{
	const char *why;

	if ((why = names_check_abspath(inner)) != NULL)
		return seterr(err, "%s: path %s", inner, why);
	if ((f->path = fileio_resolve(root, inner)) == NULL)
		return seterr(err, "%s: cannot follow links: %s", inner,
		    strerror(errno));
	f->label = f->path + strlen(root);
	f->managed = 1;
	if (fileio_read(f->path, RC_MAX_FILE, FILEIO_NOFOLLOW, &f->old,
	    &f->oldlen) < 0) {
		if (errno != ENOENT)
			return seterr(err, "%s: cannot read: %s", f->label,
			    strerror(errno));
		f->old = xstrdup("");
		f->oldlen = 0;
		return 0;
	}
	f->exists = 1;
	/* The editors work on text: a NUL byte means this is not the file. */
	if (memchr(f->old, '\0', f->oldlen) != NULL)
		return seterr(err, "%s holds NUL bytes: not a text file, not "
		    "touched", f->label);
	if (stat(f->path, &f->st) < 0)
		return seterr(err, "%s: %s", f->label, strerror(errno));
	return 0;
}

/* finish - decide whether f changes (same: known to stay as it is). */
static void
finish(struct rc_plan *p, struct rc_file *f, int same)
{
	sbuf_add(&f->new, "", 0);
	if (same || (!f->exists && f->new.len == 0))
		f->changed = 0;		/* nothing to create */
	else
		f->changed = !f->exists || f->new.len != f->oldlen ||
		    memcmp(f->new.s, f->old, f->oldlen) != 0;
	p->nchanged += f->changed;
}

/*
 * same_file - two managed roles on one file (Fw and FR naming the same
 * list, AliasFile naming sendmail.cf) would be written twice, each time
 * with the other's content: refuse.
 */
static int
same_file(const struct rc_plan *p, char **err)
{
	static const char *const role[RC_NKINDS] = { "local-host-names (Fw)",
	    "relay-domains (FR)", "aliases (AliasFile)", "sendmail.cf" };
	const struct rc_file *a, *b;
	size_t i, j;

	for (i = 0; i < RC_NKINDS; i++)
		for (j = i + 1; j < RC_NKINDS; j++) {
			a = &p->f[i], b = &p->f[j];
			if (!a->managed || !b->managed)
				continue;
			if (strcmp(a->path, b->path) == 0 || (a->exists &&
			    b->exists && a->st.st_dev == b->st.st_dev &&
			    a->st.st_ino == b->st.st_ino))
				return seterr(err, "%s and %s are the same file, "
				    "%s; give each its own file", role[i],
				    role[j], a->label);
		}
	return 0;
}

/* edit_cf - every sendmail.cf edit the desired state asks for. */
static int
edit_cf(const struct desired *ds, struct cf *cf, struct rc_plan *p,
    char **lhn, char **relay, char **err)
{
	const struct desired_sendmail *sm = &ds->sendmail;
	int r;

	if (sm->hostname.v != NULL) {
		cf_set_macro(cf, "w", sm->hostname.v);
		cf_set_macro(cf, "m", sm->domain.v);
	}
	if (sm->fqdn.v != NULL)
		cf_set_macro(cf, "j", sm->fqdn.v);
	if (sm->smart_host.v != NULL)
		cf_set_macro(cf, "S", sm->smart_host.v);
	if (sm->accept_names.set) {
		p->errpos = sm->accept_names.at;
		if (cf_ensure_class_file(cf, 'w', DEFAULT_LHN, lhn) < 0)
			return seterr(err, "%s %s", p->f[RC_CF].label, cf->err);
		cf_restrict_class(cf, 'w', &sm->accept_names.l);
	}
	p->errpos = sm->relay_domains.at;
	if (sm->relay_domains.set &&
	    cf_ensure_class_file(cf, 'R', DEFAULT_RELAY, relay) < 0)
		return seterr(err, "%s %s", p->f[RC_CF].label, cf->err);
	if (sm->relay_all.set) {
		r = cf_relay_all(cf, sm->relay_all.v, &p->shape);
		p->errpos = sm->relay_all.at;
		if (r < 0)
			return seterr(err, "sendmail.relay_all is true, but in %s "
			    "%s", p->f[RC_CF].label, cf->err);
		p->errpos = sm->smart_host.at;
		if (sm->relay_all.v && p->shape == CF_RELAY_DIRECT &&
		    sm->smart_host.v != NULL &&
		    strchr(sm->smart_host.v, ':') != NULL &&
		    sm->smart_host.v[0] != '[')
			return seterr(err, "smart_host '%s' names a mailer, but "
			    "this sendmail.cf forwards all mail with a rule "
			    "that takes $S as a host name; write the host "
			    "alone, as [host]", sm->smart_host.v);
	}
	return 0;
}

int
rc_plan_build(const struct desired *ds, const char *root, struct rc_plan *p,
    char **err)
{
	const struct desired_sendmail *sm = &ds->sendmail;
	struct rc_file *f;
	struct cf *cf;
	char *lhn = NULL, *relay = NULL, *afile, *marker;
	size_t i;
	int r = -1, same = 0, loaded;

	memset(p, 0, sizeof(*p));
	*err = NULL;
	if (!sm->sect.set)
		return 0;
	marker = xasprintf("%s%s", root, RC_MARKER);
	p->interrupted = access(marker, F_OK) == 0;
	free(marker);
	f = &p->f[RC_CF];
	if (load_file(f, root, sm->config.v, err) < 0)
		return -1;
	if (!f->exists)
		return seterr(err, "%s: cannot read: %s", f->label,
		    strerror(ENOENT));
	cf = cf_parse(f->old, f->oldlen);
	if (edit_cf(ds, cf, p, &lhn, &relay, err) < 0)
		goto out;
	memset(&p->errpos, 0, sizeof(p->errpos));
	cf_serialize(cf, &f->new);
	for (i = 0; i < cf->notes.n; i++)
		strlist_push(&p->notes, cf->notes.v[i]);
	if (sm->accept_names.set) {
		f = &p->f[RC_LHN];
		if (load_file(f, root, lhn, err) < 0)
			goto out;
		listfile_edit(f->old, f->oldlen, &sm->accept_names.l, &f->new);
	}
	if (sm->relay_domains.set) {
		f = &p->f[RC_RELAY];
		if (load_file(f, root, relay, err) < 0)
			goto out;
		listfile_edit(f->old, f->oldlen, &sm->relay_domains.l, &f->new);
	}
	if (sm->aliases.entries_sect.set) {
		f = &p->f[RC_ALIASES];
		afile = cf_alias_file(cf);
		loaded = load_file(f, root, afile ? afile : DEFAULT_ALIASES, err);
		free(afile);
		if (loaded < 0)
			goto out;
		same = !aliases_edit(f->old, f->oldlen, &sm->aliases,
		    &f->new, &p->notes);
	}
	if (same_file(p, err) < 0)
		goto out;
	for (i = 0; i < RC_NKINDS; i++)
		if (p->f[i].managed)
			finish(p, &p->f[i], i == RC_ALIASES && same);
	r = 0;
out:
	free(lhn);
	free(relay);
	cf_free(cf);
	return r;
}

void
rc_plan_print(const struct rc_plan *p, FILE *out)
{
	static const int order[] = { RC_CF, RC_LHN, RC_RELAY, RC_ALIASES };
	struct sbuf d = { 0 }, a = { 0 }, b = { 0 };
	size_t i;

	for (i = 0; i < RC_NKINDS; i++) {
		const struct rc_file *f = &p->f[order[i]];

		if (!f->changed)
			continue;
		d.len = a.len = b.len = 0;
		sbuf_addf(&a, "a%s", f->label);
		sbuf_addf(&b, "b%s", f->label);
		if (!f->exists)
			fprintf(out, "# new file %s\n", f->label);
		diff_unified(&d, a.s, b.s, f->old, f->oldlen, f->new.s,
		    f->new.len, 3);
		fputs(d.s ? d.s : "", out);
	}
	for (i = 0; i < p->notes.n; i++)
		fprintf(out, "note: %s\n", p->notes.v[i]);
	if (p->interrupted)
		fprintf(out, "note: an earlier apply was interrupted (%s "
		    "exists): the alias database is rebuilt and sendmail "
		    "re-reads its configuration\n", RC_MARKER);
	if (rc_rebuild_needed(p))
		fprintf(out, "action: rebuild the alias database "
		    "(sendmail -bi)\n");
	sbuf_free(&d);
	sbuf_free(&a);
	sbuf_free(&b);
}

int
rc_mail_changed(const struct rc_plan *p)
{
	return p->f[RC_CF].changed || p->f[RC_LHN].changed ||
	    p->f[RC_RELAY].changed || p->interrupted;
}

int
rc_rebuild_needed(const struct rc_plan *p)
{
	return p->f[RC_ALIASES].changed || (p->interrupted &&
	    p->f[RC_ALIASES].managed);
}

void
rc_plan_free(struct rc_plan *p)
{
	size_t i;

	for (i = 0; i < RC_NKINDS; i++) {
		free(p->f[i].path);
		free(p->f[i].old);
		free(p->f[i].backup);
		sbuf_free(&p->f[i].new);
	}
	strlist_clear(&p->notes);
	strlist_clear(&p->src_done);
	memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------------- checking */

/*
 * write_check_file - dir/name holding buf; path returned, or NULL with
 * the reason in *err.  The copies live in a new
 * private directory and are deleted after the check: nothing to sync.
 */
static char *
write_check_file(const char *root, const char *dir, const char *name,
    const char *buf, size_t len, char **err)
{
	struct sbuf path = { 0 };

	sbuf_addf(&path, "%s/%s", dir, name);
	if (fileio_create(path.s, buf, len) < 0) {
		seterr(err, "writing the check copy %s: %s", path.s +
		    strlen(root), strerror(errno));
		sbuf_free(&path);
		return NULL;
	}
	return path.s;
}

/*
 * remove_check_dir - a check directory and the copies in it; 0 when it is
 * gone.  Also for the directories of a run killed during its check.
 */
static int
remove_check_dir(const char *dir)
{
	struct sbuf f = { 0 };
	struct dirent *de;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		f.len = 0;
		sbuf_addf(&f, "%s/%s", dir, de->d_name);
		unlink(f.s);
	}
	closedir(dp);
	sbuf_free(&f);
	return rmdir(dir);
}

/*
 * check_candidate - build the private copy of the new configuration and
 * ask sendmail about it.
 */
static int
check_candidate(const struct desired *ds, const struct rc_opts *o,
    const struct rc_plan *p, char **err)
{
	const struct desired_sendmail *sm = &ds->sendmail;
	struct smcheck_want w;
	struct smcheck_seen seen;
	struct sbuf dir = { 0 }, local = { 0 }, domain = { 0 }, cfbuf = { 0 };
	struct cf *cf = NULL;
	char *lpath = NULL, *rpath = NULL, *cpath = NULL, *why = NULL;
	int r = -1;

	sbuf_addf(&dir, "%s/var/mailprov", o->root);
	if (fileio_mkdirs(dir.s, 0700) < 0)
		return seterr(err, "%s: %s", dir.s, strerror(errno));
	sbuf_adds(&dir, "/check.XXXXXX");
	if (mkdtemp(dir.s) == NULL) {
		r = seterr(err, "cannot make a check directory in "
		    "%s/var/mailprov: %s", o->root, strerror(errno));
		sbuf_free(&dir);
		return r;
	}
	cf = cf_parse(p->f[RC_CF].new.s, p->f[RC_CF].new.len);
	if (p->f[RC_LHN].managed)
		lpath = write_check_file(o->root, dir.s, "local-host-names",
		    p->f[RC_LHN].new.s, p->f[RC_LHN].new.len, err);
	if (p->f[RC_RELAY].managed && *err == NULL)
		rpath = write_check_file(o->root, dir.s, "relay-domains",
		    p->f[RC_RELAY].new.s, p->f[RC_RELAY].new.len, err);
	if (*err != NULL)
		goto out;
	if (lpath != NULL)
		cf_point_class_file(cf, 'w', lpath);
	if (rpath != NULL)
		cf_point_class_file(cf, 'R', rpath);
	cf_serialize(cf, &cfbuf);
	if ((cpath = write_check_file(o->root, dir.s, "sendmail.cf", cfbuf.s,
	    cfbuf.len, err)) == NULL)
		goto out;
	memset(&w, 0, sizeof(w));
	w.hostname = sm->hostname.v;
	w.domain = sm->domain.v;
	w.fqdn = sm->fqdn.v;
	w.smart_host = sm->smart_host.v;
	w.accept_names = sm->accept_names.set ? &sm->accept_names.l : NULL;
	w.relay_all = sm->relay_all.set && sm->relay_all.v;
	if (sm->hostname.v != NULL) {
		sbuf_addf(&local, "root@%s.%s", sm->hostname.v, sm->domain.v);
		w.local_addr = local.s;
		sbuf_addf(&domain, "someone@mailprov-check.%s", sm->domain.v);
		w.domain_addr = domain.s;
	}
	if (smcheck_run(o->sendmail, cpath, o->timeout_ms, &w, &seen, &why) < 0)
		r = seterr(err, "%s: %s", p->f[RC_CF].label, why);
	else
		r = 0;
	smcheck_seen_free(&seen);
	free(why);
out:
	remove_check_dir(dir.s);
	free(cpath), free(lpath), free(rpath);
	cf_free(cf);
	sbuf_free(&cfbuf), sbuf_free(&dir), sbuf_free(&local);
	sbuf_free(&domain);
	return r;
}

/* ------------------------------------------------------------- applying */

/*
 * remove_stale - what a run killed in the middle left: temporary files
 * beside the managed files and its check directories.  Only a run that
 * holds the lock makes them, and the caller holds it now.
 */
static void
remove_stale(const struct rc_opts *o, const struct rc_plan *p,
    const char *marker)
{
	struct sbuf dir = { 0 }, sub = { 0 };
	struct dirent *de;
	DIR *dp;
	int i, n = 0;

	for (i = 0; i < RC_NKINDS; i++)
		if (p->f[i].managed && p->f[i].path != NULL)
			n += fileio_remove_stale(p->f[i].path);
	n += fileio_remove_stale(marker);
	sbuf_addf(&dir, "%s/var/mailprov", o->root);
	if ((dp = opendir(dir.s)) != NULL) {
		while ((de = readdir(dp)) != NULL) {
			if (strncmp(de->d_name, "check.", 6) != 0 ||
			    strlen(de->d_name) != 12)
				continue;
			sub.len = 0;
			sbuf_addf(&sub, "%s/%s", dir.s, de->d_name);
			if (remove_check_dir(sub.s) == 0)
				n++;
		}
		closedir(dp);
	}
	if (n > 0)
		fprintf(o->out, "mailprov: removed %d temporary file%s left by "
		    "an interrupted run\n", n, n == 1 ? "" : "s");
	sbuf_free(&dir), sbuf_free(&sub);
}

/* rollback - put back every file already replaced; how many failed. */
static int
rollback(struct rc_plan *p, FILE *out)
{
	int i, bad = 0;

	for (i = RC_NKINDS - 1; i >= 0; i--) {
		struct rc_file *f = &p->f[i];
		int rr;

		if (!f->replaced)
			continue;
		rr = f->exists ? fileio_replace(f->path, f->old, f->oldlen,
		    &f->st) : unlink(f->path);
		if (rr == FILEIO_UNSYNCED)
			fprintf(out, "mailprov: %s: the directory could not be "
			    "synced after the restore (%s)\n", f->label,
			    strerror(errno));
		if (rr < 0 && rr != FILEIO_UNSYNCED) {
			fprintf(out, "mailprov: ROLLBACK FAILED for %s: %s; "
			    "restore it from %s\n", f->label, strerror(errno),
			    f->backup ? f->backup : "(no backup: it was new)");
			bad++;
		} else {
			f->replaced = 0;
			fprintf(out, "mailprov: %s %s\n", f->exists ? "restored" :
			    "removed the new file", f->label);
		}
	}
	return bad;
}

/* has_line_prefix - some line of text starts with pre and holds mid. */
static int
has_line_prefix(const char *text, const char *pre, const char *mid)
{
	const char *p = text, *nl;
	size_t pl = strlen(pre);

	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (strncmp(p, pre, pl) == 0) {
			char *ln = xstrndup(p, (size_t)(nl - p));
			int ok = strstr(ln, mid) != NULL;

			free(ln);
			if (ok)
				return 1;
		}
		if (*nl == '\0')
			break;
	}
	return 0;
}

/* rebuild_aliases - sendmail -bi for the aliases file under root. */
static int
rebuild_aliases(const struct rc_opts *o, const struct rc_plan *p, char **err)
{
	struct proc_result r;
	struct sbuf oa = { 0 }, want = { 0 };
	char *argv[6], desc[64];
	int rc, limit = o->timeout_ms > 0 ? o->timeout_ms : REBUILD_TIMEOUT_MS;
	int waited = 0;

	sbuf_addf(&oa, "-oA%s", p->f[RC_ALIASES].path);
	argv[0] = xstrdup(o->sendmail);
	argv[1] = xstrdup("-C");
	argv[2] = xstrdup(p->f[RC_CF].path);
	argv[3] = xstrdup("-bi");
	argv[4] = oa.s;
	argv[5] = NULL;
again:
	if (proc_run(argv, NULL, 0, limit - waited, &r) < 0)
		rc = seterr(err, "rebuilding the alias database: cannot run "
		    "%s: %s", o->sendmail, strerror(errno));
	else {
		/*
		 * sendmail -bi can exit 0 having built nothing ("cannot open
		 * ..."): success is its "PATH: N aliases" line for our file.
		 */
		want.len = 0;
		sbuf_addf(&want, "%s: ", p->f[RC_ALIASES].path);
		/*
		 * Another sendmail is rebuilding it (one whose mailprov was
		 * killed, say): it says so and exits 0.  Wait for it, within
		 * the same time limit.
		 */
		if (!r.timed_out && r.status == 0 && waited + 1000 < limit &&
		    !has_line_prefix(r.out.s, want.s, " aliases,") &&
		    (strstr(r.err.s, "is locked") != NULL ||
		    strstr(r.out.s, "is locked") != NULL)) {
			proc_result_free(&r);
			sleep(1);
			waited += 1000;
			goto again;
		}
		if (r.timed_out)
			rc = seterr(err, "rebuilding the alias database: "
			    "sendmail -bi %s", proc_describe(&r, desc,
			    sizeof(desc)));
		else if (r.status != 0 ||
		    !has_line_prefix(r.out.s, want.s, " aliases,") ) {
			char *line = r.err.len ? r.err.s : r.out.s;

			line[strcspn(line, "\n")] = '\0';
			rc = seterr(err, "rebuilding the alias database (sendmail "
			    "-bi) failed, %s: %s", proc_describe(&r, desc,
			    sizeof(desc)), *line ? line : "no report of the "
			    "aliases file");
		} else
			rc = 0;
		proc_result_free(&r);
	}
	free(argv[0]), free(argv[1]), free(argv[2]), free(argv[3]);
	sbuf_free(&oa);
	sbuf_free(&want);
	return rc;
}

/* replace_one - back up and replace one changed file. */
static int
replace_one(const struct rc_opts *o, struct rc_plan *p, struct rc_file *f,
    const char *stamp, char **err)
{
	const struct stat *like = f->exists ? &f->st : NULL;
	struct stat newst;
	int r;

	if (f->exists && fileio_backup(f->path, stamp, &f->backup) < 0)
		return seterr(err, "backing up %s: %s", f->label,
		    strerror(errno));
	if (!f->exists) {
		/* A new file takes the owner of sendmail.cf, mode 0644. */
		newst = p->f[RC_CF].st;
		newst.st_mode = 0644;
		like = &newst;
	}
	if ((r = fileio_replace(f->path, f->new.s, f->new.len, like)) < 0) {
		/* In place but not synced: undone with the others. */
		if (r == FILEIO_UNSYNCED)
			f->replaced = 1;
		return seterr(err, "writing %s: %s%s", f->label,
		    r == FILEIO_UNSYNCED ? "syncing its directory: " : "",
		    strerror(errno));
	}
	f->replaced = 1;
	if (f->backup)
		fprintf(o->out, "mailprov: wrote %s (backup %s)\n", f->label,
		    f->backup + strlen(o->root));
	else
		fprintf(o->out, "mailprov: wrote %s (new file)\n", f->label);
	return 0;
}

int
rc_apply(const struct desired *ds, const struct rc_opts *o, struct rc_plan *p,
    char **err)
{
	static const int order[] = { RC_LHN, RC_RELAY, RC_ALIASES, RC_CF };
	struct sbuf lock = { 0 };
	char stamp[32];
	time_t now = time(NULL);
	long holder = 0;
	struct svc_plan sp;
	sigset_t crit, oldmask;
	char *marker = NULL;
	int fd, i, r = -1, masked = 0, settled;

	*err = NULL;
	memset(p, 0, sizeof(*p));
	memset(&sp, 0, sizeof(sp));
	sbuf_addf(&lock, "%s/var/mailprov", o->root);
	if (fileio_mkdirs(lock.s, 0700) < 0) {
		r = seterr(err, "%s: %s", lock.s, strerror(errno));
		sbuf_free(&lock);
		return r;
	}
	sbuf_adds(&lock, "/lock");
	if ((fd = fileio_lock(lock.s, o->lock_wait, &holder)) < 0) {
		if (errno == EWOULDBLOCK)
			r = seterr(err, "another mailprov (pid %ld) holds %s; "
			    "nothing was changed", holder, lock.s);
		else
			r = seterr(err, "cannot lock %s: %s", lock.s,
			    strerror(errno));
		sbuf_free(&lock);
		return r;
	}
	if (rc_plan_build(ds, o->root, p, err) < 0)
		goto out;
	marker = xasprintf("%s%s", o->root, RC_MARKER);
	remove_stale(o, p, marker);
	/* SRC is only read here: a missing subsystem stops us before writing. */
	if (ds->service.sect.set && svc_plan(o->src, ds, rc_mail_changed(p),
	    &sp, err) < 0)
		goto out;
	if (!rc_pending(p) && sp.n == 0) {
		fprintf(o->out, "mailprov: no changes\n");
		r = 0;
		goto out;
	}
	if (o->validate && rc_mail_changed(p)) {
		if (access(o->sendmail, X_OK) < 0) {
			seterr(err, "%s is not there to check the new "
			    "sendmail.cf (%s); nothing was changed (use "
			    "--no-validate to apply unchecked)", o->sendmail,
			    strerror(errno));
			goto out;
		}
		if (check_candidate(ds, o, p, err) < 0)
			goto out;
		fprintf(o->out, "mailprov: sendmail accepts the new "
		    "configuration and routes as desired\n");
	}
	(void)strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	/*
	 * From the first replacement to the end of a rollback, a SIGTERM or
	 * ^C waits: the set of files is never left half-applied by us.
	 */
	sigemptyset(&crit);
	sigaddset(&crit, SIGINT);
	sigaddset(&crit, SIGTERM);
	sigaddset(&crit, SIGHUP);
	sigaddset(&crit, SIGQUIT);
	sigprocmask(SIG_BLOCK, &crit, &oldmask);
	masked = 1;
	if (p->interrupted)
		fprintf(o->out, "mailprov: an earlier apply was interrupted: "
		    "the alias database is rebuilt and sendmail re-reads its "
		    "configuration\n");
	else if (fileio_replace(marker, "", 0, NULL) < 0) {
		seterr(err, "cannot write %s: %s; nothing was changed",
		    marker, strerror(errno));
		unlink(marker);
		goto out;
	}
	for (i = 0; i < RC_NKINDS; i++) {
		struct rc_file *f = &p->f[order[i]];

		if (f->changed && replace_one(o, p, f, stamp, err) < 0)
			goto undo;
	}
	if (rc_rebuild_needed(p) && rebuild_aliases(o, p, err) < 0)
		goto undo;
	if (sp.managed) {
		if (svc_apply(o->src, ds, &sp, SVC_PHASE_RUN, o->out,
		    &p->src_done, err) < 0)
			goto undo;
		struct svc_verify v = o->verify;

		v.cf = p->f[RC_CF].path;	/* -bv reads the cf under root */
		v.timeout_ms = o->timeout_ms;
		if (ds->service.state.v == SERVICE_RUNNING &&
		    (sp.n > 0 || rc_mail_changed(p)) &&
		    svc_verify(o->src, ds, &v, o->out, err) < 0)
			goto undo;
		/* Boot persistence only for a result that was verified. */
		if (svc_apply(o->src, ds, &sp, SVC_PHASE_BOOT, o->out,
		    &p->src_done, err) < 0)
			goto undo;
	} else if (rc_mail_changed(p))
		fprintf(o->out, "mailprov: no service section: sendmail must "
		    "now re-read its configuration (refresh -s sendmail)\n");
	/* Files, database and subsystem agree: no recovery needed. */
	unlink(marker);
	for (i = 0; i < RC_NKINDS; i++)
		if (p->f[i].changed && p->f[i].exists)
			fileio_prune_backups(p->f[i].path, (size_t)o->keep);
	r = 0;
	goto out;
undo:
	fprintf(o->out, "mailprov: %s\n", *err);
	if (p->nchanged > 0)
		fprintf(o->out, "mailprov: rolling back the files this run "
		    "changed\n");
	/* An earlier interruption is not mended by going back to it. */
	settled = !p->interrupted;
	if (rollback(p, o->out) != 0)
		settled = 0;
	else if (p->f[RC_ALIASES].changed && p->f[RC_ALIASES].exists &&
	    !p->f[RC_ALIASES].replaced) {
		char *e2 = NULL;

		/* The database may have been rebuilt from the new file. */
		if (p->f[RC_ALIASES].backup != NULL &&
		    rebuild_aliases(o, p, &e2) < 0) {
			fprintf(o->out, "mailprov: %s\n", e2);
			settled = 0;
		}
		free(e2);
	}
	if (sp.managed) {
		char *e2 = NULL;
		size_t k;

		/* sendmail may hold the new files: back to how it was. */
		if (svc_restore(o->src, ds, &sp, o->out, &e2) < 0) {
			fprintf(o->out, "mailprov: %s\n", e2);
			settled = 0;
		}
		free(e2);
		for (k = 0; k < p->src_done.n; k++)
			if (strncmp(p->src_done.v[k], "chssys", 6) == 0)
				fprintf(o->out, "mailprov: left in place: %s "
				    "(the stored arguments are the desired "
				    "ones)\n", p->src_done.v[k]);
	}
	if (settled)
		unlink(marker);
out:
	if (masked)
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
	close(fd);
	free(marker);
	sbuf_free(&lock);
	return r;
}
