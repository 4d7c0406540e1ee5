/*
 * plan_test.c - plan_build() as a table: a small host under a scratch
 * root (sendmail.cf, local-host-names, aliases, perhaps the applying
 * marker) and a desired state, against which files change, what the plan
 * says must follow (refresh, alias rebuild), and the bytes it keeps.
 * No sendmail runs and nothing is written: plan only reads.
 */
#include "testutil.h"
#include "fileio.h"
#include "plan.h"

#include <sys/stat.h>
#include <unistd.h>

#define CF_OLD	"# a hand-written cf\n" \
		"Dwoldhost\nDmold.example\nDSoldrelay\n" \
		"Fw-o /etc/mail/local-host-names\n" \
		"O AliasFile=/etc/mail/aliases\n" \
		"R$*\t$#local $: $1\t\tkeep this tab\n"
#define CF_NEW	"# a hand-written cf\n" \
		"Dwnewhost\nDmnew.example\nDS[relay.new.example]\n" \
		"Fw-o /etc/mail/local-host-names\n" \
		"O AliasFile=/etc/mail/aliases\n" \
		"R$*\t$#local $: $1\t\tkeep this tab\n"
#define LHN_NEW	"localhost\nnewhost\nnewhost.new.example\n"
#define AL_NEW	"postmaster: root\n"

#define DOC	"version: 1\nsendmail:\n  hostname: newhost\n" \
		"  domain: new.example\n" \
		"  accept_names: [localhost, newhost, newhost.new.example]\n" \
		"  smart_host: \"[relay.new.example]\"\n" \
		"  aliases:\n    entries:\n      postmaster: root\n"

#define DOC_R	"version: 1\nsendmail:\n  hostname: newhost\n" \
		"  domain: new.example\n" \
		"  accept_names: [localhost, newhost, newhost.new.example]\n" \
		"  smart_host: \"[relay.new.example]\"\n" \
		"  relay_domains: [new.example]\n" \
		"  aliases:\n    entries:\n      postmaster: root\n"
/* No Cw, Fw nor V line: new lines go after the header, in order. */
#define CF_BARE	"# a cf with a header\n# and no anchor line\n\n" \
		"O AliasFile=/etc/mail/aliases\n" \
		"R$*\t$#local $: $1\n"
#define CF_BARE_NEW "# a cf with a header\n# and no anchor line\n\n" \
		"Dwnewhost\nDmnew.example\nDS[relay.new.example]\n" \
		"Fw-o /etc/mail/local-host-names\n" \
		"FR-o /etc/mail/relay-domains\n" \
		"O AliasFile=/etc/mail/aliases\n" \
		"R$*\t$#local $: $1\n"
/* Commented with a blank after '#'; prose that looks alike is kept. */
#define CF_STOCK "# stock\nDwnewhost\nDmnew.example\n" \
		"# DSN is delivery status notification, not a macro\n" \
		"# DSmailhub.example\n" \
		"Fw-o /etc/mail/local-host-names\n" \
		"# FR is read from the file below\n" \
		"# FR-o /etc/mail/relay-domains\n" \
		"O AliasFile=/etc/mail/aliases\n"
#define CF_STOCK_NEW "# stock\nDwnewhost\nDmnew.example\n" \
		"# DSN is delivery status notification, not a macro\n" \
		"DS[relay.new.example]\n" \
		"Fw-o /etc/mail/local-host-names\n" \
		"# FR is read from the file below\n" \
		"FR-o /etc/mail/relay-domains\n" \
		"O AliasFile=/etc/mail/aliases\n"

struct row {
	const char	*name;
	const char	*cf, *lhn, *aliases;	/* NULL: no such file */
	int		 marker;		/* applying marker present */
	const char	*doc;
	const char	*changed;		/* "cf lhn aliases" that change */
	int		 refresh, rebuild, pending;
	const char	*error;			/* expected reason, or NULL */
	size_t		 alen;			/* aliases bytes; 0: strlen */
	const char	*cf_want;		/* the new cf; NULL: CF_NEW */
};

static const struct row rows[] = {
	{ "a host far from its desired state", CF_OLD, "oldhost\n",
	    "root: admin\n", 0, DOC, "cf lhn aliases", 1, 1, 1, NULL, 0, NULL },
	{ "converged: nothing to do", CF_NEW, LHN_NEW, AL_NEW, 0, DOC, "",
	    0, 0, 0, NULL, 0, NULL },
	{ "converged, but an apply was killed: recovery pending", CF_NEW,
	    LHN_NEW, AL_NEW, 1, DOC, "", 1, 1, 1, NULL, 0, NULL },
	{ "only an alias missing: rebuild, no refresh", CF_NEW, LHN_NEW, "",
	    0, DOC, "aliases", 0, 1, 1, NULL, 0, NULL },
	{ "only the list file differs: refresh, no rebuild", CF_NEW,
	    "newhost\n", AL_NEW, 0, DOC, "lhn", 1, 0, 1, NULL, 0, NULL },
	{ "a missing list file is created", CF_NEW, NULL, AL_NEW, 0, DOC,
	    "lhn", 1, 0, 1, NULL, 0, NULL },
	{ "no sendmail.cf: refused", NULL, LHN_NEW, AL_NEW, 0, DOC, "", 0, 0,
	    0, "/etc/mail/sendmail.cf: cannot read: No such file", 0, NULL },
	{ "AliasFile naming the cf: refused", "O AliasFile=/etc/mail/"
	    "sendmail.cf\n", LHN_NEW, AL_NEW, 0, DOC, "", 0, 0, 0,
	    "aliases (AliasFile) and sendmail.cf are the same file", 0, NULL },
	{ "a NUL byte in the aliases: not touched", CF_NEW, LHN_NEW,
	    "a: b\n\0\n", 0, DOC, "", 0, 0, 0, "holds NUL bytes", 8, NULL },
	{ "no anchor: after the header comments, in the documented order",
	    CF_BARE, LHN_NEW, AL_NEW, 0, DOC_R, "cf relay", 1, 0, 1, NULL, 0,
	    CF_BARE_NEW },
	{ "'# FR-o' and '# DS' as the stock AIX file writes them: reused",
	    CF_STOCK, LHN_NEW, AL_NEW, 0, DOC_R, "cf relay", 1, 0, 1, NULL, 0,
	    CF_STOCK_NEW },
};

/* put - root/etc/mail/name holding s (len bytes), or nothing for NULL. */
static void
put(const char *root, const char *name, const char *s, size_t len)
{
	char *path = xasprintf("%s/etc/mail/%s", root, name);

	if (s != NULL)
		assert_int_equal(fileio_create(path, s, len), 0);
	free(path);
}

/* changed - the plan's changed files, as the row writes them. */
static void
changed(const struct plan *p, struct sbuf *out)
{
	static const char *const name[PLAN_NFILES] = { "lhn", "relay",
	    "aliases", "access", "cf" };
	static const int order[PLAN_NFILES] = { PLAN_SENDMAIL_CF,
	    PLAN_LOCAL_HOST_NAMES, PLAN_RELAY_DOMAINS, PLAN_ALIASES,
	    PLAN_ACCESS };
	size_t i;

	for (i = 0; i < PLAN_NFILES; i++)
		if (p->f[order[i]].changed)
			sbuf_addf(out, "%s%s", out->len ? " " : "",
			    name[order[i]]);
	sbuf_add(out, "", 0);
}

static void
run_row(void **state)
{
	const struct row *r = *state;
	char root[] = "/tmp/mp-plan.XXXXXX", *why = NULL, *dir, *cmd;
	struct sbuf got = { 0 };
	struct desired *ds;
	struct diags d;
	struct plan p;
	struct plan_env env;
	int rc;

	assert_non_null(mkdtemp(root));
	dir = xasprintf("%s/etc/mail", root);
	assert_int_equal(fileio_mkdirs(dir, 0755), 0);
	put(root, "sendmail.cf", r->cf, r->cf ? strlen(r->cf) : 0);
	put(root, "local-host-names", r->lhn, r->lhn ? strlen(r->lhn) : 0);
	put(root, "aliases", r->aliases, r->alen ? r->alen : r->aliases ?
	    strlen(r->aliases) : 0);
	free(dir);
	dir = xasprintf("%s/var/mailprov", root);
	assert_int_equal(fileio_mkdirs(dir, 0700), 0);
	if (r->marker)
		put(root, "../../var/mailprov/applying", "", 0);
	ds = load(r->doc, strlen(r->doc), &d);
	if (ds == NULL)
		dump_diags(&d);
	assert_non_null(ds);
	memset(&env, 0, sizeof(env));
	env.root = root;
	env.state_dir = dir;
	env.src = NULL;
	env.sendmail = "/usr/sbin/sendmail";
	env.timeout_ms = 0;
	rc = plan_build(ds, &env, &p, &why);
	if (r->error != NULL) {
		if (rc == 0 || strstr(why, r->error) == NULL)
			fail_msg("case '%s': want an error with '%s', got %s",
			    r->name, r->error, rc == 0 ? "none" : why);
	} else {
		if (rc < 0)
			fail_msg("case '%s': %s", r->name, why);
		changed(&p, &got);
		if (strcmp(got.s, r->changed) != 0)
			fail_msg("case '%s': changed: want '%s', got '%s'",
			    r->name, r->changed, got.s);
		assert_int_equal(plan_needs_refresh(&p), r->refresh);
		assert_int_equal(plan_needs_rebuild(&p), r->rebuild);
		assert_int_equal(plan_pending(&p), r->pending);
		assert_int_equal(p.interrupted, r->marker);
		/* Every byte outside the managed lines is kept: the tab too. */
		if (p.f[PLAN_SENDMAIL_CF].changed)
			assert_string_equal(p.f[PLAN_SENDMAIL_CF].new.s,
			    r->cf_want ? r->cf_want : CF_NEW);
	}
	plan_free(&p);
	cmd = xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
	free(why);
	sbuf_free(&got);
	desired_free(ds);
	diags_free(&d);
}

int
main(void)
{
	return run_rows("plan", rows, sizeof(rows) / sizeof(rows[0]),
	    sizeof(rows[0]), run_row);
}
