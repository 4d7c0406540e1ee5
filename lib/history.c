/*
 * history.c - generations: records, the content-addressed store,
 * retention, listing and diffs.
 *
 * Contract: see history.h.  A record is text, one "key value" line each,
 * read strictly: an unknown key or a malformed sha256 makes the record
 * unreadable, and an unreadable record stops the deletion of objects.
 * Objects are written before the record that names them, so a run
 * killed in between leaves only objects no record names, which the next
 * run under the lock removes.
 */
#include "history.h"
#include "desired.h"
#include "diff.h"
#include "digest.h"
#include "fileio.h"
#include "msg.h"
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RECORD_MAGIC	"mailprov-generation 1"
#define ID_LEN		19	/* YYYYMMDD-HHMMSS-NNN */

static const char *const kind_name[PLAN_NFILES] = { "local-host-names",
    "relay-domains", "aliases", "access", "sendmail.cf" };

/* ------------------------------------------------------------ names */

static char *
gen_dir(const char *state_dir)
{
	return xasprintf("%s/%s", state_dir, STATE_GENERATIONS);
}

char *
history_object(const char *state_dir, const char *sha)
{
	return xasprintf("%s/%s/%s/%s", state_dir, STATE_GENERATIONS,
	    STATE_OBJECTS, sha);
}

/* is_sha - 64 lower-case hex digits. */
static int
is_sha(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* is_id - the shape of an id: YYYYMMDD-HHMMSS-NNN. */
static int
is_id(const char *s)
{
	size_t i;

	if (strlen(s) != ID_LEN)
		return 0;
	for (i = 0; i < ID_LEN; i++)
		if ((i == 8 || i == 15) ? s[i] != '-' : (s[i] < '0' ||
		    s[i] > '9'))
			return 0;
	return 1;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* list_ids - the ids in the store, oldest first; -1 if unreadable. */
static int
list_ids(const char *state_dir, struct strlist *ids)
{
	char *dir = gen_dir(state_dir);
	struct dirent *de;
	DIR *dp;

	dp = opendir(dir);
	free(dir);
	if (dp == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(dp)) != NULL)
		if (is_id(de->d_name))
			strlist_push(ids, de->d_name);
	closedir(dp);
	if (ids->n > 1)
		qsort(ids->v, ids->n, sizeof(*ids->v), str_cmp);
	return 0;
}

/*
 * stamp_time - the UTC time of an id's stamp (YYYYMMDD-HHMMSS), counted
 * as timegm would (which POSIX lacks): days from the civil date.
 */
static time_t
stamp_time(const char *id)
{
	int y, mo, d, h, mi, s;
	long yy, era, yoe, doy, doe, days;

	if (sscanf(id, "%4d%2d%2d-%2d%2d%2d", &y, &mo, &d, &h, &mi, &s) != 6)
		return 0;
	yy = mo <= 2 ? y - 1 : y;
	era = (yy >= 0 ? yy : yy - 399) / 400;
	yoe = yy - era * 400;
	doy = (153L * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * 146097 + doe - 719468;
	return (time_t)days * 86400 + h * 3600 + mi * 60 + s;
}

/* id_at - the id of stamp t and counter n. */
static void
id_at(time_t t, int n, char *id)
{
	char stamp[FILEIO_STAMP_SIZE];
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(stamp, sizeof(stamp),
	    FILEIO_STAMP_FMT, &tm) != FILEIO_STAMP_LEN)
		snprintf(stamp, sizeof(stamp), "00000000-000000");
	snprintf(id, HISTORY_ID_SIZE, "%.15s-%03d", stamp, n);
}

/*
 * next_id - now's stamp (UTC) and a counter, above every id there is:
 * in the newest id's second (the same second, or the clock went back)
 * with the next count, or in the second after it once 999 is used.
 */
static void
next_id(const struct strlist *ids, time_t now, char *id)
{
	const char *last = ids->n ? ids->v[ids->n - 1] : "";
	int n;

	id_at(now, 1, id);
	if (strcmp(id, last) > 0)
		return;
	n = atoi(last + FILEIO_STAMP_LEN + 1);
	if (n < 999)
		snprintf(id, HISTORY_ID_SIZE, "%.15s-%03d", last, n + 1);
	else
		id_at(stamp_time(last) + 1, 1, id);
}

/* ---------------------------------------------------------- records */

static void
gen_format(const struct history_gen *g, struct sbuf *b)
{
	size_t i;

	sbuf_addf(b, "%s\nid %s\ntime %lld\nwho %s\n", RECORD_MAGIC, g->id,
	    (long long)g->time, g->who);
	if (g->restored != NULL)
		sbuf_addf(b, "restored %s\n", g->restored);
	sbuf_addf(b, "desired %s\ndesired-before %s\n", g->desired,
	    g->desired_before);
	if (g->map_class != NULL)
		sbuf_addf(b, "map %s\n", g->map_class);
	for (i = 0; i < PLAN_NFILES; i++) {
		const struct history_file *f = &g->f[i];

		if (f->label == NULL)
			continue;
		sbuf_addf(b, "file %s %s %s %s\n", kind_name[i], f->before,
		    f->after, f->label);
		if (f->backup != NULL)
			sbuf_addf(b, "backup %s %s\n", kind_name[i], f->backup);
	}
}

/* kind_of - the plan kind named s, or -1. */
static int
kind_of(const char *s, size_t n)
{
	int i;

	for (i = 0; i < PLAN_NFILES; i++)
		if (strlen(kind_name[i]) == n && strncmp(s, kind_name[i], n) ==
		    0)
			return i;
	return -1;
}

/* sha_field - a sha256 or "-" copied into out; -1 if neither. */
static int
sha_field(const char *s, size_t n, char *out)
{
	if (n >= 65)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return is_sha(out) || strcmp(out, HISTORY_NONE) == 0 ? 0 : -1;
}

/* parse_file - "KIND BEFORE AFTER LABEL" into g. */
static int
parse_file(const char *v, struct history_gen *g)
{
	const char *b = strchr(v, ' '), *a, *l;
	int k;

	if (b == NULL || (a = strchr(b + 1, ' ')) == NULL ||
	    (l = strchr(a + 1, ' ')) == NULL || l[1] != '/' ||
	    (k = kind_of(v, (size_t)(b - v))) < 0 || g->f[k].label != NULL)
		return -1;
	if (sha_field(b + 1, (size_t)(a - b - 1), g->f[k].before) < 0 ||
	    sha_field(a + 1, (size_t)(l - a - 1), g->f[k].after) < 0)
		return -1;
	g->f[k].label = xstrdup(l + 1);
	return 0;
}

/* parse_line - one "key value" line into g; -1 if not understood. */
static int
parse_line(const char *key, const char *v, struct history_gen *g)
{
	const char *sp;
	int k;

	if (strcmp(key, "id") == 0 && is_id(v))
		memcpy(g->id, v, ID_LEN + 1);
	else if (strcmp(key, "time") == 0)
		g->time = (time_t)strtoll(v, NULL, 10);
	else if (strcmp(key, "who") == 0 && g->who == NULL)
		g->who = xstrdup(v);
	else if (strcmp(key, "restored") == 0 && g->restored == NULL)
		g->restored = xstrdup(v);
	else if (strcmp(key, "desired") == 0)
		return sha_field(v, strlen(v), g->desired);
	else if (strcmp(key, "desired-before") == 0)
		return sha_field(v, strlen(v), g->desired_before);
	else if (strcmp(key, "map") == 0 && g->map_class == NULL)
		g->map_class = xstrdup(v);
	else if (strcmp(key, "file") == 0)
		return parse_file(v, g);
	else if (strcmp(key, "backup") == 0 && (sp = strchr(v, ' ')) != NULL &&
	    (k = kind_of(v, (size_t)(sp - v))) >= 0 && g->f[k].label != NULL &&
	    g->f[k].backup == NULL)
		g->f[k].backup = xstrdup(sp + 1);
	else
		return -1;
	return 0;
}

/* parse - the text of record id into g. */
static int
parse(const char *id, char *text, struct history_gen *g, char **why)
{
	char *line, *save = NULL, *sp;
	unsigned n = 0;

	memset(g, 0, sizeof(*g));
	snprintf(g->desired, sizeof(g->desired), HISTORY_NONE);
	snprintf(g->desired_before, sizeof(g->desired_before), HISTORY_NONE);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		n++;
		if (n == 1 && strcmp(line, RECORD_MAGIC) == 0)
			continue;
		if (n == 1 || (sp = strchr(line, ' ')) == NULL)
			break;
		*sp = '\0';
		if (parse_line(line, sp + 1, g) < 0)
			break;
	}
	if (line == NULL && strcmp(g->id, id) == 0 && g->who != NULL)
		return 0;
	history_gen_free(g);
	return seterr(why, "generation %s: line %u is not understood: the "
	    "record was changed by hand or is damaged", id, n);
}

/*
 * read_gen - the record named id (an exact id): -1 when it cannot be
 * read (errno), -2 when it is damaged.
 */
static int
read_gen(const char *state_dir, const char *id, struct history_gen *g,
    char **why)
{
	char *path = xasprintf("%s/%s/%s", state_dir, STATE_GENERATIONS, id);
	char *text;
	size_t len;
	int r;

	memset(g, 0, sizeof(*g));
	if (fileio_read(path, 1024 * 1024, FILEIO_NOFOLLOW, &text, &len) < 0) {
		r = seterr(why, "%s: %s", path, strerror(errno));
		free(path);
		return r;
	}
	free(path);
	r = parse(id, text, g, why) < 0 ? -2 : 0;
	free(text);
	return r;
}

void
history_gen_free(struct history_gen *g)
{
	size_t i;

	free(g->who);
	free(g->restored);
	free(g->map_class);
	for (i = 0; i < PLAN_NFILES; i++) {
		free(g->f[i].label);
		free(g->f[i].backup);
	}
	memset(g, 0, sizeof(*g));
}

/* ------------------------------------------------------------- store */

/* store - the object sha holding buf, unless it is there already. */
static int
store(const char *state_dir, const char *sha, const char *buf, size_t len,
    char **why)
{
	char *path = history_object(state_dir, sha);
	struct stat like, st;
	int r = 0;

	memset(&like, 0, sizeof(like));
	like.st_uid = geteuid();
	like.st_gid = getegid();
	like.st_mode = 0600;
	/* Kept already (a damaged one of another size is written again;
	 * history_bytes checks every object read). */
	if ((stat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != len) && fileio_replace(path, buf, len,
	    &like) != 0)
		r = seterr(why, "cannot write %s: %s", path, strerror(errno));
	free(path);
	return r;
}

int
history_bytes(const char *state_dir, const char *sha, char **buf,
    size_t *len, char **why)
{
	char *path = history_object(state_dir, sha);
	char got[65];
	int r = -1;

	*buf = NULL;
	if (!is_sha(sha))
		seterr(why, "'%s' is not a sha256", sha);
	else if (fileio_read(path, PLAN_MAX_FILE, FILEIO_NOFOLLOW, buf,
	    len) < 0)
		seterr(why, "%s: %s", path, strerror(errno));
	else if (digest_sha256_hex(*buf, *len, got) < 0)
		seterr(why, "%s: cannot compute its sha256 (no libcrypto)",
		    path);
	else if (strcmp(got, sha) != 0)
		seterr(why, "%s was changed since it was kept (its sha256 is "
		    "now %.12s...): not used", path, got);
	else
		r = 0;
	if (r < 0) {
		free(*buf);
		*buf = NULL;
	}
	free(path);
	return r;
}

/* add_refs - the objects g names, into refs. */
static void
add_refs(const struct history_gen *g, struct strlist *refs)
{
	size_t i;

	strlist_push(refs, g->desired);
	strlist_push(refs, g->desired_before);
	for (i = 0; i < PLAN_NFILES; i++)
		if (g->f[i].label != NULL) {
			strlist_push(refs, g->f[i].before);
			strlist_push(refs, g->f[i].after);
		}
}

/*
 * read_refs - the objects every record names, into refs (NULL: every
 * record is read, none kept), and the newest record's desired state into
 * newest: 0; 1 when a record is damaged (it is said, and refs are not
 * whole: nothing may be deleted); -1 when one cannot be read.
 */
static int
read_refs(const char *state_dir, struct strlist *refs, char *newest,
    char **why)
{
	struct strlist ids = { 0 };
	struct history_gen g;
	size_t i;
	int r = 0, k;

	snprintf(newest, 65, HISTORY_NONE);
	if (list_ids(state_dir, &ids) < 0)
		r = seterr(why, "cannot read %s/%s: %s", state_dir,
		    STATE_GENERATIONS, strerror(errno));
	for (i = 0; i < ids.n && r >= 0; i++) {
		if ((k = read_gen(state_dir, ids.v[i], &g, why)) == -2) {
			msg_warn("%s; no kept bytes are deleted until it is "
			    "mended or removed", *why);
			free(*why);
			*why = NULL;
			r = 1;
			continue;
		}
		if (k < 0)
			r = -1;
		else {
			if (refs != NULL)
				add_refs(&g, refs);
			memcpy(newest, g.desired, 65);
			history_gen_free(&g);
		}
	}
	strlist_clear(&ids);
	return r;
}

/* sweep - the objects not in refs are deleted; how many. */
static int
sweep(const char *state_dir, const struct strlist *refs)
{
	char *dir = xasprintf("%s/%s/%s", state_dir, STATE_GENERATIONS,
	    STATE_OBJECTS), *path;
	struct dirent *de;
	DIR *dp;
	int n = 0;

	if ((dp = opendir(dir)) != NULL) {
		while ((de = readdir(dp)) != NULL) {
			if (!is_sha(de->d_name) || strlist_find(refs,
			    de->d_name, 0) >= 0)
				continue;
			path = xasprintf("%s/%s", dir, de->d_name);
			n += unlink(path) == 0;
			free(path);
		}
		closedir(dp);
	}
	free(dir);
	return n;
}

/* drop_old - the oldest records beyond the newest keep go. */
static void
drop_old(const char *state_dir, int keep)
{
	struct strlist ids = { 0 };
	char *path;
	size_t i;

	if (list_ids(state_dir, &ids) < 0)
		return;
	for (i = 0; i + (size_t)keep < ids.n; i++) {
		path = xasprintf("%s/%s/%s", state_dir, STATE_GENERATIONS,
		    ids.v[i]);
		if (unlink(path) < 0 && errno != ENOENT)
			msg_warn("cannot remove the generation %s: %s", path,
			    strerror(errno));
		free(path);
	}
	strlist_clear(&ids);
}

void
history_forget(const char *state_dir, const char *id)
{
	char *path = xasprintf("%s/%s/%s", state_dir, STATE_GENERATIONS, id);

	if (is_id(id))
		fileio_remove(path);
	free(path);
}

int
history_remove_stale(const char *state_dir)
{
	char *gd = xasprintf("%s/%s/", state_dir, STATE_GENERATIONS);
	char *od = xasprintf("%s%s/", gd, STATE_OBJECTS);
	struct strlist refs = { 0 };
	char *why = NULL, newest[65];
	int n;

	n = fileio_remove_stale(gd) + fileio_remove_stale(od);
	if (read_refs(state_dir, &refs, newest, &why) == 0)
		n += sweep(state_dir, &refs);
	strlist_clear(&refs);
	free(why);
	free(gd);
	free(od);
	return n;
}

/* ------------------------------------------------------------ record */

#define SLOTS		(2 * PLAN_NFILES + 1)	/* before, after; desired */
#define SLOT_DESIRED	(2 * PLAN_NFILES)

/* The bytes of one run: slot 2k before file k, 2k + 1 after it. */
struct slots {
	const char	*buf[SLOTS];
	size_t		 len[SLOTS];
	int		 used[SLOTS];	/* 0: no such file */
	char		*owned[SLOTS];
	char		 sha[SLOTS][65];
};

/*
 * gather_file - the bytes of f before and after the run.  A file that
 * stayed as it was and whose bytes the plan did not hold (an aliases
 * file only read through) is read now: it is as it was.
 */
static int
gather_file(const struct plan_file *f, int k, struct slots *s, char **why)
{
	int b = 2 * k, a = 2 * k + 1;

	if (f->exists && !f->changed && f->oldlen != (size_t)f->st.st_size) {
		if (fileio_read(f->path, PLAN_MAX_FILE, FILEIO_NOFOLLOW,
		    &s->owned[b], &s->len[b]) < 0)
			return seterr(why, "%s: %s", f->label,
			    strerror(errno));
		s->buf[b] = s->owned[b];
	} else
		s->buf[b] = f->old, s->len[b] = f->oldlen;
	s->used[b] = f->exists;
	if (f->changed)
		s->buf[a] = f->new.s, s->len[a] = f->new.len;
	else
		s->buf[a] = s->buf[b], s->len[a] = s->len[b];
	s->used[a] = f->changed ? !f->remove : f->exists;
	if (s->buf[a] == NULL)
		s->buf[a] = "";
	return 0;
}

/* gather - every slot, hashed in one child. */
static int
gather(const struct plan *p, const struct history_note *note,
    struct slots *s, char **why)
{
	const void *bufs[SLOTS];
	size_t lens[SLOTS], n = 0, i;
	char (*shas)[65] = xcalloc(SLOTS, 65);
	int r = 0;

	for (i = 0; i < PLAN_NFILES && r == 0; i++)
		if (p->f[i].managed)
			r = gather_file(&p->f[i], (int)i, s, why);
	if (note->desired != NULL) {
		s->buf[SLOT_DESIRED] = note->desired;
		s->len[SLOT_DESIRED] = note->desired_len;
		s->used[SLOT_DESIRED] = 1;
	}
	for (i = 0; i < SLOTS; i++)
		if (s->used[i])
			bufs[n] = s->buf[i], lens[n++] = s->len[i];
	if (r == 0 && digest_sha256_hexv(n, bufs, lens, shas) < 0)
		r = seterr(why, "cannot compute sha256 digests (no libcrypto "
		    "could be loaded)");
	for (i = 0, n = 0; i < SLOTS; i++)
		snprintf(s->sha[i], 65, "%s", s->used[i] ? shas[n++] :
		    HISTORY_NONE);
	free(shas);
	return r;
}

/* gen_of - the record of p's run, from its slots. */
static void
gen_of(const struct plan *p, const struct history_note *n,
    const struct slots *s, struct history_gen *g)
{
	size_t i;

	g->time = time(NULL);
	g->who = xstrdup(n->who);
	g->restored = n->restored ? xstrdup(n->restored) : NULL;
	memcpy(g->desired, s->sha[SLOT_DESIRED], 65);
	g->map_class = p->map_class ? xstrdup(p->map_class) : NULL;
	for (i = 0; i < PLAN_NFILES; i++) {
		const struct plan_file *f = &p->f[i];

		if (!f->managed)
			continue;
		g->f[i].label = xstrdup(f->label);
		memcpy(g->f[i].before, s->sha[2 * i], 65);
		memcpy(g->f[i].after, s->sha[2 * i + 1], 65);
		if (f->backup != NULL)
			g->f[i].backup = xstrdup(fileio_inside(p->root,
			    f->backup));
	}
}

/* write_gen - g's record, atomically, named by a new id. */
static int
write_gen(const char *state_dir, struct history_gen *g, char **why)
{
	struct strlist ids = { 0 };
	struct sbuf b = { 0 };
	struct stat like;
	char *path;
	int r = 0;

	if (list_ids(state_dir, &ids) < 0)
		return seterr(why, "cannot read %s/%s: %s", state_dir,
		    STATE_GENERATIONS, strerror(errno));
	next_id(&ids, g->time, g->id);
	gen_format(g, &b);
	memset(&like, 0, sizeof(like));
	like.st_uid = geteuid();
	like.st_gid = getegid();
	like.st_mode = 0600;
	path = xasprintf("%s/%s/%s", state_dir, STATE_GENERATIONS, g->id);
	if (fileio_replace(path, b.s, b.len, &like) != 0)
		r = seterr(why, "cannot write %s: %s", path, strerror(errno));
	free(path);
	sbuf_free(&b);
	strlist_clear(&ids);
	return r;
}

/*
 * same_as_newest - every file of s is as the newest record g left it
 * (so a run that only finished an interrupted one adds nothing).
 */
static int
same_as_newest(const struct plan *p, const struct slots *s,
    const struct history_gen *g)
{
	size_t i;

	for (i = 0; i < PLAN_NFILES; i++) {
		if (!p->f[i].managed)
			continue;
		if (g->f[i].label == NULL || strcmp(g->f[i].label,
		    p->f[i].label) != 0 || strcmp(g->f[i].after,
		    s->sha[2 * i + 1]) != 0)
			return 0;
	}
	return 1;
}

/*
 * newest_gen - the newest record into g: 1; 0: there is none (or it is
 * damaged); -1: it cannot be read (said in why).
 */
static int
newest_gen(const char *state_dir, struct history_gen *g, char **why)
{
	struct strlist ids = { 0 };
	int r = 0;

	memset(g, 0, sizeof(*g));
	if (list_ids(state_dir, &ids) < 0)
		r = seterr(why, "cannot read %s/%s: %s", state_dir,
		    STATE_GENERATIONS, strerror(errno));
	else if (ids.n > 0) {
		r = read_gen(state_dir, ids.v[ids.n - 1], g, why);
		if (r == -2) {		/* damaged: as if there were none */
			free(*why);
			*why = NULL;
			r = 0;
		} else
			r = r < 0 ? -1 : 1;
	}
	strlist_clear(&ids);
	return r;
}

int
history_record(const char *state_dir, const struct plan *p,
    const struct history_note *n, char *id, char **why)
{
	struct slots s;
	struct history_gen g, last;
	char *objs = xasprintf("%s/%s/%s", state_dir, STATE_GENERATIONS,
	    STATE_OBJECTS), newest[65];
	size_t i;
	int r, k;

	memset(&s, 0, sizeof(s));
	memset(&g, 0, sizeof(g));
	memset(&last, 0, sizeof(last));
	*why = NULL;
	id[0] = '\0';
	if ((r = fileio_mkdirs(objs, 0700)) < 0)
		seterr(why, "cannot write %s: %s", objs, strerror(errno));
	if (r == 0)
		r = gather(p, n, &s, why);
	/* Every record is read first: one that cannot be read fails the
	 * run; a damaged one is said (read_refs) and left. */
	if (r == 0 && (r = read_refs(state_dir, NULL, newest, why)) > 0)
		r = 0;
	if (r == 0 && n->unless_same) {
		if ((k = newest_gen(state_dir, &last, why)) < 0)
			r = -1;
		else if (k > 0 && same_as_newest(p, &s, &last))
			goto out;
	}
	for (i = 0; i < SLOTS && r == 0; i++)
		if (s.used[i])
			r = store(state_dir, s.sha[i], s.buf[i], s.len[i], why);
	if (r == 0) {
		gen_of(p, n, &s, &g);
		memcpy(g.desired_before, newest, 65);
		r = write_gen(state_dir, &g, why);
		if (r == 0)
			snprintf(id, HISTORY_ID_SIZE, "%s", g.id);
	}
out:
	for (i = 0; i < SLOTS; i++)
		free(s.owned[i]);
	history_gen_free(&g);
	history_gen_free(&last);
	free(objs);
	return r;
}

void
history_prune(const char *state_dir, int keep)
{
	struct strlist refs = { 0 };
	char *why = NULL, newest[65];

	drop_old(state_dir, keep < 1 ? 1 : keep);
	if (read_refs(state_dir, &refs, newest, &why) == 0)
		sweep(state_dir, &refs);
	else if (why != NULL)
		msg_warn("%s; no kept bytes are deleted", why);
	strlist_clear(&refs);
	free(why);
}

/* ------------------------------------------------------------- read */

int
history_list(const char *state_dir, struct history_gen **v, size_t *n,
    char **why)
{
	struct strlist ids = { 0 };
	size_t i;
	int r = 0;

	*v = NULL;
	*n = 0;
	if (list_ids(state_dir, &ids) < 0)
		return seterr(why, "cannot read %s/%s: %s", state_dir,
		    STATE_GENERATIONS, strerror(errno));
	*v = xcalloc(ids.n + 1, sizeof(**v));
	for (i = ids.n; i > 0 && r == 0; i--) {
		if ((r = read_gen(state_dir, ids.v[i - 1], &(*v)[*n],
		    why)) == 0)
			(*n)++;
		else if (r == -2) {	/* damaged: said, the others listed */
			msg_warn("%s", *why);
			free(*why);
			*why = NULL;
			history_gen_free(&(*v)[*n]);
			r = 0;
		}
	}
	strlist_clear(&ids);
	if (r < 0) {
		for (i = 0; i < *n; i++)
			history_gen_free(&(*v)[i]);
		free(*v);
		*v = NULL;
		*n = 0;
	}
	return r;
}

int
history_load(const char *state_dir, const char *id, struct history_gen *g,
    char **why)
{
	struct strlist ids = { 0 };
	const char *hit = NULL;
	size_t i, len = strlen(id), hits = 0;
	int r;

	memset(g, 0, sizeof(*g));
	if (list_ids(state_dir, &ids) < 0)
		return seterr(why, "cannot read %s/%s: %s", state_dir,
		    STATE_GENERATIONS, strerror(errno));
	for (i = 0; i < ids.n; i++)
		if (len > 0 && strncmp(ids.v[i], id, len) == 0) {
			hit = ids.v[i];
			hits++;
			if (strlen(hit) == len) {	/* exact: it wins */
				hits = 1;
				break;
			}
		}
	if (hits == 1)
		r = read_gen(state_dir, hit, g, why);
	else
		r = seterr(why, "%s generation '%s' (mailprov history lists "
		    "them)", hits ? "more than one" : "no", id);
	strlist_clear(&ids);
	return r;
}

/* changed_labels - the files g changed, ", " between them. */
static void
changed_labels(const struct history_gen *g, struct sbuf *b)
{
	size_t i, n = 0;

	for (i = 0; i < PLAN_NFILES; i++)
		if (g->f[i].label != NULL &&
		    strcmp(g->f[i].before, g->f[i].after) != 0)
			sbuf_addf(b, "%s%s", n++ ? ", " : "", g->f[i].label);
	if (n == 0)
		sbuf_adds(b, "(no file)");
}

/* print_json - one generation as a JSON object. */
static void
print_json(const struct history_gen *g, struct sbuf *b)
{
	char t[32];
	struct tm tm;
	size_t i, n = 0;

	if (gmtime_r(&g->time, &tm) == NULL || strftime(t, sizeof(t),
	    "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		t[0] = '\0';
	sbuf_addf(b, "{\"id\":\"%s\",\"time\":\"%s\",\"who\":", g->id, t);
	sbuf_json_str(b, g->who);
	sbuf_adds(b, ",\"restored\":");
	if (g->restored != NULL)
		sbuf_json_str(b, g->restored);
	else
		sbuf_adds(b, "null");
	sbuf_addf(b, ",\"desired_sha256\":\"%s\",\"desired_before_sha256\":"
	    "\"%s\",\"store\":\"%s/%s\",\"files\":[", g->desired,
	    g->desired_before, STATE_GENERATIONS, STATE_OBJECTS);
	for (i = 0; i < PLAN_NFILES; i++) {
		const struct history_file *f = &g->f[i];

		if (f->label == NULL)
			continue;
		sbuf_addf(b, "%s{\"path\":", n++ ? "," : "");
		sbuf_json_str(b, f->label);
		/* Not the access map's: with its masked diff, the hash of a
		 * file holding an AuthInfo: password would let a weak one be
		 * guessed offline. */
		if (i == PLAN_ACCESS)
			sbuf_addf(b, ",\"changed\":%s,\"before_sha256\":null,"
			    "\"after_sha256\":null,\"backup\":",
			    strcmp(f->before, f->after) ? "true" : "false");
		else
			sbuf_addf(b, ",\"changed\":%s,\"before_sha256\":"
			    "\"%s\",\"after_sha256\":\"%s\",\"backup\":",
			    strcmp(f->before, f->after) ? "true" : "false",
			    f->before, f->after);
		if (f->backup != NULL)
			sbuf_json_str(b, f->backup);
		else
			sbuf_adds(b, "null");
		sbuf_adds(b, "}");
	}
	sbuf_adds(b, "]}");
}

void
history_print(const struct history_gen *v, size_t n, int json, FILE *out)
{
	struct sbuf b = { 0 };
	char t[32];
	struct tm tm;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct history_gen *g = &v[i];

		if (json) {
			sbuf_adds(&b, i ? ",\n " : "[");
			print_json(g, &b);
			continue;
		}
		if (localtime_r(&g->time, &tm) == NULL || strftime(t,
		    sizeof(t), "%Y-%m-%d %H:%M:%S", &tm) == 0)
			t[0] = '\0';
		sbuf_addf(&b, "%s  %s  %s%s%s  ", g->id, t, g->who,
		    g->restored ? ", restore of " : "", g->restored ?
		    g->restored : "");
		changed_labels(g, &b);
		sbuf_addf(&b, "  desired %.12s\n", g->desired);
	}
	if (json)
		sbuf_adds(&b, n ? "]\n" : "[]\n");
	if (b.len > 0)
		fputs(b.s, out);
	sbuf_free(&b);
}

/* bytes_or_none - the object sha, or "" for HISTORY_NONE. */
static int
bytes_or_none(const char *state_dir, const char *sha, char **buf,
    size_t *len, char **why)
{
	if (strcmp(sha, HISTORY_NONE) != 0)
		return history_bytes(state_dir, sha, buf, len, why);
	*buf = xstrdup("");
	*len = 0;
	return 0;
}

/* diff_file - one file's diff, before -> after, onto out. */
static int
diff_file(const char *state_dir, const struct history_file *f, int kind,
    struct sbuf *out, char **why)
{
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	int r = -1;

	if (bytes_or_none(state_dir, f->before, &a, &alen, why) == 0 &&
	    bytes_or_none(state_dir, f->after, &b, &blen, why) == 0) {
		if (strcmp(f->before, HISTORY_NONE) == 0)
			sbuf_addf(out, "# new file %s\n", f->label);
		else if (strcmp(f->after, HISTORY_NONE) == 0)
			sbuf_addf(out, "# removed file %s\n", f->label);
		plan_diff_file(kind, f->label, a, alen, b, blen, out);
		r = 0;
	}
	free(a);
	free(b);
	return r;
}

int
history_diff(const char *state_dir, const struct history_gen *g,
    struct sbuf *out, char **why)
{
	static const int order[] = { PLAN_SENDMAIL_CF, PLAN_LOCAL_HOST_NAMES,
	    PLAN_RELAY_DOMAINS, PLAN_ALIASES, PLAN_ACCESS };
	size_t i;

	for (i = 0; i < PLAN_NFILES; i++) {
		const struct history_file *f = &g->f[order[i]];

		if (f->label != NULL && strcmp(f->before, f->after) != 0 &&
		    diff_file(state_dir, f, order[i], out, why) < 0)
			return -1;
	}
	sbuf_add(out, "", 0);
	return 0;
}

int
history_target(const char *state_dir, const struct history_gen *g,
    int before, struct plan_target *t, char **why)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < PLAN_NFILES; i++) {
		const struct history_file *f = &g->f[i];
		const char *sha = before ? f->before : f->after;

		if (f->label == NULL)
			continue;
		t->f[i].label = xstrdup(f->label);
		t->f[i].absent = strcmp(sha, HISTORY_NONE) == 0;
		if (bytes_or_none(state_dir, sha, &t->f[i].bytes,
		    &t->f[i].len, why) < 0) {
			plan_target_free(t);
			return -1;
		}
	}
	t->map_class = g->map_class ? xstrdup(g->map_class) : NULL;
	return 0;
}
