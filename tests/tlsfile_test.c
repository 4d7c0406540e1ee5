/*
 * tlsfile_test.c - lib/tlsfile.c: sendmail's safety rules for the
 * STARTTLS files, one case per rule, and the certificate checks, on real
 * certificates that the openssl command makes when the test starts.
 *
 * Everything lives in a scratch root, tests/out/tlsfile.XXXXXX (made
 * 0755, so it passes for "/"), given as the root of every check: the
 * checks start there, whatever lies above.  Fixtures are in
 * ROOT/etc/mail/tls; each rule case gets its own directory
 * ROOT/etc/mail/case/N.  The file rules need root (chown); as another
 * user those tests are skipped.
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tlsfile.h"
#include "util.h"

static char *root;	/* the scratch root, absolute */

/* The fixtures: a CA, a host certificate it signed and its key, another
 * key, the host key encrypted, certificates expired and not yet valid,
 * garbage, and a bundle of two certificates. */
static const char fixture_script[] =
	"set -e\n"
	"cd \"$1\"\n"
	"exec 2>openssl.log\n"
	"umask 022\n"
	"EC='-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes'\n"
	"openssl req -x509 $EC -keyout ca.key -out ca.pem -days 30 \\\n"
	"    -subj /CN=mailprov-test-ca\n"
	"openssl req $EC -keyout host.key -out host.csr -subj /CN=host.example\n"
	"openssl x509 -req -in host.csr -CA ca.pem -CAkey ca.key \\\n"
	"    -set_serial 2 -days 90 -out host.pem\n"
	"openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \\\n"
	"    -out other.key\n"
	"openssl pkey -in host.key -aes256 -passout pass:secret -out enc.key\n"
	"mkdir db; : >db/index; echo 03 >db/serial\n"
	"printf '[ca]\\ndefault_ca=t\\n[t]\\ndatabase=db/index\\n"
	"serial=db/serial\\nnew_certs_dir=db\\ndefault_md=sha256\\n"
	"policy=p\\nunique_subject=no\\n[p]\\ncommonName=supplied\\n' >ca.cnf\n"
	"sign() {\n"
	"    openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \\\n"
	"        -in host.csr -notext -out \"$1\" -startdate \"$2\" -enddate \"$3\"\n"
	"}\n"
	"sign old.pem 20200101000000Z 20200201000000Z\n"
	"sign future.pem 20990101000000Z 20990201000000Z\n"
	"printf 'this is not PEM\\n' >garbage.pem\n"
	": >empty.pem\n"
	"cat ca.pem host.pem >bundle.pem\n"
	"chmod 600 *.key\n";

/* at - root + path, in a static buffer (one at a time). */
static const char *
at(const char *path)
{
	static char buf[4096];

	snprintf(buf, sizeof buf, "%s%s", root, path);
	return buf;
}

/* sh - run a shell command line; its exit status (0: success). */
static int
sh(const char *cmd)
{
	int st = system(cmd);

	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/* sh_out - the first line a shell command prints (no newline). */
static void
sh_out(const char *cmd, char *out, size_t n)
{
	FILE *p = popen(cmd, "r");

	out[0] = '\0';
	if (p == NULL || fgets(out, (int)n, p) == NULL)
		fail_msg("no output from: %s", cmd);
	out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

/* mkdir_as - a directory inside root with this mode and owner. */
static void
mkdir_as(const char *path, mode_t mode, uid_t uid)
{
	const char *d = at(path);

	if ((mkdir(d, 0700) < 0 && errno != EEXIST) || chmod(d, mode) < 0 ||
	    chown(d, uid, (gid_t)-1) < 0)
		fail_msg("mkdir %s: %s", d, strerror(errno));
}

/* put_as - a copy of the fixture name at path, with mode and owner. */
static void
put_as(const char *name, const char *path, mode_t mode, uid_t uid)
{
	char *cmd = xasprintf("cp '%s/etc/mail/tls/%s' '%s'", root, name,
	    at(path));

	if (sh(cmd) != 0 || chmod(at(path), mode) < 0 ||
	    chown(at(path), uid, (gid_t)-1) < 0)
		fail_msg("%s: failed", cmd);
	free(cmd);
}

static int
setup(void **state)
{
	char *cmd;
	FILE *p;

	(void)state;
	if (mkdir("tests/out", 0755) < 0 && errno != EEXIST)
		return -1;
	root = xstrdup("tests/out/tlsfile.XXXXXX");
	if (mkdtemp(root) == NULL || chmod(root, 0755) < 0)
		return -1;
	cmd = realpath(root, NULL);
	free(root);
	root = cmd;
	cmd = xasprintf("mkdir -p '%s/etc/mail/tls' '%s/etc/mail/case' && "
	    "chmod -R 0755 '%s/etc'", root, root, root);
	if (root == NULL || sh(cmd) != 0)
		return -1;
	free(cmd);
	cmd = xasprintf("sh -s '%s/etc/mail/tls'", root);
	if ((p = popen(cmd, "w")) == NULL)
		return -1;
	fputs(fixture_script, p);
	free(cmd);
	if (pclose(p) == 0)
		return 0;
	cmd = xasprintf("cat '%s/etc/mail/tls/openssl.log' >&2", root);
	sh(cmd);
	free(cmd);
	return -1;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", root);

	(void)state;
	sh(cmd);
	free(cmd);
	free(root);
	return 0;
}

/* has - s holds want. */
static int
has(const char *s, const char *want)
{
	return s != NULL && strstr(s, want) != NULL;
}

/* says - the message names the setting and path, never the root. */
static int
says(const char *why, const char *key, const char *path)
{
	char *head = xasprintf("%s %s", key, path);
	int ok = why != NULL && strncmp(why, head, strlen(head)) == 0 &&
	    strstr(why, root) == NULL;

	free(head);
	return ok;
}

/* One rule: a file made in its own directory, and what the check says. */
struct safe_case {
	const char	*name;
	enum tlsfile_kind kind;
	const char	*fixture;
	mode_t		 dmode;		/* its directory */
	uid_t		 duid;
	mode_t		 fmode;		/* the file */
	uid_t		 fuid;
	struct tlsfile_policy pol;
	int		 want;		/* 0, 1 (warning) or -1 */
	const char	*msg;		/* in the message */
	int		 dirmsg;	/* the message names the directory */
};

#define NOBODY	65534
#define POL	{ 0, 0, 0, 0 }
#define GRK	{ 0, 0, 0, 1 }
#define ASNOBODY	{ NOBODY, NOBODY, 0, 0 }

static const struct safe_case safe_cases[] = {
	{ "key 0600", TLSF_KEY, "host.key", 0755, 0, 0600, 0, POL, 0,
	  NULL, 0 },
	{ "key 0400", TLSF_KEY, "host.key", 0755, 0, 0400, 0, POL, 0,
	  NULL, 0 },
	{ "key 0640", TLSF_KEY, "host.key", 0755, 0, 0640, 0, POL, -1,
	  "is group-readable (mode 0640): sendmail drops STARTTLS unless "
	  "only root can read a key (chmod 600 ", 0 },
	{ "key 0640, GroupReadableKeyFile", TLSF_KEY, "host.key", 0755, 0,
	  0640, 0, GRK, 0, NULL, 0 },
	{ "key 0644", TLSF_KEY, "host.key", 0755, 0, 0644, 0, POL, -1,
	  "is group-readable (mode 0644)", 0 },
	{ "key 0604", TLSF_KEY, "host.key", 0755, 0, 0604, 0, POL, -1,
	  "is readable by others (mode 0604)", 0 },
	{ "key 0644, GroupReadableKeyFile", TLSF_KEY, "host.key", 0755, 0,
	  0644, 0, GRK, -1, "is readable by others (mode 0644): sendmail "
	  "drops STARTTLS when others can read a key, even with "
	  "GroupReadableKeyFile", 0 },
	{ "key 0200 (root cannot read it)", TLSF_KEY, "host.key", 0755, 0,
	  0200, 0, POL, -1, "is not readable by its owner (mode 0200)", 0 },
	{ "key owned by nobody", TLSF_KEY, "host.key", 0755, 0, 0600, NOBODY,
	  POL, -1, "is owned by uid 65534: sendmail drops STARTTLS unless "
	  "a TLS file is owned by root (chown root ", 0 },
	{ "key owned by nobody, RunAsUser nobody", TLSF_KEY, "host.key",
	  0755, 0, 0600, NOBODY, ASNOBODY, 0, NULL, 0 },
	{ "root's key 0600, RunAsUser nobody", TLSF_KEY, "host.key", 0755,
	  0, 0600, 0, ASNOBODY, -1, "is not readable by the RunAsUser, uid "
	  "65534 (mode 0600)", 0 },
	{ "cert 0644", TLSF_CERT, "host.pem", 0755, 0, 0644, 0, POL, 0,
	  NULL, 0 },
	{ "cert 0666", TLSF_CERT, "host.pem", 0755, 0, 0666, 0, POL, -1,
	  "is group-writable (mode 0666): sendmail drops STARTTLS when a "
	  "TLS file is group- or world-writable", 0 },
	{ "cert 0646", TLSF_CERT, "host.pem", 0755, 0, 0646, 0, POL, -1,
	  "is world-writable (mode 0646)", 0 },
	{ "cert owned by nobody", TLSF_CERT, "host.pem", 0755, 0, 0644,
	  NOBODY, POL, -1, "is owned by uid 65534", 0 },
	{ "cert directory 0777", TLSF_CERT, "host.pem", 0777, 0, 0644, 0,
	  POL, -1, "is world-writable (mode 0777): sendmail drops STARTTLS "
	  "when a directory above a TLS file is group- or world-writable", 1 },
	{ "cert directory 1777 (sticky)", TLSF_CERT, "host.pem", 01777, 0,
	  0644, 0, POL, -1, "is world-writable (mode 1777)", 1 },
	{ "key directory 0775", TLSF_KEY, "host.key", 0775, 0, 0600, 0, POL,
	  -1, "is group-writable (mode 0775)", 1 },
	{ "CA file 0644", TLSF_CA_FILE, "ca.pem", 0755, 0, 0644, 0, POL, 0,
	  NULL, 0 },
	{ "CA file 0664", TLSF_CA_FILE, "ca.pem", 0755, 0, 0664, 0, POL, -1,
	  "is group-writable (mode 0664)", 0 },
	{ "cert directory owned by nobody", TLSF_CERT, "host.pem", 0755,
	  NOBODY, 0644, 0, POL, 1, "is owned by uid 65534: sendmail accepts "
	  "that", 1 },
};

/* safe_row - make the case's file and check what tlsfile says of it. */
static int
safe_row(size_t i, const struct safe_case *c)
{
	char dir[64], path[80], *why = NULL, *dirword;
	int got, bad = 0;

	snprintf(dir, sizeof dir, "/etc/mail/case/%zu", i);
	snprintf(path, sizeof path, "%s/f.pem", dir);
	mkdir_as(dir, 0755, 0);
	put_as(c->fixture, path, c->fmode, c->fuid);
	mkdir_as(dir, c->dmode, c->duid);
	got = tlsfile_check_safe(root, path, c->kind, "tls.x", &c->pol, &why);
	dirword = xasprintf("directory %s is", dir);
	if (got != c->want || (c->msg != NULL && !has(why, c->msg)) ||
	    (c->msg == NULL && why != NULL) ||
	    (c->dirmsg && !has(why, dirword)) ||
	    (got != 0 && !says(why, "tls.x", path))) {
		print_error("case %s: got %d \"%s\", want %d \"%s\"\n",
		    c->name, got, why != NULL ? why : "", c->want,
		    c->msg != NULL ? c->msg : "");
		bad = 1;
	}
	free(dirword);
	free(why);
	return bad;
}

static void
test_safe_rules(void **state)
{
	size_t i, n = sizeof safe_cases / sizeof safe_cases[0];
	int bad = 0;

	(void)state;
	if (geteuid() != 0)
		skip();
	for (i = 0; i < n; i++)
		bad += safe_row(i, &safe_cases[i]);
	assert_int_equal(bad, 0);
}

/* check - tlsfile_check_safe inside root with the default policy. */
static int
check(const char *path, enum tlsfile_kind kind, char **why)
{
	free(*why);
	*why = NULL;
	return tlsfile_check_safe(root, path, kind, "tls.key", NULL, why);
}

static void
test_symlinks(void **state)
{
	char *why = NULL;

	(void)state;
	if (geteuid() != 0)
		skip();
	mkdir_as("/etc/mail/links", 0755, 0);
	assert_int_equal(symlink("/etc/mail/tls/host.key",
	    at("/etc/mail/links/abs.key")), 0);
	assert_int_equal(symlink("../tls/host.key",
	    at("/etc/mail/links/rel.key")), 0);
	assert_int_equal(check("/etc/mail/links/abs.key", TLSF_KEY, &why), 0);
	assert_int_equal(check("/etc/mail/links/rel.key", TLSF_KEY, &why), 0);
	/* The link is judged by the directory it sits in. */
	mkdir_as("/etc/mail/wlinks", 0777, 0);
	assert_int_equal(symlink("/etc/mail/tls/host.key",
	    at("/etc/mail/wlinks/host.key")), 0);
	assert_int_equal(check("/etc/mail/wlinks/host.key", TLSF_KEY, &why),
	    -1);
	assert_true(has(why, "directory /etc/mail/wlinks is world-writable"));
	/* The target's mode counts: the link does not hide a 0644 key. */
	assert_int_equal(chmod(at("/etc/mail/tls/other.key"), 0644), 0);
	assert_int_equal(symlink("/etc/mail/tls/other.key",
	    at("/etc/mail/links/open.key")), 0);
	assert_int_equal(check("/etc/mail/links/open.key", TLSF_KEY, &why),
	    -1);
	assert_true(has(why, "is group-readable (mode 0644)"));
	assert_int_equal(chmod(at("/etc/mail/tls/other.key"), 0600), 0);
	/* Like sendmail, the directories of the final target are not judged. */
	put_as("host.key", "/etc/mail/wlinks/real.key", 0600, 0);
	assert_int_equal(symlink("/etc/mail/wlinks/real.key",
	    at("/etc/mail/links/far.key")), 0);
	assert_int_equal(check("/etc/mail/links/far.key", TLSF_KEY, &why), 0);
	free(why);
}

static void
test_linked_directories(void **state)
{
	char *why = NULL;

	(void)state;
	if (geteuid() != 0)
		skip();
	/* A directory reached through a link: its target is judged. */
	assert_int_equal(symlink("tls", at("/etc/mail/tlsdir")), 0);
	assert_int_equal(check("/etc/mail/tlsdir/host.key", TLSF_KEY, &why),
	    0);
	mkdir_as("/etc/mail/open", 0777, 0);
	mkdir_as("/etc/mail/open/tls", 0755, 0);
	put_as("host.key", "/etc/mail/open/tls/host.key", 0600, 0);
	assert_int_equal(symlink("/etc/mail/open/tls",
	    at("/etc/mail/opendir")), 0);
	assert_int_equal(check("/etc/mail/opendir/host.key", TLSF_KEY, &why),
	    -1);
	assert_true(has(why, "directory /etc/mail/open is world-writable"));
	/* A loop ends with a message, not a hang. */
	assert_int_equal(symlink("loop2", at("/etc/mail/loop1")), 0);
	assert_int_equal(symlink("loop1", at("/etc/mail/loop2")), 0);
	assert_int_equal(check("/etc/mail/loop1/host.key", TLSF_KEY, &why),
	    -1);
	assert_true(has(why, "symbolic links"));
	assert_true(says(why, "tls.key", "/etc/mail/loop1/host.key"));
	free(why);
}

static void
test_names(void **state)
{
	char *why = NULL;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(check("tls/host.key", TLSF_KEY, &why), -1);
	assert_true(has(why, "tls.key tls/host.key is not an absolute path"));
	assert_int_equal(check("", TLSF_CERT, &why), -1);
	assert_int_equal(check(NULL, TLSF_CERT, &why), -1);
	assert_int_equal(check("/etc/mail/tls/none.pem", TLSF_CERT, &why),
	    -1);
	assert_true(has(why, "/etc/mail/tls/none.pem does not exist"));
	assert_int_equal(check("/etc/mail/none/host.pem", TLSF_CERT, &why),
	    -1);
	assert_true(has(why, "/etc/mail/none/host.pem does not exist"));
	assert_int_equal(check("/etc/mail/tls", TLSF_CERT, &why), -1);
	assert_true(has(why, "tls.key /etc/mail/tls is a directory"));
	assert_int_equal(check("/etc/mail/tls/host.pem/x", TLSF_CERT, &why),
	    -1);
	assert_true(has(why, "/etc/mail/tls/host.pem is not a directory"));
	/* "." and ".." are walked, and ".." stops at the root. */
	assert_int_equal(check("/etc/mail/tls/../tls/./host.key", TLSF_KEY,
	    &why), 0);
	assert_int_equal(check("/../../etc/mail/tls/host.key", TLSF_KEY,
	    &why), 0);
	free(why);
}

/* safe_above - every directory from / to dir is root's and 0755-like. */
static int
safe_above(const char *dir)
{
	char *p = xstrdup(dir), *slash;
	struct stat st;
	int ok = 1;

	while (ok && *p != '\0') {
		ok = stat(p, &st) == 0 && st.st_uid == 0 &&
		    (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
		if ((slash = strrchr(p, '/')) != NULL)
			*slash = '\0';
	}
	free(p);
	return ok && stat("/", &st) == 0 && st.st_uid == 0 &&
	    (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

static void
test_no_root(void **state)
{
	char dir[] = "/tmp/tlsfile_test.XXXXXX", *key, *cmd, *why = NULL;
	struct stat st;

	(void)state;
	if (geteuid() != 0 || stat("/tmp", &st) < 0 ||
	    (st.st_mode & 07777) != 01777)
		skip();
	/* Without a root the checks start at the real /: /tmp's sticky bit
	 * does not save a key below it. */
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	key = xasprintf("%s/host.key", dir);
	cmd = xasprintf("cp '%s/etc/mail/tls/host.key' '%s' && chmod 600 '%s'",
	    root, key, key);
	assert_int_equal(sh(cmd), 0);
	free(cmd);
	assert_int_equal(tlsfile_check_safe(NULL, key, TLSF_KEY, NULL, NULL,
	    &why), -1);
	if (!has(why, "directory /tmp is world-writable (mode 1777)"))
		fail_msg("got \"%s\"", why);
	free(why);
	why = NULL;
	cmd = xasprintf("rm -rf '%s'", dir);
	sh(cmd);
	free(cmd);
	free(key);
	/* The fixtures by their real path, when nothing above is unsafe. */
	key = xasprintf("%s/etc/mail/tls/host.key", root);
	if (safe_above(root)) {
		assert_int_equal(tlsfile_check_safe("", key, TLSF_KEY, NULL,
		    NULL, &why), 0);
		assert_null(why);
	}
	free(key);
}

static void
test_ca_path(void **state)
{
	char *why = NULL;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(check("/etc/mail/tls", TLSF_CA_PATH, &why), 0);
	assert_null(why);
	assert_int_equal(check("certs", TLSF_CA_PATH, &why), -1);
	assert_true(has(why, "is not an absolute path"));
	assert_int_equal(check("/etc/mail/certs", TLSF_CA_PATH, &why), 1);
	assert_true(has(why, "tls.key /etc/mail/certs does not exist: "
	    "sendmail still offers STARTTLS"));
	assert_int_equal(check("/etc/mail/tls/ca.pem", TLSF_CA_PATH, &why), 1);
	assert_true(has(why, "/etc/mail/tls/ca.pem is not a directory"));
	mkdir_as("/etc/mail/openca", 0777, 0);
	assert_int_equal(check("/etc/mail/openca", TLSF_CA_PATH, &why), 1);
	assert_true(has(why, "directory /etc/mail/openca is world-writable "
	    "(mode 0777): sendmail still offers STARTTLS"));
	free(why);
}

/* enddate - notAfter of a fixture, as `date` formats it (fmt). */
static void
enddate(const char *name, const char *fmt, char *out, size_t n)
{
	char *cmd = xasprintf("date -u -d \"$(openssl x509 -noout -enddate "
	    "-in '%s/etc/mail/tls/%s' | cut -d= -f2)\" '+%s'", root, name,
	    fmt);

	sh_out(cmd, out, n);
	free(cmd);
}

static void
test_pair(void **state)
{
	char *why = NULL, end[64];
	long days = -99999, want;

	(void)state;
	assert_int_equal(tlsfile_check_pair(root, "/etc/mail/tls/host.pem",
	    "/etc/mail/tls/host.key", &days, &why), 0);
	assert_null(why);
	enddate("host.pem", "%s", end, sizeof end);
	want = (strtol(end, NULL, 10) - (long)time(NULL)) / 86400;
	if (days < want - 1 || days > want + 1)
		fail_msg("days_left %ld, openssl says %ld", days, want);
	/* The CA's own pair, made for 30 days. */
	assert_int_equal(tlsfile_check_pair(root, "/etc/mail/tls/ca.pem",
	    "/etc/mail/tls/ca.key", &days, &why), 0);
	assert_in_range(days, 28, 30);
	free(why);
}

static void
test_pair_refused(void **state)
{
	char *why = NULL, end[64], *want;
	long days = 0;

	(void)state;
	assert_int_equal(tlsfile_check_pair(root, "/etc/mail/tls/old.pem",
	    "/etc/mail/tls/host.key", &days, &why), -1);
	enddate("old.pem", "%Y-%m-%d %H:%M:%S UTC", end, sizeof end);
	want = xasprintf("certificate /etc/mail/tls/old.pem expired on %s",
	    end);
	if (!has(why, want))
		fail_msg("got \"%s\", want \"%s\"", why, want);
	free(want);
	assert_true(days < -365);
	assert_int_equal(tlsfile_check_pair(root, "/etc/mail/tls/future.pem",
	    "/etc/mail/tls/host.key", NULL, &why), -1);
	assert_true(has(why, "is not valid before 2099-01-01 00:00:00 UTC"));
	assert_int_equal(tlsfile_check_pair(root, "/etc/mail/tls/host.pem",
	    "/etc/mail/tls/other.key", NULL, &why), -1);
	assert_true(has(why, "key /etc/mail/tls/other.key does not match "
	    "certificate /etc/mail/tls/host.pem"));
	assert_int_equal(tlsfile_check_pair(root, "/etc/mail/tls/host.pem",
	    "/etc/mail/tls/enc.key", NULL, &why), -1);
	assert_true(has(why, "key /etc/mail/tls/enc.key is encrypted"));
	assert_int_equal(tlsfile_check_pair(root, "/etc/mail/tls/host.pem",
	    "/etc/mail/tls/host.pem", NULL, &why), -1);
	assert_true(has(why, "holds no PEM private key"));
	assert_int_equal(tlsfile_check_pair(root, "/etc/mail/tls/garbage.pem",
	    "/etc/mail/tls/host.key", NULL, &why), -1);
	assert_true(has(why, "certificate /etc/mail/tls/garbage.pem holds no "
	    "PEM certificate"));
	assert_int_equal(tlsfile_check_pair(root, "/etc/mail/tls/none.pem",
	    "/etc/mail/tls/host.key", NULL, &why), -1);
	assert_true(has(why, "/etc/mail/tls/none.pem cannot be read"));
	assert_false(has(why, root));
	free(why);
}

static void
test_ca_file(void **state)
{
	static const struct { const char *name; int want; const char *msg; }
	    cases[] = {
		{ "ca.pem", 0, NULL },
		{ "bundle.pem", 0, NULL },
		{ "garbage.pem", -1, "holds no PEM certificate" },
		{ "empty.pem", -1, "holds no PEM certificate" },
		{ "host.key", -1, "holds no PEM certificate" },
		{ "none.pem", -1, "cannot be read" },
	};
	size_t i;
	int got, bad = 0;
	char *why, *path;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		why = NULL;
		path = xasprintf("/etc/mail/tls/%s", cases[i].name);
		got = tlsfile_check_ca_file(root, path, &why);
		if (got != cases[i].want || (cases[i].msg == NULL) !=
		    (why == NULL) || (cases[i].msg != NULL &&
		    (!has(why, cases[i].msg) || !has(why, path)))) {
			print_error("case %s: got %d \"%s\"\n", cases[i].name,
			    got, why != NULL ? why : "");
			bad++;
		}
		free(path);
		free(why);
	}
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe_rules),
		cmocka_unit_test(test_symlinks),
		cmocka_unit_test(test_linked_directories),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_no_root),
		cmocka_unit_test(test_ca_path),
		cmocka_unit_test(test_pair),
		cmocka_unit_test(test_pair_refused),
		cmocka_unit_test(test_ca_file),
	};

	return cmocka_run_group_tests_name("tlsfile", tests, setup, teardown);
}
