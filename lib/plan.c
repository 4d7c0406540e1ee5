/*
 * plan.c - current files + desired state -> new bytes; SRC -> steps.
 *
 * Contract: see plan.h.  Every edit is one of the lossless editors (cf,
 * listfile, aliases): a byte outside the lines mailprov manages stays as
 * it was.  Two roles on one file are refused here, before anything is
 * written.
 */
#include "plan.h"
#include "accessfile.h"
#include "aliases.h"
#include "plantls.h"
#include "diff.h"
#include "fileio.h"
#include "listfile.h"
#include "names.h"
#include "paths.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* resolve - f is managed, at inner resolved inside root. */
static int
resolve(struct plan_file *f, const char *root, const char *inner, char **why)
{
	const char *bad;

	if ((bad = names_check_abspath(inner)) != NULL)
		return seterr(why, "%s: path %s", inner, bad);
	if ((f->path = fileio_resolve(root, inner)) == NULL)
		return seterr(why, "%s: cannot follow links: %s", inner,
		    strerror(errno));
	f->label = f->path + strlen(root);
	f->managed = 1;
	return 0;
}

/*
 * as_if - f's bytes from t when it names f (absent: a missing file): 1;
 * 0: it does not name f (or there is no t).
 */
static int
as_if(const struct plan_target *t, struct plan_file *f)
{
	size_t i;

	for (i = 0; t != NULL && i < PLAN_NFILES; i++) {
		const char *l = t->f[i].label;

		if (l == NULL || strcmp(l, f->label) != 0)
			continue;
		f->exists = !t->f[i].absent;
		f->oldlen = f->exists ? t->f[i].len : 0;
		f->old = xmalloc(f->oldlen + 1);
		memcpy(f->old, f->exists ? t->f[i].bytes : "", f->oldlen);
		f->old[f->oldlen] = '\0';
		/* Its identity (same_file) is the real file's, if any. */
		if (stat(f->path, &f->st) < 0)
			memset(&f->st, 0, sizeof(f->st));
		return 1;
	}
	return 0;
}

/* read_file - f's bytes; a missing file is empty and not "exists". */
static int
read_file(const struct plan *p, struct plan_file *f, char **why)
{
	if (as_if(p->as_if, f))
		return 0;
	if (fileio_read(f->path, PLAN_MAX_FILE, FILEIO_NOFOLLOW, &f->old,
	    &f->oldlen) < 0) {
		if (errno != ENOENT)
			return seterr(why, "%s: cannot read: %s", f->label,
			    strerror(errno));
		f->old = xstrdup("");
		f->oldlen = 0;
		return 0;
	}
	f->exists = 1;
	/* The editors work on text: a NUL byte means this is not the file. */
	if (memchr(f->old, '\0', f->oldlen) != NULL)
		return seterr(why, "%s holds NUL bytes: not a text file, not "
		    "touched", f->label);
	if (stat(f->path, &f->st) < 0)
		return seterr(why, "%s: %s", f->label, strerror(errno));
	return 0;
}

int
plan_load_file(const struct plan *p, struct plan_file *f, const char *inner,
    char **why)
{
	if (resolve(f, p->root, inner, why) < 0)
		return -1;
	return read_file(p, f, why);
}

/*
 * skim_aliases - an aliases file that stays as it is is only read
 * through in pieces (aliases_unchanged_file): 100,000 aliases are never
 * held whole, and f->old stays "" (nothing reads the old bytes of a file
 * that is not written).  1 when so; 0: read it whole and edit it (a
 * missing one too); -1: it cannot be read.
 */
static int
skim_aliases(struct plan_file *f, const struct desired_aliases *want,
    char **why)
{
	int r = aliases_unchanged_file(f->path, PLAN_MAX_FILE, FILEIO_NOFOLLOW,
	    want, &f->st);

	if (r < 0 && errno != ENOENT)
		return seterr(why, "%s: cannot read: %s", f->label,
		    strerror(errno));
	if (r <= 0)
		return 0;
	f->exists = 1;
	f->old = xstrdup("");
	f->oldlen = 0;
	return 1;
}

/* finish - decide whether f changes (same: known to stay as it is). */
static void
finish(struct plan *p, struct plan_file *f, int same)
{
	sbuf_add(&f->new, "", 0);
	if (f->remove)
		f->changed = f->exists;
	else if (same || (!f->exists && f->new.len == 0))
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
same_file(const struct plan *p, char **why)
{
	static const char *const role[PLAN_NFILES] = { "local-host-names (Fw)",
	    "relay-domains (FR)", "aliases (AliasFile)", "access (Kaccess)",
	    "sendmail.cf" };
	const struct plan_file *a, *b;
	size_t i, j;

	for (i = 0; i < PLAN_NFILES; i++)
		for (j = i + 1; j < PLAN_NFILES; j++) {
			a = &p->f[i], b = &p->f[j];
			if (!a->managed || !b->managed)
				continue;
			if (strcmp(a->path, b->path) == 0 || (a->exists &&
			    b->exists && a->st.st_ino != 0 &&
			    a->st.st_dev == b->st.st_dev &&
			    a->st.st_ino == b->st.st_ino))
				return seterr(why, "%s and %s are the same "
				    "file, %s; give each its own file",
				    role[i], role[j], a->label);
		}
	return 0;
}

/*
 * secret_modes - an access file that will hold mailprov's AuthInfo:
 * password is root's alone: apply writes it and its map 0600
 * (access_secret); one readable by more than root and root's group is a
 * change even when its bytes stay (access_tighten).  For a run and a
 * restore alike.
 */
static void
secret_modes(struct plan *p)
{
	struct plan_file *f = &p->f[PLAN_ACCESS];
	mode_t m = f->st.st_mode & 07777;
	struct stat dst;
	char *db;

	if (!f->managed || f->remove ||
	    !accessfile_has_own_authinfo(f->new.s, f->new.len))
		return;
	p->access_secret = 1;
	/* Planned as if (a restore's check): the bytes count, not the mode
	 * the file has now, which the restore sets. */
	if (p->as_if != NULL)
		return;
	/* The map (makemap keeps an old map's mode): 0600 or a change. */
	if (p->map_class != NULL) {
		db = plan_access_db(p);
		p->access_db_tighten = stat(db, &dst) == 0 &&
		    (dst.st_mode & 077) != 0;
		free(db);
	}
	if (f->exists && ((m & 0137) != 0 || ((m & 0040) != 0 &&
	    f->st.st_gid != 0) || f->st.st_uid != 0))
		p->access_tighten = 1;
	if ((p->access_tighten || p->access_db_tighten) && !f->changed) {
		f->changed = 1;		/* the mode alone */
		p->nchanged++;
	}
}

/* edit_cf - every sendmail.cf edit the desired state asks for. */
static int
edit_cf(const struct desired *ds, struct cf *cf, struct plan *p,
    char **lhn, char **relay, char **why)
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
		if (cf_ensure_class_file(cf, 'w', DEF_LOCAL_HOST_NAMES,
		    lhn) < 0)
			return seterr(why, "%s %s",
			    p->f[PLAN_SENDMAIL_CF].label, cf->err);
		cf_restrict_class(cf, 'w', &sm->accept_names.l);
	}
	p->errpos = sm->relay_domains.at;
	if (sm->relay_domains.set &&
	    cf_ensure_class_file(cf, 'R', DEF_RELAY_DOMAINS, relay) < 0)
		return seterr(why, "%s %s", p->f[PLAN_SENDMAIL_CF].label,
		    cf->err);
	if (sm->relay_domains.set && !cf_has_ruleset(cf, "check_rcpt"))
		strlist_take(&p->warnings, xasprintf("%s has no check_rcpt "
		    "ruleset: nothing in it reads class R, so relay_domains "
		    "(the relay-domains file) has no effect on relaying",
		    p->f[PLAN_SENDMAIL_CF].label));
	if (sm->relay_all.set) {
		r = cf_relay_all(cf, sm->relay_all.v, &p->shape);
		p->errpos = sm->relay_all.at;
		if (r < 0)
			return seterr(why, "sendmail.relay_all is true, but "
			    "in %s %s", p->f[PLAN_SENDMAIL_CF].label, cf->err);
		p->errpos = sm->smart_host.at;
		if (sm->relay_all.v && p->shape == CF_RELAY_DIRECT &&
		    sm->smart_host.v != NULL &&
		    strchr(sm->smart_host.v, ':') != NULL &&
		    sm->smart_host.v[0] != '[')
			return seterr(why, "smart_host '%s' names a mailer, "
			    "but this sendmail.cf forwards all mail with a "
			    "rule that takes $S as a host name; write the "
			    "host alone, as [host]", sm->smart_host.v);
	}
	return plantls_edit_cf(ds, cf, p, why);
}

/*
 * lint_aliases - lines of the aliases file sendmail cannot read, when
 * this run has sendmail read it (it changes, or a rebuild is due).  On a
 * line that names an entry of the desired state, mailprov would add a
 * second definition beside it: refused.  Elsewhere it is the admin's
 * line: a warning (the candidate check asks sendmail whether it matters).
 */
static int
lint_aliases(const struct desired_aliases *want, struct plan *p, char **why)
{
	const struct plan_file *f = &p->f[PLAN_ALIASES];
	struct aliases_problems pr;
	size_t i, k;
	int r = 0;

	aliases_lint(f->old, f->oldlen, &pr);
	for (i = 0; i < pr.n && r == 0; i++) {
		const struct aliases_problem *x = &pr.v[i];

		for (k = 0; k < want->n; k++)
			if (strcasecmp(want->entries[k].name, x->name) == 0)
				break;
		if (k < want->n) {
			p->errpos = want->entries[k].at;
			r = seterr(why, "%s:%zu: %s: sendmail cannot read this "
			    "line, which names the entry '%s' this desired "
			    "state sets; mend or remove it first", f->label,
			    x->line, x->what, x->name);
		} else
			strlist_take(&p->warnings, xasprintf("%s:%zu: %s: "
			    "sendmail cannot read this line (not an entry "
			    "mailprov manages)", f->label, x->line, x->what));
	}
	aliases_problems_free(&pr);
	return r;
}

/* load_lists - the list files and the aliases the cf names. */
static int
load_lists(const struct desired *ds, const char *root, const struct cf *cf,
    struct plan *p, const char *lhn, const char *relay, char **why)
{
	const struct desired_sendmail *sm = &ds->sendmail;
	struct plan_file *f;
	char *afile;
	int loaded, same = 0;
	size_t i;

	if (sm->accept_names.set) {
		f = &p->f[PLAN_LOCAL_HOST_NAMES];
		if (plan_load_file(p, f, lhn, why) < 0)
			return -1;
		listfile_edit(f->old, f->oldlen, &sm->accept_names.l, &f->new);
	}
	if (sm->relay_domains.set) {
		f = &p->f[PLAN_RELAY_DOMAINS];
		if (plan_load_file(p, f, relay, why) < 0)
			return -1;
		listfile_edit(f->old, f->oldlen, &sm->relay_domains.l, &f->new);
	}
	if (sm->aliases.entries_sect.set) {
		f = &p->f[PLAN_ALIASES];
		afile = cf_alias_file(cf);
		loaded = resolve(f, root, afile ? afile : DEF_ALIASES, why);
		free(afile);
		if (loaded < 0)
			return -1;
		/* Mending an interrupted run lints the file: read it whole;
		 * planned as if, the bytes are the target's. */
		same = p->interrupted || p->as_if != NULL ? 0 :
		    skim_aliases(f, &sm->aliases, why);
		if (same < 0 || (!same && read_file(p, f, why) < 0))
			return -1;
		if (!same)
			same = !aliases_edit(f->old, f->oldlen, &sm->aliases,
			    &f->new, &p->notes);
		/* Only a file sendmail is about to read again: no cost else. */
		if ((!same || p->interrupted) &&
		    lint_aliases(&sm->aliases, p, why) < 0)
			return -1;
	}
	if (plantls_access(ds, root, cf, p, why) < 0 || same_file(p, why) < 0)
		return -1;
	for (i = 0; i < PLAN_NFILES; i++)
		if (p->f[i].managed)
			finish(p, &p->f[i], i == PLAN_ALIASES && same);
	secret_modes(p);
	return 0;
}

/* plan_files - the new bytes of every managed file. */
static int
plan_files(const struct desired *ds, const char *root, struct plan *p,
    char **why)
{
	const struct desired_sendmail *sm = &ds->sendmail;
	struct plan_file *f = &p->f[PLAN_SENDMAIL_CF];
	struct cf *cf;
	char *lhn = NULL, *relay = NULL;
	size_t i;
	int r = -1;

	if (plan_load_file(p, f, sm->config.v, why) < 0)
		return -1;
	if (!f->exists)
		return seterr(why, "%s: cannot read: %s", f->label,
		    strerror(ENOENT));
	cf = cf_parse(f->old, f->oldlen);
	if (edit_cf(ds, cf, p, &lhn, &relay, why) == 0) {
		memset(&p->errpos, 0, sizeof(p->errpos));
		cf_serialize(cf, &f->new);
		p->cf_lines = cf->n;
		p->cf_origin = xreallocarray(NULL, cf->n, sizeof(unsigned));
		for (i = 0; i < cf->n; i++)
			p->cf_origin[i] = cf->v[i].orig;
		for (i = 0; i < cf->notes.n; i++)
			strlist_push(&p->notes, cf->notes.v[i]);
		r = load_lists(ds, root, cf, p, lhn, relay, why);
	}
	free(lhn);
	free(relay);
	cf_free(cf);
	return r;
}

/* plan_service - the SRC steps the files call for; SRC is only read. */
static int
plan_service(const struct desired *ds, const struct plan_env *env,
    struct plan *p, char **why)
{
	/* A missing subsystem stops us before a write. */
	int need = (plan_needs_refresh(p) ? SERVICE_NEED_REFRESH : 0) |
	    (plan_needs_restart(p) ? SERVICE_NEED_RESTART : 0);

	if (ds->service.sect.set && service_plan(env->src, ds, need, &p->svc,
	    why) < 0)
		return -1;
	return 0;
}

int
plan_build(const struct desired *ds, const struct plan_env *env,
    struct plan *p, char **why)
{
	memset(p, 0, sizeof(*p));
	*why = NULL;
	p->root = env->root;
	p->marker = xasprintf("%s/%s", env->state_dir, STATE_MARKER);
	p->as_if = env->as_if;
	if (ds->sendmail.sect.set) {
		p->interrupted = access(p->marker, F_OK) == 0;
		if (plantls_prepare(ds, env, p, why) < 0 ||
		    plan_files(ds, env->root, p, why) < 0)
			return -1;
	}
	return plan_service(ds, env, p, why);
}

/* target_files - the files of t, read as they are, t's bytes as new. */
static int
target_files(const struct plan_target *t, struct plan *p, char **why)
{
	size_t i;

	for (i = 0; i < PLAN_NFILES; i++) {
		struct plan_file *f = &p->f[i];

		if (t->f[i].label == NULL)
			continue;
		if (plan_load_file(p, f, t->f[i].label, why) < 0)
			return -1;
		f->remove = t->f[i].absent;
		sbuf_add(&f->new, t->f[i].bytes, t->f[i].len);
		finish(p, f, 0);
	}
	secret_modes(p);
	if (!p->f[PLAN_SENDMAIL_CF].managed || !p->f[PLAN_SENDMAIL_CF].exists)
		return seterr(why, "%s: the restore needs a sendmail.cf that "
		    "exists", p->f[PLAN_SENDMAIL_CF].managed ?
		    p->f[PLAN_SENDMAIL_CF].label : "(none recorded)");
	return same_file(p, why);
}

int
plan_build_target(const struct desired *ds, const struct plan_env *env,
    const struct plan_target *t, struct plan *p, char **why)
{
	memset(p, 0, sizeof(*p));
	*why = NULL;
	p->root = env->root;
	p->marker = xasprintf("%s/%s", env->state_dir, STATE_MARKER);
	p->interrupted = access(p->marker, F_OK) == 0;
	if (t->map_class != NULL)
		p->map_class = xstrdup(t->map_class);
	if (plantls_prepare(ds, env, p, why) < 0 ||
	    target_files(t, p, why) < 0)
		return -1;
	return plan_service(ds, env, p, why);
}

void
plan_target_free(struct plan_target *t)
{
	size_t i;

	for (i = 0; i < PLAN_NFILES; i++) {
		free(t->f[i].label);
		free(t->f[i].bytes);
	}
	free(t->map_class);
	memset(t, 0, sizeof(*t));
}

void
plan_diff(const struct plan *p, struct sbuf *out)
{
	static const int order[] = { PLAN_SENDMAIL_CF, PLAN_LOCAL_HOST_NAMES,
	    PLAN_RELAY_DOMAINS, PLAN_ALIASES, PLAN_ACCESS };
	size_t i;

	for (i = 0; i < PLAN_NFILES; i++) {
		const struct plan_file *f = &p->f[order[i]];

		if (!f->changed)
			continue;
		if (!f->exists)
			sbuf_addf(out, "# new file %s\n", f->label);
		else if (f->remove)
			sbuf_addf(out, "# removed file %s\n", f->label);
		plan_diff_file(order[i], f->label, f->old, f->oldlen, f->new.s,
		    f->new.len, out);
	}
	if (p->access_tighten)
		sbuf_addf(out, "# mode of %s: 0600 (it holds a secret)\n",
		    p->f[PLAN_ACCESS].label);
	if (p->access_db_tighten)
		sbuf_addf(out, "# mode of the map of %s: 0600 (it holds a "
		    "secret)\n", p->f[PLAN_ACCESS].label);
	sbuf_add(out, "", 0);
}

void
plan_diff_file(int kind, const char *label, const char *a, size_t alen,
    const char *b, size_t blen, struct sbuf *out)
{
	struct sbuf d = { 0 };
	char *la = xasprintf("a%s", label), *lb = xasprintf("b%s", label);

	sbuf_add(&d, "", 0);
	diff_unified(&d, la, lb, a, alen, b, blen, 3);
	if (kind == PLAN_ACCESS) {
		accessfile_mask(d.s, d.len, out);
		util_wipe(d.s, d.len);	/* it held the password in clear */
	} else
		sbuf_add(out, d.s, d.len);
	free(la);
	free(lb);
	sbuf_free(&d);
}

void
plan_actions(const struct plan *p, const struct desired *ds,
    struct strlist *out)
{
	struct sbuf d = { 0 };
	size_t i;

	if (p->link.changed)
		strlist_take(out, xasprintf("link %s to %s (it points at %s)",
		    p->link.label, p->link.want, p->link.old ? p->link.old :
		    "nothing"));
	if (plan_needs_rebuild(p))
		strlist_push(out, "rebuild the alias database (sendmail -bi)");
	if (p->f[PLAN_ACCESS].changed)
		strlist_take(out, xasprintf("rebuild the access map (makemap "
		    "%s %s)", p->map_class, p->f[PLAN_ACCESS].label));
	for (i = 0; i < p->svc.n; i++) {
		d.len = 0;
		service_describe(&p->svc, ds, i, &d);
		strlist_push(out, d.s);
	}
	if (!p->svc.managed && plan_needs_restart(p))
		strlist_push(out, "none for SRC (no service section): run "
		    "stopsrc -s sendmail; startsrc -s sendmail by hand");
	else if (!p->svc.managed && plan_needs_refresh(p))
		strlist_push(out, "none for SRC (no service section): run "
		    "refresh -s sendmail by hand");
	sbuf_free(&d);
}

void
plan_print(const struct plan *p, const struct desired *ds, FILE *out)
{
	struct sbuf d = { 0 };
	struct strlist act = { 0 };
	size_t i;

	plan_diff(p, &d);
	fputs(d.s, out);
	for (i = 0; i < p->warnings.n; i++)
		fprintf(out, "warning: %s\n", p->warnings.v[i]);
	for (i = 0; i < p->notes.n; i++)
		fprintf(out, "note: %s\n", p->notes.v[i]);
	if (p->have_caps) {
		d.len = 0;
		smcaps_describe(&p->caps, &d);
		fprintf(out, "note: %s\n", d.s);
	}
	if (p->interrupted)
		fprintf(out, "note: an earlier apply was interrupted (%s "
		    "exists): the alias database is rebuilt and sendmail "
		    "re-reads its configuration\n", p->marker);
	plan_actions(p, ds, &act);
	for (i = 0; i < act.n; i++)
		fprintf(out, "action: %s\n", act.v[i]);
	strlist_clear(&act);
	sbuf_free(&d);
}

int
plan_needs_refresh(const struct plan *p)
{
	return p->f[PLAN_SENDMAIL_CF].changed ||
	    p->f[PLAN_LOCAL_HOST_NAMES].changed ||
	    p->f[PLAN_RELAY_DOMAINS].changed ||
	    p->f[PLAN_ACCESS].changed || p->interrupted;
}

int
plan_needs_restart(const struct plan *p)
{
	/* A killed run may have left the old program running. */
	return p->link.changed || (p->interrupted && p->link.managed);
}

char *
plan_access_db(const struct plan *p)
{
	const char *c = p->map_class;

	return xasprintf("%s%s", p->f[PLAN_ACCESS].path, c == NULL ? "" :
	    strcmp(c, "cdb") == 0 ? ".cdb" : strcmp(c, "dbm") == 0 ? ".pag" :
	    ".db");
}

int
plan_needs_rebuild(const struct plan *p)
{
	return p->f[PLAN_ALIASES].changed || (p->interrupted &&
	    p->f[PLAN_ALIASES].managed);
}

int
plan_pending(const struct plan *p)
{
	return p->nchanged > 0 || p->interrupted || p->svc.n > 0 ||
	    p->link.changed;
}

void
plan_changed_files(const struct plan *p, struct strlist *out)
{
	size_t i;

	for (i = 0; i < PLAN_NFILES; i++)
		if (p->f[i].changed && p->f[i].replaced)
			strlist_push(out, p->f[i].label);
	if (p->link.changed && p->link.replaced)
		strlist_push(out, p->link.label);
}

void
plan_free(struct plan *p)
{
	size_t i;

	/* The access file's bytes may hold an AuthInfo: password. */
	if (p->f[PLAN_ACCESS].old != NULL)
		util_wipe(p->f[PLAN_ACCESS].old, p->f[PLAN_ACCESS].oldlen);
	if (p->f[PLAN_ACCESS].new.s != NULL)
		util_wipe(p->f[PLAN_ACCESS].new.s, p->f[PLAN_ACCESS].new.len);
	for (i = 0; i < PLAN_NFILES; i++) {
		free(p->f[i].path);
		free(p->f[i].old);
		free(p->f[i].backup);
		sbuf_free(&p->f[i].new);
	}
	strlist_clear(&p->notes);
	strlist_clear(&p->warnings);
	strlist_clear(&p->src_done);
	free(p->marker);
	free(p->cf_origin);
	free(p->binary);
	free(p->map_class);
	free(p->access_file);
	free(p->secret_file);
	program_free(&p->link);
	smcaps_free(&p->caps);
	memset(p, 0, sizeof(*p));
}
