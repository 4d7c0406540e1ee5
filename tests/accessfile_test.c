/*
 * accessfile_test.c - the access map source editor (lib/accessfile.c):
 * one row per case, the exact bytes expected.  Rows marked for makemap
 * are also given to Debian's makemap, which must build the map from the
 * result (exit 0, access.db written) and hold the value under the key
 * (its -u dump, keys folded to lower case as sendmail looks them up).
 * Then the AuthInfo: values mailprov writes and knows as its own, and the
 * masking of their passwords in what mailprov shows.
 */
#include "testutil.h"

#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "accessfile.h"

struct row {
	const char	*name;
	const char	*in;
	const char	*key;
	const char	*value;		/* NULL: remove */
	const char	*out;
	int		 changed;
	const char	*get;		/* accessfile_get(out, key) */
	int		 makemap;	/* makemap must take out as it is */
	int		 refused;	/* accessfile_check refuses key/value */
};

static const struct row rows[] = {
	{ "AuthInfo: appended, quoted fields as makemap keeps them",
	    "# x\n", "AuthInfo:relay.example.net",
	    "\"U:relayuser\" \"I:relayuser\" \"P:pa ss#w\" \"M:PLAIN LOGIN\"",
	    "# x\nAuthInfo:relay.example.net\t\"U:relayuser\" \"I:relayuser\" "
	    "\"P:pa ss#w\" \"M:PLAIN LOGIN\"\n", 1,
	    "\"U:relayuser\" \"I:relayuser\" \"P:pa ss#w\" \"M:PLAIN LOGIN\"",
	    1, 0 },
	{ "append to an empty file", "", "TLS_Srv:relay.example.net",
	    "ENCR:112", "TLS_Srv:relay.example.net\tENCR:112\n", 1,
	    "ENCR:112", 1, 0 },
	{ "append after comments", "# access map\n\nConnect:127.0.0.1\tRELAY\n",
	    "TLS_Srv:relay.example.net", "VERIFY",
	    "# access map\n\nConnect:127.0.0.1\tRELAY\n"
	    "TLS_Srv:relay.example.net\tVERIFY\n", 1, "VERIFY", 1, 0 },
	{ "append: a final newline added first", "Connect:10.0.0.1 RELAY",
	    "TLS_Srv:r", "VERIFY", "Connect:10.0.0.1 RELAY\nTLS_Srv:r\tVERIFY\n",
	    1, "VERIFY", 1, 0 },
	{ "replace in place, separator kept",
	    "# x\nTLS_Srv:relay.example.net    ENCR:112\nConnect:a RELAY\n",
	    "TLS_Srv:relay.example.net", "VERIFY",
	    "# x\nTLS_Srv:relay.example.net    VERIFY\nConnect:a RELAY\n", 1,
	    "VERIFY", 1, 0 },
	{ "already so: unchanged", "TLS_Srv:r\tVERIFY\n", "TLS_Srv:r",
	    "VERIFY", "TLS_Srv:r\tVERIFY\n", 0, "VERIFY", 1, 0 },
	{ "key without case, its spelling kept", "tls_srv:Relay.Example.NET\t"
	    "ENCR:112\n", "TLS_Srv:relay.example.net", "VERIFY",
	    "tls_srv:Relay.Example.NET\tVERIFY\n", 1, "VERIFY", 1, 0 },
	{ "later duplicates commented out",
	    "TLS_Srv:r\tENCR:112\nConnect:a RELAY\nTLS_SRV:r VERIFY\n",
	    "TLS_Srv:r", "VERIFY+CN:r", "TLS_Srv:r\tVERIFY+CN:r\n"
	    "Connect:a RELAY\n# mailprov: TLS_SRV:r VERIFY\n", 1,
	    "VERIFY+CN:r", 1, 0 },
	{ "remove every line with the key",
	    "# c\nTLS_Srv:r\tVERIFY\nConnect:a RELAY\ntls_srv:r ENCR:112\n",
	    "TLS_Srv:r", NULL, "# c\nConnect:a RELAY\n", 1, NULL, 1, 0 },
	{ "remove: absent, unchanged", "Connect:a RELAY\n", "TLS_Srv:r", NULL,
	    "Connect:a RELAY\n", 0, NULL, 1, 0 },
	{ "a longer key is another key", "TLS_Srv:relay2\tVERIFY\n",
	    "TLS_Srv:relay", "ENCR:112", "TLS_Srv:relay2\tVERIFY\n"
	    "TLS_Srv:relay\tENCR:112\n", 1, "ENCR:112", 1, 0 },
	/* makemap: "syntax error (leading space)", "no RHS": exit 65. */
	{ "comments and indented lines are not entries",
	    "#TLS_Srv:r VERIFY\n  TLS_Srv:r\tVERIFY\nTLS_Srv:r\n", "TLS_Srv:r",
	    "ENCR:112", "#TLS_Srv:r VERIFY\n  TLS_Srv:r\tVERIFY\nTLS_Srv:r\n"
	    "TLS_Srv:r\tENCR:112\n", 1, "ENCR:112", 0, 0 },
	/* makemap keeps the CR in the value: CRLF rows are not for it. */
	{ "CRLF kept", "Connect:a\tRELAY\r\nTLS_Srv:r\tENCR:112\r\n",
	    "TLS_Srv:r", "VERIFY", "Connect:a\tRELAY\r\nTLS_Srv:r\tVERIFY\r\n",
	    1, "VERIFY", 0, 0 },
	{ "CRLF append", "Connect:a\tRELAY\r\n", "TLS_Srv:r", "VERIFY",
	    "Connect:a\tRELAY\r\nTLS_Srv:r\tVERIFY\r\n", 1, "VERIFY", 0, 0 },
	{ "a '#' after the key is value", "TLS_Srv:r\tVERIFY # old\n",
	    "TLS_Srv:r", "VERIFY # old", "TLS_Srv:r\tVERIFY # old\n", 0,
	    "VERIFY # old", 1, 0 },
	{ "refused entry: nothing written", "Connect:a RELAY\n", "two words",
	    "RELAY", "Connect:a RELAY\n", 0, NULL, 1, 1 },
	{ "refused value: a line break", "Connect:a RELAY\n", "Connect:b",
	    "OK\nConnect:c RELAY", "Connect:a RELAY\n", 0, NULL, 1, 1 },
};

/* sh - run cmd with /bin/sh; its exit status, -1 if it did not exit. */
static int
sh(const char *cmd)
{
	int st = system(cmd);

	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * makemap_says - build a hash map from text with Debian's makemap in a
 * scratch directory and look key up in its dump (makemap -u): the value,
 * or NULL.  makemap must exit 0.
 */
static char *
makemap_says(const char *text, const char *key)
{
	const char *t = getenv("TMPDIR");
	char *dir, *cmd, line[1024];
	char *r = NULL, *tab;
	size_t kl = strlen(key);
	FILE *fp;

	dir = xasprintf("%s/accessfile_test.XXXXXX", t != NULL && *t != '\0' ?
	    t : "/tmp");
	assert_non_null(mkdtemp(dir));
	cmd = xasprintf("%s/access", dir);
	fp = fopen(cmd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	free(cmd);
	cmd = xasprintf("cd %s && makemap hash %s/access <access 2>makemap.err"
	    " && test -f access.db && makemap -u hash %s/access >dump 2>>makemap.err",
	    dir, dir,
	    dir);
	if (sh(cmd) != 0)
		fail_msg("makemap refused:\n%s", text);
	free(cmd);
	cmd = xasprintf("%s/dump", dir);
	fp = fopen(cmd, "r");
	assert_non_null(fp);
	while (r == NULL && fgets(line, sizeof(line), fp) != NULL)
		if ((tab = strchr(line, '\t')) != NULL && (size_t)(tab - line) ==
		    kl && strncasecmp(line, key, kl) == 0) {
			tab[1 + strcspn(tab + 1, "\n")] = '\0';
			r = xstrdup(tab + 1);
		}
	fclose(fp);
	free(cmd);
	cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(sh(cmd), 0);
	free(cmd);
	free(dir);
	return r;
}

static void
run_row(void **state)
{
	const struct row *r = *state;
	struct sbuf out = { 0 };
	int changed = -1;
	char *got, *mm, *why;

	accessfile_edit(r->in, strlen(r->in), r->key, r->value, &out,
	    &changed);
	check_text(r->name, out.s, r->out);
	if (changed != r->changed)
		fail_msg("%s: changed %d, want %d", r->name, changed, r->changed);
	got = accessfile_get(out.s, out.len, r->key);
	if (r->get == NULL ? got != NULL : got == NULL || strcmp(got,
	    r->get) != 0)
		fail_msg("%s: get '%s', want '%s'", r->name, got ? got :
		    "(null)", r->get ? r->get : "(null)");
	free(got);
	/* Twice is a no-op. */
	{
		struct sbuf again = { 0 };

		accessfile_edit(out.s, out.len, r->key, r->value, &again,
		    &changed);
		check_text("again", again.s, out.s);
		assert_int_equal(changed, 0);
		sbuf_free(&again);
	}
	/* makemap builds the map, and holds the value under the key. */
	if (r->makemap) {
		mm = makemap_says(out.s, r->key);
		if (r->get == NULL ? mm != NULL : mm == NULL || strcmp(mm,
		    r->get) != 0)
			fail_msg("%s: makemap's map says '%s', want '%s'",
			    r->name, mm ? mm : "(null)", r->get ? r->get :
			    "(null)");
		free(mm);
	}
	why = NULL;
	if (accessfile_check(r->key, r->value, &why) != (r->refused ? -1 : 0))
		fail_msg("%s: accessfile_check %s", r->name, why ? why : "ok");
	free(why);
	sbuf_free(&out);
}

/* AuthInfo: values: what mailprov writes, and whether it is its own. */
struct auth_row {
	const char	*name;
	const char	*user, *secret, *mechs;
	const char	*value;		/* accessfile_authinfo; NULL: refused */
};

static const struct auth_row auth_rows[] = {
	{ "with mechanisms", "u", "s3", "PLAIN LOGIN",
	    "\"U:u\" \"I:u\" \"P:s3\" \"M:PLAIN LOGIN\"" },
	{ "without mechanisms", "u", "s3", NULL, "\"U:u\" \"I:u\" \"P:s3\"" },
	{ "empty mechanisms", "u", "s3", "", "\"U:u\" \"I:u\" \"P:s3\"" },
	{ "a quote in the secret", "u", "s\"3", NULL, NULL },
	{ "a line break in the secret", "u", "s\n3", NULL, NULL },
	{ "a quote in the user", "u\"", "s3", NULL, NULL },
};

static void
run_auth_row(void **state)
{
	const struct auth_row *r = *state;
	char *v = accessfile_authinfo(r->user, r->secret, r->mechs);

	if (r->value == NULL) {
		if (v != NULL)
			fail_msg("%s: got '%s', want a refusal", r->name, v);
		return;
	}
	assert_non_null(v);
	check_text(r->name, v, r->value);
	if (!accessfile_authinfo_ours(v))
		fail_msg("%s: '%s' is not recognised as mailprov's", r->name,
		    v);
	free(v);
}

/* Whose an AuthInfo: value is, and how a line is masked. */
struct mask_row {
	const char	*name;
	const char	*in;
	const char	*masked;
	int		 ours;		/* accessfile_authinfo_ours(in) */
};

static const struct mask_row mask_rows[] = {
	{ "mailprov's form", "\"U:a\" \"I:a\" \"P:x y\" \"M:PLAIN\"",
	    "\"U:a\" \"I:a\" \"P:********\" \"M:PLAIN\"", 1 },
	{ "U and I differ: the admin's", "\"U:a\" \"I:b\" \"P:x\"",
	    "\"U:a\" \"I:b\" \"P:********\"", 0 },
	{ "no I: the admin's", "\"U:a\" \"P:x\" \"M:PLAIN\"",
	    "\"U:a\" \"P:********\" \"M:PLAIN\"", 0 },
	{ "P= (base64): the admin's", "\"U:a\" \"I:a\" \"P=eHl6\"",
	    "\"U:a\" \"I:a\" \"P=********\"", 0 },
	{ "a realm field: the admin's", "\"U:a\" \"I:a\" \"P:x\" \"R:r\"",
	    "\"U:a\" \"I:a\" \"P:********\" \"R:r\"", 0 },
	{ "ENCR:112 is not an AuthInfo value", "ENCR:112", "ENCR:112", 0 },
	{ "an escaped quote in the admin's password", "\"U:a\" \"P:se\\\"cret6\"",
	    "\"U:a\" \"P:********\"", 0 },
	{ "an unquoted password with a backslash-blank",
	    "\"U:a\" P:se\\ cret7", "\"U:a\" P:********", 0 },
};

static void
run_mask_row(void **state)
{
	const struct mask_row *r = *state;
	struct sbuf out = { 0 }, in = { 0 }, want = { 0 };

	if (accessfile_authinfo_ours(r->in) != r->ours)
		fail_msg("%s: ours %d, want %d", r->name, !r->ours, r->ours);
	/* As a diff line of an AuthInfo: entry, and as a file line. */
	sbuf_addf(&in, "+AuthInfo:h\t%s\nTLS_Srv:h\tP:kept\n# authinfo:x "
	    "P:y\n", r->in);
	sbuf_addf(&want, "+AuthInfo:h\t%s\nTLS_Srv:h\tP:kept\n# authinfo:x "
	    "P:********\n", r->masked);
	accessfile_mask(in.s, in.len, &out);
	check_text(r->name, out.s, want.s);
	sbuf_free(&out);
	sbuf_free(&in);
	sbuf_free(&want);
}

int
main(void)
{
	int r = run_rows("accessfile", rows, sizeof(rows) / sizeof(rows[0]),
	    sizeof(rows[0]), run_row);

	r |= run_rows("accessfile_authinfo", auth_rows, sizeof(auth_rows) /
	    sizeof(auth_rows[0]), sizeof(auth_rows[0]), run_auth_row);
	r |= run_rows("accessfile_mask", mask_rows, sizeof(mask_rows) /
	    sizeof(mask_rows[0]), sizeof(mask_rows[0]), run_mask_row);
	return r;
}
