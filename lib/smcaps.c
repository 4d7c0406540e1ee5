/*
 * smcaps.c - the "Compiled with:" block of sendmail -d0.1, and its cache.
 *
 * Contract: see smcaps.h.  The cache file is text: a header line, then
 * one line for each binary, the last probed first:
 *
 *	mailprov-caps 1
 *	DEV INO SIZE MTIME<TAB>VERSION<TAB>OPT OPT ...<TAB>REALPATH
 *
 * VERSION is "-" when sendmail printed none.  The key is compared as
 * text, and always written the same way.  The real path comes last, so
 * it may hold anything but a newline (a path with one is not kept).
 */
#include "smcaps.h"
#include "fileio.h"
#include "msg.h"
#include "paths.h"
#include "proc.h"
#include "sendmail.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_HEADER	"mailprov-caps 1\n"
#define BLOCK_TAG	"Compiled with:"

/* word_byte - a byte of a token or a version: printable ASCII, no blank. */
static int
word_byte(char ch)
{
	unsigned char u = (unsigned char)ch;

	return u > ' ' && u < 0x7f;
}

/* add_words - push every word of [p, e) onto l, in order. */
static void
add_words(struct strlist *l, const char *p, const char *e)
{
	const char *w;

	while (p < e) {
		for (; p < e && !word_byte(*p); p++)
			continue;
		for (w = p; p < e && word_byte(*p); p++)
			continue;
		if (p > w)
			strlist_take(l, xstrndup(w, (size_t)(p - w)));
	}
}

/* set_flags - starttls and sasl from opts. */
static void
set_flags(struct smcaps *c)
{
	c->starttls = smcaps_has(c, "STARTTLS");
	c->sasl = smcaps_has(c, "SASLv2") || smcaps_has(c, "SASL");
}

/* line_end - the newline ending the line at p, or end; *next after it. */
static const char *
line_end(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (nl == NULL)
		return *next = end;
	*next = nl + 1;
	return nl;
}

/* has_prefix - the line [p, e) starts with pre. */
static int
has_prefix(const char *p, const char *e, const char *pre)
{
	size_t n = strlen(pre);

	return (size_t)(e - p) >= n && memcmp(p, pre, n) == 0;
}

int
smcaps_parse(const char *out, size_t len, struct smcaps *c, char **why)
{
	const char *p = out, *end, *e, *next, *s, *w;

	memset(c, 0, sizeof(*c));
	end = out + (len < SMCAPS_SCAN_MAX ? len : SMCAPS_SCAN_MAX);
	for (; p < end; p = next) {
		e = line_end(p, end, &next);
		if (c->version == NULL && has_prefix(p, e, "Version ")) {
			for (w = s = p + 8; s < e && word_byte(*s); s++)
				continue;
			if (s > w)
				c->version = xstrndup(w, (size_t)(s - w));
		}
		for (s = p; s < e && (*s == ' ' || *s == '\t'); s++)
			continue;
		if (!has_prefix(s, e, BLOCK_TAG))
			continue;
		add_words(&c->opts, s + strlen(BLOCK_TAG), e);
		/* Continuation lines start with a TAB (sendmail puts two). */
		for (w = next; w < end && *w == '\t'; w = next) {
			e = line_end(w, end, &next);
			add_words(&c->opts, w, e);
		}
		set_flags(c);
		return 0;
	}
	smcaps_free(c);
	return seterr(why, "no '" BLOCK_TAG "' block");
}

int
smcaps_has(const struct smcaps *c, const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0)
		return 0;
	for (i = 0; i < c->opts.n; i++)
		if (strncmp(c->opts.v[i], name, n) == 0 &&
		    (c->opts.v[i][n] == '\0' || c->opts.v[i][n] == '='))
			return 1;
	return 0;
}

void
smcaps_describe(const struct smcaps *c, struct sbuf *out)
{
	sbuf_addf(out, "sendmail %s at %s: STARTTLS %s, SASL %s",
	    c->version != NULL ? c->version : "version unknown",
	    c->path != NULL ? c->path : "(no path)",
	    c->starttls ? "yes" : "no", c->sasl ? "yes" : "no");
}

void
smcaps_free(struct smcaps *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c->version);
	strlist_clear(&c->opts);
	memset(c, 0, sizeof(*c));
}

/*
 * The cache.  A record is split in a copy of its line: key, version,
 * options, real path.
 */
struct rec {
	char	*line;		/* the copy, owned */
	char	*key, *version, *opts, *path;
};

/* only_of - every byte of s is in set (s may be empty). */
static int
only_of(const char *s, const char *set)
{
	return s[strspn(s, set)] == '\0';
}

/* rec_split - r from line; -1 (r freed) unless it is well formed. */
static int
rec_split(const char *line, struct rec *r)
{
	char *f[4], *p;
	size_t i;

	p = r->line = xstrdup(line);
	for (i = 0; i < 3 && p != NULL; i++) {
		f[i] = p;
		if ((p = strchr(p, '\t')) != NULL)
			*p++ = '\0';
	}
	if (p == NULL || *p != '/' || *f[0] == '\0' || *f[1] == '\0' ||
	    !only_of(f[0], "0123456789- ")) {
		free(r->line);
		return -1;
	}
	f[3] = p;
	/* The version is one word, the options words with blanks between. */
	for (i = 1; i < 3; i++)
		for (p = f[i]; *p != '\0'; p++)
			if (!word_byte(*p) && !(i == 2 && *p == ' ')) {
				free(r->line);
				return -1;
			}
	r->key = f[0], r->version = f[1], r->opts = f[2], r->path = f[3];
	return 0;
}

/*
 * cache_load - the records of file into l (lines without newlines): 0, or
 * -1 with l empty when it is missing, unreadable, untrusted or malformed.
 */
static int
cache_load(const char *file, struct strlist *l)
{
	struct rec r;
	char *buf, *line, *nl;
	size_t len;
	int ok;

	if (fileio_read(file, SMCAPS_CACHE_MAX, FILEIO_NOFOLLOW |
	    FILEIO_TRUSTED, &buf, &len) < 0)
		return -1;
	ok = strlen(buf) == len && strncmp(buf, CACHE_HEADER,
	    strlen(CACHE_HEADER)) == 0;
	for (line = ok ? buf + strlen(CACHE_HEADER) : buf; ok && *line != '\0';
	    line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL ||
		    l->n >= SMCAPS_CACHE_KEEP)
			ok = 0;
		else {
			*nl = '\0';
			ok = rec_split(line, &r) == 0;
		}
		if (ok) {
			free(r.line);
			strlist_push(l, line);
		}
	}
	free(buf);
	if (!ok)
		strlist_clear(l);
	return ok ? 0 : -1;
}

/* cache_find - fill c from the record of real with key: 0, or -1. */
static int
cache_find(const struct strlist *l, const char *key, const char *real,
    struct smcaps *c)
{
	struct rec r;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (rec_split(l->v[i], &r) < 0)
			continue;	/* cannot be: cache_load checked */
		if (strcmp(r.path, real) == 0 && strcmp(r.key, key) == 0) {
			if (strcmp(r.version, "-") != 0)
				c->version = xstrdup(r.version);
			add_words(&c->opts, r.opts, r.opts + strlen(r.opts));
			set_flags(c);
			free(r.line);
			return 0;
		}
		free(r.line);
	}
	return -1;
}

/* same_path - the record line is about real. */
static int
same_path(const char *line, const char *real)
{
	struct rec r;
	int same;

	if (rec_split(line, &r) < 0)
		return 0;
	same = strcmp(r.path, real) == 0;
	free(r.line);
	return same;
}

/*
 * cache_store - write file anew: c's record under key first, then the
 * old records of other binaries, SMCAPS_CACHE_KEEP in all.  Owned by us,
 * mode 0644, whoever owned what was there.  A failure is a warning.
 */
static void
cache_store(const char *file, const struct strlist *old, const char *key,
    const char *real, const struct smcaps *c)
{
	struct sbuf b = { 0 };
	struct stat like;
	size_t i, kept = 1;

	if (strchr(real, '\n') != NULL)
		return;
	sbuf_addf(&b, "%s%s\t%s\t", CACHE_HEADER, key,
	    c->version != NULL ? c->version : "-");
	for (i = 0; i < c->opts.n; i++)
		sbuf_addf(&b, "%s%s", i > 0 ? " " : "", c->opts.v[i]);
	sbuf_addf(&b, "\t%s\n", real);
	for (i = 0; i < old->n && kept < SMCAPS_CACHE_KEEP; i++)
		if (!same_path(old->v[i], real)) {
			sbuf_addf(&b, "%s\n", old->v[i]);
			kept++;
		}
	memset(&like, 0, sizeof(like));
	like.st_uid = geteuid();
	like.st_gid = getegid();
	like.st_mode = 0644;
	if (b.len <= SMCAPS_CACHE_MAX &&
	    fileio_replace(file, b.s, b.len, &like) < 0)
		msg_warn("cannot keep sendmail's capabilities in %s: %s", file,
		    strerror(errno));
	sbuf_free(&b);
}

/* run_probe - run bin -d0.1 -bt and parse what it printed. */
static int
run_probe(const char *bin, int timeout_ms, struct smcaps *c, char **why)
{
	struct proc_result r;
	char desc[64], said[200] = "";
	size_t n;
	int rc = 0;

	if (sendmail_compile_info(bin, timeout_ms, &r, why) < 0)
		return -1;
	if (r.timed_out)
		rc = seterr(why, "%s -d0.1 -bt %s", bin,
		    proc_describe(&r, desc, sizeof(desc)));
	else if (smcaps_parse(r.out.s, r.out.len, c, why) < 0) {
		/* What it said instead, if anything: exit, stderr's line. */
		n = strcspn(r.err.s, "\n");
		if (r.status != 0 || n > 0)
			snprintf(said, sizeof(said), "; %s%s%.*s",
			    proc_describe(&r, desc, sizeof(desc)),
			    n > 0 ? ": " : "", (int)(n < 120 ? n : 120),
			    r.err.s);
		rc = seterr(why, "%s -d0.1 printed no '" BLOCK_TAG "' block "
		    "(is it sendmail?)%s", bin, said);
	}
	proc_result_free(&r);
	return rc;
}

int
smcaps_probe(const char *bin, const char *state_dir, int timeout_ms,
    struct smcaps *c, char **why)
{
	struct strlist old = { 0 };
	struct stat st;
	char *real = NULL, *key = NULL, *file = NULL;
	int rc;

	memset(c, 0, sizeof(*c));
	if (state_dir != NULL) {
		/* Key first: a binary replaced meanwhile gets a new one. */
		if (stat(bin, &st) < 0 || (real = realpath(bin, NULL)) == NULL)
			return seterr(why, "cannot probe %s: %s", bin,
			    strerror(errno));
		key = xasprintf("%llu %llu %lld %lld",
		    (unsigned long long)st.st_dev,
		    (unsigned long long)st.st_ino, (long long)st.st_size,
		    (long long)st.st_mtime);
		file = xasprintf("%s/%s", state_dir, STATE_CAPS);
		if (cache_load(file, &old) == 0 &&
		    cache_find(&old, key, real, c) == 0) {
			rc = 0;
			goto out;
		}
	}
	if ((rc = run_probe(bin, timeout_ms, c, why)) == 0 && file != NULL)
		cache_store(file, &old, key, real, c);
out:
	if (rc == 0)
		c->path = xstrdup(bin);
	strlist_clear(&old);
	free(real);
	free(key);
	free(file);
	return rc;
}

char *
smcaps_resolve_program(const char *root, struct src *src,
    const char *subsystem, char **why)
{
	struct src_def d;
	struct stat st;
	const char *prog, *err;
	char *real;

	memset(&d, 0, sizeof(d));
	if (src_definition(src, subsystem, &d) < 0) {
		seterr(why, "cannot ask SRC for the program of %s: %s",
		    subsystem, src_error(src));
		return NULL;
	}
	prog = d.defined && d.path[0] != '\0' ? d.path : DEF_SENDMAIL_LINK;
	if (prog[0] != '/') {
		seterr(why, "SRC's program for %s, '%s', is not an absolute "
		    "path", subsystem, prog);
		return NULL;
	}
	if ((real = fileio_resolve(root != NULL ? root : "", prog)) == NULL) {
		seterr(why, "%s (SRC's program for %s): %s", prog, subsystem,
		    strerror(errno));
		return NULL;
	}
	if (stat(real, &st) < 0)
		err = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		err = "not a regular file";
	else
		return real;
	seterr(why, "%s (SRC's program for %s) leads to %s: %s", prog,
	    subsystem, real, err);
	free(real);
	return NULL;
}
