/*
 * tlsfile.c - sendmail's safety rules for its TLS files, and the
 * certificate checks it relies on, through libcrypto.
 *
 * Contract: see tlsfile.h.  A path is walked one name at a time from "/"
 * (ROOT on disk) with lstat, as sendmail's safedirpath() does, so every
 * directory can be judged by the name the admin knows; symbolic links
 * are resolved here, not by the kernel, so that an absolute target stays
 * inside ROOT.  Only the first failure is reported (sendmail's order:
 * directories, existence, file type, write bits, read bits of a key,
 * owner and read access); warnings never hide a failure.
 *
 * libcrypto is linked, not opened at run time as lib/digest.c does:
 * X509 and PEM work needs dozens of entry points, and whether a program
 * may carry libcrypto's resident size is for that program to decide (a
 * static archive member is linked only into programs that call it).
 */
#include "tlsfile.h"
#include "fileio.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* Symbolic links followed on one path (MAXSYMLINKS on Linux and AIX). */
#define TLSF_MAXLINKS	20
/* The largest PEM file read: a big CA bundle is a few hundred KiB. */
#define TLSF_MAXPEM	(4 * 1024 * 1024)

/* One walk of a path: where it is, how to speak of it, what to judge. */
struct walk {
	const char	*root;	/* prefix on disk, "" for none */
	char		*what;	/* "tls.key /etc/mail/tls/host.key" */
	const char	*path;	/* "/etc/mail/tls/host.key", for cures */
	const struct tlsfile_policy *pol;
	int		 judge;	/* judge the directories met */
	int		 soft;	/* CACertPath: failures are warnings */
	int		 links;	/* symbolic links followed so far */
	char		*warn;	/* the first warning, or NULL */
};

static char *walk_dir(struct walk *w, const char *path, char **why);

/* ondisk - path inside the walk's root, as the kernel must see it. */
static char *
ondisk(const struct walk *w, const char *path)
{
	return xasprintf("%s%s", w->root, *path != '\0' ? path : "/");
}

/* owner_ok - root, the RunAsUser or the TrustedUser. */
static int
owner_ok(const struct tlsfile_policy *pol, uid_t uid)
{
	return uid == 0 || uid == pol->uid || uid == pol->trusted;
}

/* warn - keep the first warning of the walk. */
static void
warn(struct walk *w, char *msg)
{
	if (w->warn == NULL)
		w->warn = msg;
	else
		free(msg);
}

/* walk_fail - a name on the path that cannot be reached (errno err). */
static int
walk_fail(const struct walk *w, const char *at, int err, char **why)
{
	const char *tail = w->soft ? "sendmail still offers STARTTLS but "
	    "reads no CA certificate from it (correct the path)" :
	    err == ENOENT ? "sendmail drops STARTTLS without it (create it "
	    "or correct the path)" : "sendmail drops STARTTLS when it cannot "
	    "open it (correct the path)";

	if (err == ENOENT)
		return seterr(why, "%s does not exist: %s", w->what, tail);
	if (err == ENOTDIR)
		return seterr(why, "%s cannot be reached: %s is not a "
		    "directory: %s", w->what, at, tail);
	if (err == ELOOP)
		return seterr(why, "%s cannot be reached: more than %d "
		    "symbolic links: %s", w->what, TLSF_MAXLINKS, tail);
	return seterr(why, "%s cannot be checked: %s: %s", w->what, at,
	    strerror(err));
}

/*
 * judge_dir - one directory on the path: not group- or world-writable
 * (the sticky bit does not help); a foreign owner is only a warning.
 */
static int
judge_dir(struct walk *w, const char *dir, const struct stat *st,
    char **why)
{
	unsigned mode = (unsigned)st->st_mode & 07777;
	const char *kind = (mode & S_IWOTH) ? "world" : "group";

	if (!w->judge)
		return 0;
	if ((mode & (S_IWGRP | S_IWOTH)) != 0 && !w->soft)
		return seterr(why, "%s: directory %s is %s-writable (mode "
		    "%04o): sendmail drops STARTTLS when a directory above a "
		    "TLS file is group- or world-writable, sticky bit or not "
		    "(chmod go-w %s)", w->what, dir, kind, mode, dir);
	if ((mode & (S_IWGRP | S_IWOTH)) != 0)
		warn(w, xasprintf("%s: directory %s is %s-writable (mode "
		    "%04o): sendmail still offers STARTTLS, but whoever can "
		    "write there can add a trusted CA (chmod go-w %s)",
		    w->what, dir, kind, mode, dir));
	if (!owner_ok(w->pol, st->st_uid))
		warn(w, xasprintf("%s: directory %s is owned by uid %ld: "
		    "sendmail accepts that, but its owner can replace what "
		    "is below it (chown root %s)", w->what, dir,
		    (long)st->st_uid, dir));
	return 0;
}

/* link_to - where the symbolic link at path (in directory dir) points. */
static char *
link_to(struct walk *w, const char *path, const char *dir,
    const struct stat *st, char **why)
{
	size_t size = (st->st_size > 255 ? (size_t)st->st_size : 255) + 1;
	char *disk, *buf, *to;
	ssize_t n;
	int err;

	if (++w->links > TLSF_MAXLINKS) {
		walk_fail(w, path, ELOOP, why);
		return NULL;
	}
	disk = ondisk(w, path);
	buf = xmalloc(size);
	n = readlink(disk, buf, size);
	err = n < 0 ? errno : (size_t)n >= size ? ENAMETOOLONG : 0;
	free(disk);
	if (err != 0) {
		walk_fail(w, path, err, why);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	to = buf[0] == '/' ? xstrdup(buf) : xasprintf("%s/%s", dir, buf);
	free(buf);
	return to;
}

/*
 * step - one name of a directory path, after *cur ("" for "/"): ".."
 * goes up (never above "/"), a symbolic link is walked to its target,
 * anything else must be a directory and is judged.
 */
static int
step(struct walk *w, char **cur, const char *name, size_t n, char **why)
{
	struct stat st;
	char *next, *disk, *to, *res;
	char *slash;
	int err;

	if (n == 1 && name[0] == '.')
		return 0;
	if (n == 2 && name[0] == '.' && name[1] == '.') {
		if ((slash = strrchr(*cur, '/')) != NULL)
			*slash = '\0';
		return 0;
	}
	next = xasprintf("%s/%.*s", *cur, (int)n, name);
	disk = ondisk(w, next);
	err = lstat(disk, &st) < 0 ? errno : 0;
	free(disk);
	if (err != 0) {
		walk_fail(w, next, err, why);
		free(next);
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		to = link_to(w, next, *cur, &st, why);
		res = to != NULL ? walk_dir(w, to, why) : NULL;
		free(to);
		free(next);
		if (res == NULL)
			return -1;
		free(*cur);
		*cur = strcmp(res, "/") == 0 ? xstrdup("") : xstrdup(res);
		free(res);
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		err = walk_fail(w, next, ENOTDIR, why);
	else
		err = judge_dir(w, next, &st, why);
	if (err < 0) {
		free(next);
		return -1;
	}
	free(*cur);
	*cur = next;
	return 0;
}

/*
 * walk_dir - judge "/" and every directory of path (absolute, inside
 * root); the path with its links resolved ("/" for the top), or NULL.
 */
static char *
walk_dir(struct walk *w, const char *path, char **why)
{
	struct stat st;
	char *cur, *disk = ondisk(w, "/");
	const char *p = path;
	size_t n;
	int err = stat(disk, &st) < 0 ? errno :
	    !S_ISDIR(st.st_mode) ? ENOTDIR : 0;

	free(disk);
	if (err != 0) {
		walk_fail(w, "/", err, why);
		return NULL;
	}
	if (judge_dir(w, "/", &st, why) < 0)
		return NULL;
	cur = xstrdup("");
	while (*p != '\0') {
		if (*p == '/') {
			p++;
			continue;
		}
		n = strcspn(p, "/");
		if (step(w, &cur, p, n, why) < 0) {
			free(cur);
			return NULL;
		}
		p += n;
	}
	if (*cur == '\0') {
		free(cur);
		cur = xstrdup("/");
	}
	return cur;
}

/* split - a new copy of path's directory; *base points at its last name. */
static char *
split(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');

	*base = slash + 1;
	return slash == path ? xstrdup("/") :
	    xstrndup(path, (size_t)(slash - path));
}

/* join - dir and name, with one slash between. */
static char *
join(const char *dir, const char *name)
{
	return xasprintf("%s%s%s", dir, strcmp(dir, "/") == 0 ||
	    *name == '\0' ? "" : "/", name);
}

/*
 * walk_file - judge the directories of path (absolute), then follow the
 * file's own symbolic links unjudged, as stat() does; *st is the file's.
 */
static int
walk_file(struct walk *w, const char *path, struct stat *st, char **why)
{
	const char *base;
	char *dir = split(path, &base), *rdir, *full, *disk, *to = NULL;
	int rc;

	for (;;) {
		if ((rdir = walk_dir(w, dir, why)) == NULL) {
			rc = -1;
			break;
		}
		full = join(rdir, base);
		disk = ondisk(w, full);
		rc = 0;
		if (lstat(disk, st) < 0)
			rc = walk_fail(w, full, errno, why);
		else if (S_ISLNK(st->st_mode)) {
			free(to);
			if ((to = link_to(w, full, rdir, st, why)) == NULL)
				rc = -1;
		}
		free(disk);
		free(full);
		free(rdir);
		if (rc < 0 || to == NULL || !S_ISLNK(st->st_mode))
			break;
		w->judge = 0;	/* sendmail's stat() follows them unjudged */
		free(dir);
		dir = split(to, &base);
	}
	free(dir);
	free(to);
	return rc;
}

/* type_name - what a file that is not a regular file is. */
static const char *
type_name(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" :
	    S_ISSOCK(m) ? "a socket" : S_ISCHR(m) || S_ISBLK(m) ?
	    "a device" : "not a regular file";
}

/*
 * judge_key - a key's read bits: nobody but the owner may read it, or,
 * with GroupReadableKeyFile, nobody outside its group.
 */
static int
judge_key(const struct walk *w, const struct stat *st, char **why)
{
	unsigned mode = (unsigned)st->st_mode & 07777;
	const char *who = st->st_uid == 0 ? "root" : "its owner";

	if (!w->pol->group_readable_key && (mode & S_IRGRP) != 0)
		return seterr(why, "%s is group-readable (mode %04o): "
		    "sendmail drops STARTTLS unless only %s can read a key "
		    "(chmod 600 %s)", w->what, mode, who, w->path);
	if ((mode & S_IROTH) != 0 && w->pol->group_readable_key)
		return seterr(why, "%s is readable by others (mode %04o): "
		    "sendmail drops STARTTLS when others can read a key, "
		    "even with GroupReadableKeyFile (chmod o-r %s)", w->what,
		    mode, w->path);
	if ((mode & S_IROTH) != 0)
		return seterr(why, "%s is readable by others (mode %04o): "
		    "sendmail drops STARTTLS unless only %s can read a key "
		    "(chmod 600 %s)", w->what, mode, who, w->path);
	return 0;
}

/*
 * judge_owner - owned by root, the RunAsUser or the TrustedUser, and
 * readable by sendmail: as root, the owner's read bit; as another
 * RunAsUser, the bit of its class (owner, primary group, others).
 */
static int
judge_owner(const struct walk *w, const struct stat *st, char **why)
{
	const struct tlsfile_policy *pol = w->pol;
	unsigned mode = (unsigned)st->st_mode & 07777, need = S_IRUSR;

	if (!owner_ok(pol, st->st_uid))
		return seterr(why, "%s is owned by uid %ld: sendmail drops "
		    "STARTTLS unless a TLS file is owned by root%s (chown "
		    "root %s)", w->what, (long)st->st_uid, pol->uid != 0 ?
		    " or the RunAsUser" : "", w->path);
	if (pol->uid != 0 && st->st_uid != pol->uid)
		need = st->st_gid == pol->gid ? S_IRGRP : S_IROTH;
	if ((mode & need) == 0 && need == S_IRUSR)
		return seterr(why, "%s is not readable by its owner (mode "
		    "%04o): sendmail drops STARTTLS when it cannot read a TLS "
		    "file (chmod u+r %s)", w->what, mode, w->path);
	if ((mode & need) == 0)
		return seterr(why, "%s is not readable by the RunAsUser, uid "
		    "%ld (mode %04o): sendmail drops STARTTLS when it cannot "
		    "read a TLS file (chown %ld %s)", w->what, (long)pol->uid,
		    mode, (long)pol->uid, w->path);
	return 0;
}

/* judge_file - the file itself, in sendmail's order. */
static int
judge_file(const struct walk *w, const struct stat *st,
    enum tlsfile_kind kind, char **why)
{
	unsigned mode = (unsigned)st->st_mode & 07777;

	if (!S_ISREG(st->st_mode))
		return seterr(why, "%s is %s: sendmail drops STARTTLS unless "
		    "it names a regular file (name the PEM file itself)",
		    w->what, type_name(st->st_mode));
	if ((mode & (S_IWGRP | S_IWOTH)) != 0)
		return seterr(why, "%s is %s-writable (mode %04o): sendmail "
		    "drops STARTTLS when a TLS file is group- or "
		    "world-writable (chmod go-w %s)", w->what,
		    (mode & S_IWGRP) != 0 ? "group" : "world", mode, w->path);
	if (kind == TLSF_KEY && judge_key(w, st, why) < 0)
		return -1;
	return judge_owner(w, st, why);
}

static const char *const kind_names[] = {
	"certificate", "key", "CA file", "CA path"
};

/*
 * check_ca_path - CACertPath, a directory sendmail does not judge: what
 * is wrong with it is a warning (1), the walk's own warnings are left
 * to the caller (0).
 */
static int
check_ca_path(struct walk *w, const char *path, char **why)
{
	char *r;

	w->soft = 1;
	if ((r = walk_dir(w, path, why)) == NULL)
		return 1;
	free(r);
	return 0;
}

int
tlsfile_check_safe(const char *root, const char *path,
    enum tlsfile_kind kind, const char *keyname,
    const struct tlsfile_policy *pol, char **why)
{
	static const struct tlsfile_policy defaults;
	struct walk w = { NULL, NULL, NULL, NULL, 1, 0, 0, NULL };
	struct stat st;
	int rc;

	if ((unsigned)kind > TLSF_CA_PATH)
		return seterr(why, "tlsfile_check_safe: unknown kind %d",
		    (int)kind);
	w.root = root != NULL ? root : "";
	w.path = path;
	w.pol = pol != NULL ? pol : &defaults;
	keyname = keyname != NULL ? keyname : kind_names[kind];
	if (path == NULL || *path != '/')
		return seterr(why, "%s %s is not an absolute path: sendmail "
		    "takes a relative TLS file name for none and drops "
		    "STARTTLS (name it from /)", keyname,
		    path != NULL && *path != '\0' ? path : "(empty)");
	w.what = xasprintf("%s %s", keyname, path);
	if (kind == TLSF_CA_PATH)
		rc = check_ca_path(&w, path, why);
	else if ((rc = walk_file(&w, path, &st, why)) == 0)
		rc = judge_file(&w, &st, kind, why);
	if (rc == 0 && w.warn != NULL) {
		free(*why);
		*why = w.warn;
		w.warn = NULL;
		rc = 1;
	}
	free(w.warn);
	free(w.what);
	return rc;
}

/* no_pass - the pass phrase callback: note that one was asked for. */
static int
no_pass(char *buf, int size, int rwflag, void *asked)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	*(int *)asked = 1;
	return -1;
}

/* open_pem - a memory BIO holding ROOT+path (*buf, freed by the caller). */
static BIO *
open_pem(const char *root, const char *path, const char *what,
    char **buf, char **why)
{
	char *disk;
	size_t len;
	BIO *b = NULL;

	*buf = NULL;
	if (path == NULL || *path != '/') {
		seterr(why, "%s %s is not an absolute path", what,
		    path != NULL && *path != '\0' ? path : "(empty)");
		return NULL;
	}
	disk = xasprintf("%s%s", root != NULL ? root : "", path);
	if (fileio_read(disk, TLSF_MAXPEM, 0, buf, &len) < 0)
		seterr(why, "%s %s cannot be read: %s", what, path,
		    strerror(errno));
	else if ((b = BIO_new_mem_buf(*buf, (int)len)) == NULL)
		seterr(why, "%s %s: out of memory in OpenSSL", what, path);
	free(disk);
	return b;
}

/* load_cert - the first PEM certificate of path, or NULL with *why. */
static X509 *
load_cert(const char *root, const char *path, char **why)
{
	char *buf;
	int asked = 0;
	BIO *b = open_pem(root, path, "certificate", &buf, why);
	X509 *x = NULL;

	if (b != NULL && (x = PEM_read_bio_X509(b, NULL, no_pass,
	    &asked)) == NULL)
		seterr(why, "certificate %s holds no PEM certificate: "
		    "sendmail drops STARTTLS when it cannot load it", path);
	BIO_free(b);
	free(buf);
	return x;
}

/* load_key - the PEM private key of path, unencrypted, or NULL. */
static EVP_PKEY *
load_key(const char *root, const char *path, char **why)
{
	char *buf;
	int asked = 0;
	BIO *b = open_pem(root, path, "key", &buf, why);
	EVP_PKEY *k = NULL;

	if (b != NULL && (k = PEM_read_bio_PrivateKey(b, NULL, no_pass,
	    &asked)) == NULL && asked)
		seterr(why, "key %s is encrypted: sendmail cannot ask for a "
		    "pass phrase when it starts and drops STARTTLS (write it "
		    "unencrypted: openssl pkey -in %s -out NEW, then chmod "
		    "600 NEW)", path, path);
	else if (b != NULL && k == NULL)
		seterr(why, "key %s holds no PEM private key: sendmail drops "
		    "STARTTLS when it cannot load it", path);
	BIO_free(b);
	free(buf);
	return k;
}

/* when - t as "YYYY-MM-DD HH:MM:SS UTC" in buf. */
static void
when(const ASN1_TIME *t, char *buf, size_t n)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, n, "(unreadable date)");
}

/*
 * check_dates - valid now; *days_left gets the whole days to notAfter,
 * rounded down (so negative once it has passed).
 */
static int
check_dates(X509 *x, const char *path, long *days_left, char **why)
{
	const ASN1_TIME *nb = X509_get0_notBefore(x);
	const ASN1_TIME *na = X509_get0_notAfter(x);
	int day = 0, sec = 0;
	char at[64];

	if (ASN1_TIME_diff(&day, &sec, NULL, na) != 1)
		return seterr(why, "certificate %s has an unreadable expiry "
		    "date", path);
	if (days_left != NULL)
		*days_left = (long)day - (sec < 0 ? 1 : 0);
	if (X509_cmp_current_time(na) <= 0) {
		when(na, at, sizeof at);
		return seterr(why, "certificate %s expired on %s: clients "
		    "and relays that check it refuse the TLS session (renew "
		    "it)", path, at);
	}
	if (X509_cmp_current_time(nb) >= 0) {
		when(nb, at, sizeof at);
		return seterr(why, "certificate %s is not valid before %s: "
		    "clients and relays that check it refuse the TLS session "
		    "(check the clock, or use a certificate valid now)", path,
		    at);
	}
	return 0;
}

int
tlsfile_check_pair(const char *root, const char *cert, const char *key,
    long *days_left, char **why)
{
	X509 *x;
	EVP_PKEY *k = NULL;
	int rc = -1;

	if ((x = load_cert(root, cert, why)) == NULL)
		goto out;
	if (check_dates(x, cert, days_left, why) < 0 ||
	    (k = load_key(root, key, why)) == NULL)
		goto out;
	if (X509_check_private_key(x, k) != 1) {
		seterr(why, "key %s does not match certificate %s: sendmail "
		    "drops STARTTLS (use the key the certificate was made "
		    "for)", key, cert);
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_free(k);
	X509_free(x);
	ERR_clear_error();
	return rc;
}

int
tlsfile_check_ca_file(const char *root, const char *ca, char **why)
{
	STACK_OF(X509_INFO) *inf = NULL;
	char *buf;
	int asked = 0, i, n = 0;
	BIO *b = open_pem(root, ca, "CA file", &buf, why);

	if (b != NULL)
		inf = PEM_X509_INFO_read_bio(b, NULL, no_pass, &asked);
	for (i = 0; inf != NULL && i < sk_X509_INFO_num(inf); i++)
		if (sk_X509_INFO_value(inf, i)->x509 != NULL)
			n++;
	if (b != NULL && n == 0)
		seterr(why, "CA file %s %s: sendmail drops STARTTLS when it "
		    "cannot load CACertFile (put the CA certificates there, "
		    "PEM)", ca, inf == NULL ? "cannot be read as PEM" :
		    "holds no PEM certificate");
	sk_X509_INFO_pop_free(inf, X509_INFO_free);
	BIO_free(b);
	free(buf);
	ERR_clear_error();
	return n > 0 ? 0 : -1;
}
