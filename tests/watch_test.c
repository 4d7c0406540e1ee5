/*
 * watch_test.c - lib/fstamp.c and the platform's watcher (lib/watch.h):
 * which changes a stamp shows (an append, a rename over the file with
 * the size and times kept, a chmod, a removal, a creation) and which it
 * does not (a read, a rewrite by nobody); that a stamp carried from
 * before (fstamps_carry) still shows a later edit; and that the watcher reports a
 * watched file's change in its directory (a rename over it, a write
 * closed or still open, a truncate(2)), and not a neighbour's.  On a
 * platform whose watcher has no descriptor (watch_poll.c) the daemon
 * scans: the test then checks that it says so.  Each case works in a new
 * directory under $TMPDIR (or /tmp).
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "fstamp.h"
#include "util.h"
#include "watch.h"

static char *
scratch(void)
{
	const char *t = getenv("TMPDIR");
	char *d = xasprintf("%s/watch_test.XXXXXX", t != NULL && *t != '\0' ?
	    t : "/tmp");

	if (mkdtemp(d) == NULL)
		fail_msg("mkdtemp %s: %s", d, strerror(errno));
	return d;
}

/* rmtree - dir, its plain files and its subdirectories of plain files. */
static void
rmtree(const char *dir)
{
	struct dirent *de;
	DIR *dp = opendir(dir);
	char *p;

	while (dp != NULL && (de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (unlink(p) < 0)
			rmtree(p);
		free(p);
	}
	if (dp != NULL)
		closedir(dp);
	rmdir(dir);
}

static void
put(const char *path, const char *text, const char *mode)
{
	FILE *f = fopen(path, mode);

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void
test_stamps(void **state)
{
	char *d = scratch(), *a = xasprintf("%s/a", d), *b = xasprintf("%s/b",
	    d), *t = xasprintf("%s/.a.tmp", d);
	struct strlist l = { 0 };
	struct strlist w = { 0 };
	struct fstamps s = { 0 }, c = { 0 };
	struct stat st;
	struct timeval tv[2];
	char buf[16];
	int fd;

	(void)state;
	put(a, "one\n", "w");
	strlist_push(&l, a);
	strlist_push(&l, b);		/* absent */
	fstamps_record(&s, &l);
	assert_int_equal(fstamps_changed(&s), -1);
	/* Reading changes nothing. */
	assert_true((fd = open(a, O_RDONLY)) >= 0);
	assert_true(read(fd, buf, sizeof(buf)) > 0);
	close(fd);
	assert_int_equal(fstamps_changed(&s), -1);
	/* An append. */
	put(a, "two\n", "a");
	assert_int_equal(fstamps_changed(&s), 0);
	fstamps_record(&s, &s.paths);
	assert_int_equal(fstamps_changed(&s), -1);
	/* Renamed over, same size, the times set back: the inode shows. */
	assert_int_equal(stat(a, &st), 0);
	put(t, "ONE\nTWO\n", "w");
	tv[0].tv_sec = tv[1].tv_sec = st.st_mtime;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	assert_int_equal(utimes(t, tv), 0);
	assert_int_equal(rename(t, a), 0);
	assert_int_equal(fstamps_changed(&s), 0);
	fstamps_record(&s, &s.paths);
	/* A chmod: the change time. */
	assert_int_equal(chmod(a, 0600), 0);
	assert_int_equal(fstamps_changed(&s), 0);
	fstamps_record(&s, &s.paths);
	/* The absent file made; then removed again. */
	put(b, "x\n", "w");
	assert_int_equal(fstamps_changed(&s), 1);
	fstamps_record(&s, &s.paths);
	assert_int_equal(unlink(b), 0);
	assert_int_equal(fstamps_changed(&s), 1);
	/* Carried: a's stamp from before its edit; b, written, taken now. */
	fstamps_record(&s, &s.paths);
	put(a, "edit\n", "a");
	put(b, "ours\n", "w");
	strlist_clear(&w);
	strlist_push(&w, b);
	fstamps_carry(&c, &l, &s, &w);
	assert_int_equal(fstamps_changed(&c), 0);
	fstamps_carry(&c, &l, &s, &l);
	assert_int_equal(fstamps_changed(&c), -1);
	fstamps_free(&c);
	strlist_clear(&w);
	fstamps_free(&s);
	strlist_clear(&l);
	rmtree(d);
	free(a), free(b), free(t), free(d);
}

/* events - what w says within ms (0: nothing pending). */
static int
events(struct watch *w, int ms)
{
	struct pollfd pf[WATCH_MAXFDS];
	size_t n = watch_fds(w, pf, WATCH_MAXFDS);

	if (n == 0 || poll(pf, n, ms) <= 0)
		return 0;
	return watch_read(w, pf, n);
}

static void
test_watch(void **state)
{
	char *d = scratch(), *in = xasprintf("%s/incoming", d),
	    *etc = xasprintf("%s/etc", d), *cf = xasprintf("%s/etc/cf", d),
	    *t = xasprintf("%s/etc/.cf.tmp", d), *bak = xasprintf("%s/etc/cf.bak",
	    d), *drop = xasprintf("%s/incoming/x", d);
	struct strlist l = { 0 };
	struct watch *w;
	int fd;

	(void)state;
	assert_int_equal(mkdir(in, 0700), 0);
	assert_int_equal(mkdir(etc, 0755), 0);
	put(cf, "cf\n", "w");
	assert_non_null(w = watch_open(in));
	strlist_push(&l, cf);
	watch_files(w, &l);
	if (strcmp(watch_name(), "inotify") != 0) {
		/* No notification: the daemon must scan. */
		assert_int_equal(watch_scans(w), 1);
		goto out;
	}
	assert_int_equal(watch_scans(w), 0);
	assert_int_equal(events(w, 0), 0);
	/* A neighbour: nothing. */
	put(t, "x\n", "w");
	put(bak, "old\n", "w");
	assert_int_equal(chmod(bak, 0600), 0);
	assert_int_equal(events(w, 200), 0);
	/* Renamed over the watched name; then written in place. */
	assert_int_equal(rename(t, cf), 0);
	assert_int_equal(events(w, 1000), WATCH_FILES);
	put(cf, "more\n", "a");
	assert_int_equal(events(w, 1000), WATCH_FILES);
	/* truncate(2) by path: no close, no rename. */
	assert_int_equal(truncate(cf, 2), 0);
	assert_int_equal(events(w, 1000), WATCH_FILES);
	/* A write to a file kept open: reported before the close. */
	assert_true((fd = open(cf, O_WRONLY | O_APPEND)) >= 0);
	assert_int_equal(write(fd, "k\n", 2), 2);
	assert_int_equal(events(w, 1000), WATCH_FILES);
	assert_int_equal(close(fd), 0);
	(void)events(w, 200);	/* the close */
	/* Watching the same list again changes nothing. */
	watch_files(w, &l);
	assert_int_equal(events(w, 0), 0);
	/* A drop into incoming. */
	put(drop, "version: 1\n", "w");
	assert_int_equal(events(w, 1000), WATCH_INCOMING);
	/* No longer watched: its changes say nothing. */
	strlist_clear(&l);
	watch_files(w, &l);
	put(cf, "again\n", "a");
	assert_int_equal(events(w, 200), 0);
	/* The incoming directory gone: -1. */
	assert_int_equal(unlink(drop), 0);
	assert_int_equal(rmdir(in), 0);
	assert_int_equal(events(w, 1000), -1);
out:
	watch_close(w);
	strlist_clear(&l);
	rmtree(d);
	free(in), free(etc), free(cf), free(t), free(bak), free(drop), free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamps),
		cmocka_unit_test(test_watch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
