/*
 * incoming.c - take dropped desired-state files, or set them aside.
 *
 * Contract: see incoming.h.  Nothing here ever removes the current
 * desired state: a bad file only ever moves to rejected/.
 */
#include "incoming.h"
#include "desired.h"
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct cand {
	char		*name;
	struct timespec	 mtime;
};

/* cand_cmp - oldest first, to the nanosecond; then by name. */
static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* reject - move path to rejected/NAME and write NAME.err with why. */
static void
reject(const struct incoming_cfg *c, const char *name, const char *why,
    struct incoming_result *r)
{
	struct sbuf dir = { 0 }, from = { 0 }, to = { 0 }, err = { 0 };

	sbuf_addf(&dir, "%s/rejected", c->dir);
	fileio_mkdirs(dir.s, 0700);
	{
		struct stat st;

		/* Only a real directory of ours, never a link to elsewhere. */
		if (lstat(dir.s, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid()) {
			strlist_take(&r->messages, xasprintf("%s: rejected/ is "
			    "not a directory of ours; left %s in place", c->dir,
			    name));
			sbuf_free(&dir);
			return;
		}
	}
	sbuf_addf(&from, "%s/%s", c->dir, name);
	sbuf_addf(&to, "%s/%s", dir.s, name);
	sbuf_addf(&err, "%s/%s.err", dir.s, name);
	if (rename(from.s, to.s) < 0)
		unlink(from.s);		/* never take it again */
	fileio_replace(err.s, why, strlen(why), NULL);
	r->rejected++;
	strlist_take(&r->messages, xasprintf("rejected %s: %.*s", name,
	    (int)strcspn(why, "\n"), why));
	sbuf_free(&dir), sbuf_free(&from), sbuf_free(&to), sbuf_free(&err);
}

int
incoming_install(const struct incoming_cfg *c, const char *buf, size_t len,
    const char **what)
{
	struct stat st;
	char stamp[FILEIO_STAMP_SIZE];
	char *old, *bk = NULL;
	size_t olen;
	struct sbuf h = { 0 };
	int rc, saved;

	fileio_mkdirs(c->history, 0700);
	if (fileio_read(c->desired, DESIRED_MAX_BYTES, FILEIO_NOFOLLOW, &old,
	    &olen) == 0) {
		fileio_stamp(time(NULL), stamp, sizeof(stamp));
		sbuf_addf(&h, "%s/desired.yaml", c->history);
		/* fileio_backup names it h.STAMP[.N], owner and mode kept. */
		rc = fileio_replace(h.s, old, olen, NULL) == 0 &&
		    fileio_backup(h.s, stamp, &bk) == 0 ? 0 : -1;
		saved = errno;
		unlink(h.s);
		if (rc == 0)
			fileio_prune_backups(h.s, (size_t)c->keep);
		free(old);
		free(bk);
		sbuf_free(&h);
		/* No copy of the previous state (a full disk): not now. */
		if (rc < 0) {
			*what = "cannot keep the previous desired state in "
			    "the history";
			errno = saved;
			return -1;
		}
	}
	*what = "cannot install it as the desired state";
	memset(&st, 0, sizeof(st));
	st.st_uid = 0;
	st.st_gid = 0;
	st.st_mode = 0600;
	rc = fileio_replace(c->desired, buf, len, &st);
	return rc;
}

/*
 * scan - the files of c->dir to take, oldest first, into *v (*n of them,
 * caller frees); a file that may still be being written is left for
 * later, and r->wait says when it is due.  -1 if the directory cannot
 * be read.
 */
static int
scan(const struct incoming_cfg *c, struct cand **v, size_t *n,
    struct incoming_result *r)
{
	struct cand *cv = NULL;
	size_t cn = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	struct sbuf path = { 0 };
	time_t now = time(NULL);
	DIR *dp;

	*v = NULL;
	*n = 0;
	if ((dp = opendir(c->dir)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "rejected") == 0)
			continue;
		path.len = 0;
		sbuf_addf(&path, "%s/%s", c->dir, de->d_name);
		if (lstat(path.s, &st) < 0)
			continue;
		/* A future mtime (clock skew, a copy that kept it) is settled. */
		if (S_ISREG(st.st_mode) && now >= st.st_mtime &&
		    now - st.st_mtime < c->settle) {
			int due = (int)(c->settle - (now - st.st_mtime));

			if (r->wait == 0 || due < r->wait)
				r->wait = due;
			continue;	/* still being written, perhaps */
		}
		if (cn == cap) {
			cap = cap ? cap * 2 : 16;
			cv = xreallocarray(cv, cap, sizeof(*cv));
		}
		cv[cn].name = xstrdup(de->d_name);
		cv[cn++].mtime = st.st_mtim;
	}
	closedir(dp);
	sbuf_free(&path);
	if (cn > 1)
		qsort(cv, cn, sizeof(*cv), cand_cmp);
	*v = cv;
	*n = cn;
	return 0;
}

/* diags_text - every diagnostic of d, one line each (caller frees). */
static char *
diags_text(const struct diags *d)
{
	struct sbuf e = { 0 };
	size_t k;

	sbuf_add(&e, "", 0);
	for (k = 0; k < d->n; k++) {
		char *line = diags_format(d, k);

		sbuf_addf(&e, "%s\n", line);
		free(line);
	}
	return e.s;
}

/*
 * take_one - install the file name of c->dir as the desired state, or
 * reject it.  -1 (with a message) when it is good but cannot be installed
 * now: it stays where it is.
 */
static int
take_one(const struct incoming_cfg *c, const char *name,
    struct incoming_result *r)
{
	struct diags d;
	struct desired *ds;
	char *buf, *why, *path = xasprintf("%s/%s", c->dir, name);
	const char *what;
	size_t len;
	int rc = 0;

	if (fileio_read(path, DESIRED_MAX_BYTES, FILEIO_NOFOLLOW |
	    FILEIO_TRUSTED, &buf, &len) < 0) {
		char *refusal = fileio_read_error(errno, DESIRED_MAX_BYTES);

		why = xasprintf("%s: %s\n", path, refusal);
		reject(c, name, why, r);
		free(why);
		free(refusal);
		free(path);
		return 0;
	}
	diags_init(&d, path);
	ds = desired_load_buffer(buf, len, &d);
	if (ds == NULL) {
		why = diags_text(&d);
		reject(c, name, why, r);
		free(why);
	} else if (incoming_install(c, buf, len, &what) < 0) {
		/*
		 * A good file the host cannot take now (a full disk): it
		 * stays, and so does every newer one, so that the next scan
		 * installs them in order.  Soon, by itself.
		 */
		strlist_take(&r->messages, xasprintf("kept %s for the next "
		    "scan: %s: %s", name, what, strerror(errno)));
		rc = -1;
	} else {
		unlink(path);
		r->accepted++;
		strlist_take(&r->messages, xasprintf("accepted %s as the "
		    "desired state", name));
	}
	desired_free(ds);
	diags_free(&d);
	free(buf);
	free(path);
	return rc;
}

int
incoming_take(const struct incoming_cfg *c, struct incoming_result *r)
{
	struct cand *v;
	size_t n, i;
	struct stat st;

	memset(r, 0, sizeof(*r));
	/*
	 * An incoming directory others can write to is not scanned at all:
	 * moving their files about as root (into a "rejected" they made a
	 * link) would be a hole of its own.
	 */
	if (lstat(c->dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return -1;
	if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		strlist_take(&r->messages, xasprintf("%s is writable by others "
		    "or not owned by root: not scanned", c->dir));
		return 0;
	}
	if (scan(c, &v, &n, r) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (take_one(c, v[i].name, r) < 0) {
			/* It and every newer one wait for the next scan. */
			r->deferred += (int)(n - i);
			if (r->wait == 0 || r->wait > INCOMING_RETRY)
				r->wait = INCOMING_RETRY;
			break;
		}
	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	return 0;
}

void
incoming_result_free(struct incoming_result *r)
{
	strlist_clear(&r->messages);
}
