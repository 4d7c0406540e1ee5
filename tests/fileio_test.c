/*
 * fileio_test.c - lib/fileio.c: which backups fileio_prune_backups keeps,
 * that fileio_replace keeps owner and mode, fileio_read's limits, and
 * that fileio_scan gives every byte once, in order, under the same ones.
 * Each case works in a new directory under $TMPDIR (or /tmp).
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "util.h"

/* scratch - a new empty directory (caller removes it with rmtree). */
static char *
scratch(void)
{
	const char *t = getenv("TMPDIR");
	char *d;

	d = xmalloc(strlen(t != NULL && *t != '\0' ? t : "/tmp") + 32);
	sprintf(d, "%s/fileio_test.XXXXXX", t != NULL && *t != '\0' ? t :
	    "/tmp");
	if (mkdtemp(d) == NULL)
		fail_msg("mkdtemp %s: %s", d, strerror(errno));
	return d;
}

/* rmtree - remove dir and the plain files in it. */
static void
rmtree(char *dir)
{
	struct dirent *de;
	char path[4096];
	DIR *dp = opendir(dir);

	while (dp != NULL && (de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (dp != NULL)
		closedir(dp);
	rmdir(dir);
	free(dir);
}

static void
put(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("create %s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static int
exists(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* count - how many entries dir holds (less . and ..). */
static size_t
count(const char *dir)
{
	struct dirent *de;
	DIR *dp = opendir(dir);
	size_t n = 0;

	while (dp != NULL && (de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	if (dp != NULL)
		closedir(dp);
	return n;
}

/*
 * The directory every prune case starts from: the file, its backups
 * (created in no particular order, so that only the names can tell the
 * newest), and names that only look like backups of "aliases".
 */
static const char *const backups[] = {	/* oldest first */
	"aliases.20230105-120000",
	"aliases.20240101-000000",
	"aliases.20240101-000000.1",
	"aliases.20240101-000000.2",
	"aliases.20240101-000000.10",	/* after .2: the suffix is a number */
	"aliases.20240301-235959",
	NULL
};
static const char *const bystanders[] = {
	"aliases",			/* the file itself */
	"aliases.db",
	"aliases.db.20200101-000000",	/* a backup of aliases.db */
	"myaliases.20200101-000000",	/* of another file ending so */
	"aliases2.20200101-000000",
	"aliases.2020010-1000000",	/* the dash misplaced */
	"aliases.20200101-00000",	/* a digit short */
	"aliases.20200101-000000x",
	"aliases.20200101-000000.",	/* a dot and no number */
	"aliases.20200101-000000.1a",
	".aliases.20200101-000000",	/* hidden */
	NULL
};

static void
test_prune_backups(void **state)
{
	static const size_t order[] = { 3, 0, 5, 1, 4, 2 };	/* creation */
	static const struct {
		size_t keep;
		int deleted;	/* want: returned, and the oldest ones gone */
	} cases[] = {
		{ 10, 0 },
		{ 7, 0 },
		{ 6, 0 },
		{ 5, 1 },
		{ 3, 3 },
		{ 1, 5 },
		{ 0, 6 },
	};
	size_t i, k, nb = 0, ns = 0;
	int got, bad = 0;

	(void)state;
	while (backups[nb] != NULL)
		nb++;
	while (bystanders[ns] != NULL)
		ns++;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *dir = scratch(), path[4096];

		for (k = 0; k < ns; k++)
			put(dir, bystanders[k], "x\n");
		for (k = 0; k < nb; k++)
			put(dir, backups[order[k]], "b\n");
		snprintf(path, sizeof(path), "%s/aliases", dir);
		got = fileio_prune_backups(path, cases[i].keep);
		if (got != cases[i].deleted) {
			print_error("keep %zu: want %d deleted, got %d\n",
			    cases[i].keep, cases[i].deleted, got);
			bad++;
		}
		for (k = 0; k < nb; k++)
			if (exists(dir, backups[k]) != ((int)k >= cases[i].deleted)) {
				print_error("keep %zu: %s %s\n", cases[i].keep,
				    backups[k], exists(dir, backups[k]) ?
				    "kept, want deleted" : "deleted, want kept");
				bad++;
			}
		for (k = 0; k < ns; k++)
			if (!exists(dir, bystanders[k])) {
				print_error("keep %zu: %s deleted, not a backup "
				    "of aliases\n", cases[i].keep, bystanders[k]);
				bad++;
			}
		rmtree(dir);
	}
	assert_int_equal(bad, 0);
}

static void
test_prune_no_directory(void **state)
{
	(void)state;
	assert_int_equal(fileio_prune_backups("/nonexistent-dir/aliases", 3),
	    -1);
}

/* A backup made by fileio_backup is one that prune counts. */
static void
test_backup_then_prune(void **state)
{
	char *dir = scratch(), path[4096], *b1 = NULL, *b2 = NULL;

	(void)state;
	put(dir, "relay-domains", "a\n");
	snprintf(path, sizeof(path), "%s/relay-domains", dir);
	assert_int_equal(fileio_backup(path, "20240101-000000", &b1), 0);
	assert_int_equal(fileio_backup(path, "20240101-000000", &b2), 0);
	assert_true(strstr(b1, "/relay-domains.20240101-000000") != NULL);
	assert_true(strstr(b2, "/relay-domains.20240101-000000.1") != NULL);
	assert_int_equal(count(dir), 3);
	assert_int_equal(fileio_prune_backups(path, 1), 1);
	assert_int_equal(access(b1, F_OK), -1);
	assert_int_equal(access(b2, F_OK), 0);
	free(b1);
	free(b2);
	rmtree(dir);
}

static void
test_replace_keeps_owner_and_mode(void **state)
{
	static const struct {
		mode_t mode;
		uid_t uid;
		gid_t gid;
	} cases[] = {
		{ 0640, 1, 2 },
		{ 0600, 0, 0 },
		{ 0444, 2, 1 },
		{ 02755, 1, 1 },	/* set-gid survives the chown */
	};
	size_t i;
	int bad = 0, root = geteuid() == 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *dir = scratch(), path[4096], *buf = NULL;
		struct stat before, after;
		size_t len;
		uid_t uid = root ? cases[i].uid : geteuid();
		gid_t gid = root ? cases[i].gid : getegid();

		put(dir, "f", "old contents\n");
		snprintf(path, sizeof(path), "%s/f", dir);
		assert_int_equal(chown(path, uid, gid), 0);
		assert_int_equal(chmod(path, cases[i].mode), 0);
		assert_int_equal(stat(path, &before), 0);
		assert_int_equal(fileio_replace(path, "new\n", 4, NULL), 0);
		assert_int_equal(stat(path, &after), 0);
		if ((after.st_mode & 07777) != cases[i].mode ||
		    after.st_uid != uid || after.st_gid != gid) {
			print_error("case %zu: mode %04o %ld:%ld, want %04o "
			    "%ld:%ld\n", i, (unsigned)(after.st_mode & 07777),
			    (long)after.st_uid, (long)after.st_gid,
			    (unsigned)cases[i].mode, (long)uid, (long)gid);
			bad++;
		}
		/* Replaced by a rename, not rewritten in place. */
		if (after.st_ino == before.st_ino) {
			print_error("case %zu: same inode\n", i);
			bad++;
		}
		assert_int_equal(fileio_read(path, 100, 0, &buf, &len), 0);
		assert_int_equal(len, 4);
		assert_string_equal(buf, "new\n");
		free(buf);
		if (count(dir) != 1) {
			print_error("case %zu: %zu files, want 1 (a temporary "
			    "file left)\n", i, count(dir));
			bad++;
		}
		rmtree(dir);
	}
	assert_int_equal(bad, 0);
}

/* like given: its owner and mode, not the old file's. */
static void
test_replace_like(void **state)
{
	char *dir = scratch(), path[4096];
	struct stat like, st;

	(void)state;
	put(dir, "f", "old\n");
	snprintf(path, sizeof(path), "%s/f", dir);
	assert_int_equal(chmod(path, 0600), 0);
	memset(&like, 0, sizeof(like));
	like.st_mode = S_IFREG | 0644;
	like.st_uid = geteuid();
	like.st_gid = getegid();
	assert_int_equal(fileio_replace(path, "x", 1, &like), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_size, 1);
	/* A file that did not exist: 0644 and the caller's ids. */
	snprintf(path, sizeof(path), "%s/new", dir);
	assert_int_equal(fileio_replace(path, "y\n", 2, NULL), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_uid, geteuid());
	rmtree(dir);
}

/* On failure the target is untouched and nothing is left beside it. */
static void
test_replace_failure(void **state)
{
	char *dir = scratch(), path[4096];

	(void)state;
	snprintf(path, sizeof(path), "%s/no-such-dir/f", dir);
	assert_int_equal(fileio_replace(path, "x", 1, NULL), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(count(dir), 0);
	rmtree(dir);
}

/* A feed for fileio_scan that keeps what it takes. */
enum { TAKE_ALL, TAKE_LINES, TAKE_NONE, TAKE_STOP };
struct take {
	struct sbuf	got;
	int		how;
	size_t		calls;
	int		eofs;
};

static size_t
take_feed(void *ctx, const char *buf, size_t len, int eof)
{
	struct take *t = ctx;
	size_t n = len;

	t->calls++;
	t->eofs += eof != 0;
	if (t->how == TAKE_STOP)
		return FILEIO_SCAN_STOP;
	if (!eof && t->how == TAKE_LINES)
		while (n > 0 && buf[n - 1] != '\n')
			n--;
	if (!eof && t->how == TAKE_NONE)
		n = 0;
	sbuf_add(&t->got, buf, n);
	return n;
}

/*
 * scan_agrees - fileio_scan of path gives what fileio_read gave (rc 0:
 * want_text; -1: want_errno).  1 and a message when it does not.
 */
static int
scan_agrees(const char *name, const char *path, size_t max, int flags,
    int rc, int want_errno, const char *want_text)
{
	struct take t = { { 0 }, TAKE_LINES, 0, 0 };
	struct stat st;
	int r;

	sbuf_add(&t.got, "", 0);
	errno = 0;
	r = fileio_scan(path, max, flags, &st, take_feed, &t);
	if (r != rc || (rc < 0 && errno != want_errno) || (rc == 0 &&
	    strcmp(t.got.s, want_text) != 0)) {
		print_error("%s: fileio_scan rc %d errno %s, fileio_read rc "
		    "%d errno %s\n", name, r, strerror(errno), rc,
		    strerror(want_errno));
		sbuf_free(&t.got);
		return 1;
	}
	sbuf_free(&t.got);
	return 0;
}

static void
test_read_limits(void **state)
{
	static const struct {
		const char *name;
		const char *text;	/* NULL: the case makes the file */
		size_t max;
		int flags;
		int want;		/* 0, or the errno of a -1 */
	} cases[] = {
		{ "ten bytes, max 10", "0123456789", 10, 0, 0 },
		{ "ten bytes, max 11", "0123456789", 11, 0, 0 },
		{ "ten bytes, max 9", "0123456789", 9, 0, EFBIG },
		{ "empty, max 0", "", 0, 0, 0 },
		{ "one byte, max 0", "x", 0, 0, EFBIG },
		{ "a directory", NULL, 100, 0, EISDIR },
		{ "a FIFO (must not hang)", NULL, 100, 0, EINVAL },
		{ "a link, followed", NULL, 100, 0, 0 },
		{ "a link, FILEIO_NOFOLLOW", NULL, 100, FILEIO_NOFOLLOW, ELOOP },
		{ "missing", NULL, 100, 0, ENOENT },
	};
	size_t i, len;
	int bad = 0, rc, err;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *dir = scratch(), path[4096], *buf = NULL;
		const char *want_text = cases[i].text;

		snprintf(path, sizeof(path), "%s/f", dir);
		if (cases[i].text != NULL)
			put(dir, "f", cases[i].text);
		else if (strcmp(cases[i].name, "a directory") == 0)
			assert_int_equal(mkdir(path, 0700), 0);
		else if (strncmp(cases[i].name, "a FIFO", 6) == 0)
			assert_int_equal(mkfifo(path, 0600), 0);
		else if (strncmp(cases[i].name, "a link", 6) == 0) {
			put(dir, "target", "through\n");
			assert_int_equal(symlink("target", path), 0);
			want_text = "through\n";
		}
		errno = 0;
		len = 99;
		rc = fileio_read(path, cases[i].max, cases[i].flags, &buf, &len);
		err = errno;
		if (cases[i].want == 0 && rc != 0) {
			print_error("%s: failed (%s), want success\n",
			    cases[i].name, strerror(errno));
			bad++;
		} else if (cases[i].want != 0 && (rc != -1 ||
		    errno != cases[i].want)) {
			print_error("%s: rc %d errno %s, want -1 %s\n",
			    cases[i].name, rc, strerror(errno),
			    strerror(cases[i].want));
			bad++;
		} else if (rc == 0 && (len != strlen(want_text) ||
		    memcmp(buf, want_text, len + 1) != 0)) {
			print_error("%s: got %zu bytes '%s', want '%s' and a "
			    "NUL\n", cases[i].name, len, buf, want_text);
			bad++;
		}
		if (rc == 0)
			free(buf);
		bad += scan_agrees(cases[i].name, path, cases[i].max,
		    cases[i].flags, rc, err, want_text);
		rmdir(path);
		rmtree(dir);
	}
	assert_int_equal(bad, 0);
}

/*
 * fileio_scan on a file of n bytes: with feeds that take everything,
 * up to the last newline, or nothing until the end (the buffer grows),
 * every byte is given once and in order; a feed can stop the reading.
 */
static void
test_scan_pieces(void **state)
{
	static const size_t sizes[] = { 0, 1, 100, FILEIO_SCAN_CHUNK - 1,
	    FILEIO_SCAN_CHUNK, FILEIO_SCAN_CHUNK + 1, 3 * FILEIO_SCAN_CHUNK + 7 };
	char *dir = scratch(), path[4096], *text;
	struct stat st;
	size_t i, k;
	int how;

	(void)state;
	snprintf(path, sizeof(path), "%s/f", dir);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		text = xmalloc(sizes[i] + 1);
		for (k = 0; k < sizes[i]; k++)
			text[k] = k % 37 == 36 ? '\n' : (char)('a' + k % 26);
		text[sizes[i]] = '\0';
		put(dir, "f", text);
		for (how = TAKE_ALL; how <= TAKE_NONE; how++) {
			struct take t = { { 0 }, how, 0, 0 };

			sbuf_add(&t.got, "", 0);
			assert_int_equal(fileio_scan(path, sizes[i], 0, &st,
			    take_feed, &t), 0);
			assert_int_equal(t.eofs, 1);
			assert_int_equal(t.got.len, sizes[i]);
			assert_memory_equal(t.got.s, text, sizes[i]);
			assert_int_equal(st.st_size, (off_t)sizes[i]);
			sbuf_free(&t.got);
		}
		if (sizes[i] > FILEIO_SCAN_CHUNK) {
			struct take t = { { 0 }, TAKE_STOP, 0, 0 };

			assert_int_equal(fileio_scan(path, sizes[i], 0, &st,
			    take_feed, &t), 1);
			assert_int_equal(t.calls, 1);
			sbuf_free(&t.got);
		}
		free(text);
	}
	rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prune_backups),
		cmocka_unit_test(test_prune_no_directory),
		cmocka_unit_test(test_backup_then_prune),
		cmocka_unit_test(test_replace_keeps_owner_and_mode),
		cmocka_unit_test(test_replace_like),
		cmocka_unit_test(test_replace_failure),
		cmocka_unit_test(test_read_limits),
		cmocka_unit_test(test_scan_pieces),
	};

	return cmocka_run_group_tests_name("fileio", tests, NULL, NULL);
}
