/*
 * src_test.c - the SRC adapter: lssrc output parsers on the AIX formats,
 * the rc.tcpip start line, and the mock backend's behaviour and journal.
 */
#include "testutil.h"

#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "rctcpip.h"
#include "src.h"

static void
test_lssrc_s(void **state)
{
	static const char out[] =
	    " Subsystem         Group            PID          Status \n"
	    " sendmail          mail             3342         active\n"
	    " nimhttp                                         inoperative\n"
	    " inetd             tcpip                         stopping\n"
	    " odd               g                12           weird\n";
	struct src_status st;

	(void)state;
	assert_int_equal(src_parse_lssrc_s(out, "sendmail", &st), 0);
	assert_int_equal(st.state, SRC_ACTIVE);
	assert_int_equal(st.pid, 3342);
	assert_string_equal(st.group, "mail");
	/* Empty group and PID columns. */
	assert_int_equal(src_parse_lssrc_s(out, "nimhttp", &st), 0);
	assert_int_equal(st.state, SRC_INOPERATIVE);
	assert_int_equal(st.pid, 0);
	assert_string_equal(st.group, "");
	assert_int_equal(src_parse_lssrc_s(out, "inetd", &st), 0);
	assert_int_equal(st.state, SRC_STOPPING);
	assert_string_equal(st.group, "tcpip");
	assert_int_equal(src_parse_lssrc_s(out, "odd", &st), 0);
	assert_int_equal(st.state, SRC_OTHER);
	/* The header is not a subsystem called "Subsystem"... */
	assert_int_equal(src_parse_lssrc_s(out, "Status", &st), -1);
	/* ... and a name that is only a prefix does not match. */
	assert_int_equal(src_parse_lssrc_s(out, "send", &st), -1);
}

static void
test_lssrc_S(void **state)
{
	static const char hdr[] = "#subsysname:synonym:cmdargs:path:uid:"
	    "auditid:standin:standout:standerr:action:multi:contact:svrkey:"
	    "svrmtype:priority:signorm:sigforce:display:waittime:grpname:\n";
	struct sbuf b = { 0 };
	struct src_def d;

	(void)state;
	sbuf_adds(&b, hdr);
	sbuf_adds(&b, "inetd:::/usr/sbin/inetd:0:0:/dev/console:/dev/console:"
	    "/dev/console:-O:-Q:-K:0:0:20:0:0:-d:20:tcpip:\n");
	sbuf_adds(&b, "sigd::-x y:/usr/bin/sigd:0:0:/dev/console:/dev/console:"
	    "/dev/console:-O:-Q:-S:0:0:20:15:9:-d:20::\n");
	sbuf_adds(&b, "qd:::/usr/bin/qd:0:0:/dev/console:/dev/console:"
	    "/dev/console:-O:-Q::5:1:20:0:0:-d:20::\n");
	assert_int_equal(src_parse_lssrc_S(b.s, "inetd", &d), 0);
	assert_true(d.defined);
	assert_string_equal(d.path, "/usr/sbin/inetd");
	assert_string_equal(d.args, "");
	assert_int_equal(d.contact, SRC_SOCKETS);
	assert_int_equal(src_parse_lssrc_S(b.s, "sigd", &d), 0);
	assert_string_equal(d.args, "-x y");
	assert_int_equal(d.contact, SRC_SIGNALS);
	assert_int_equal(src_parse_lssrc_S(b.s, "qd", &d), 0);
	assert_int_equal(d.contact, SRC_MSGQ);
	assert_int_equal(src_parse_lssrc_S(b.s, "nope", &d), -1);
	assert_int_equal(src_parse_lssrc_S(hdr, "subsysname", &d), -1);
	sbuf_free(&b);
}

static void
test_rctcpip(void **state)
{
	static const char on[] = "# rc.tcpip\n"
	    "start /usr/lib/sendmail \"$src_running\" \"-bd -q${qpi}\"\n"
	    "start /usr/sbin/syslogd \"$src_running\"\n";
	static const char off[] = "# rc.tcpip\n"
	    "#start /usr/lib/sendmail \"$src_running\" \"-bd -q${qpi}\"\n"
	    "start /usr/sbin/syslogd \"$src_running\"\n";
	static const char indented[] = "  # start /usr/lib/sendmail x\n";
	struct sbuf out = { 0 };

	(void)state;
	assert_int_equal(rctcpip_state(on, sizeof(on) - 1, "sendmail"), 1);
	assert_int_equal(rctcpip_state(off, sizeof(off) - 1, "sendmail"), 0);
	assert_int_equal(rctcpip_state(on, sizeof(on) - 1, "named"), -1);
	/* A word that only ends in the name is not the program. */
	assert_int_equal(rctcpip_state("start /x/notsendmail\n", 20,
	    "sendmail"), -1);
	assert_int_equal(rctcpip_set(off, sizeof(off) - 1, "sendmail", 1,
	    &out), 1);
	assert_string_equal(out.s, on);
	sbuf_free(&out);
	assert_int_equal(rctcpip_set(on, sizeof(on) - 1, "sendmail", 0, &out),
	    1);
	assert_string_equal(out.s, off);
	sbuf_free(&out);
	assert_int_equal(rctcpip_set(on, sizeof(on) - 1, "sendmail", 1, &out),
	    0);
	assert_string_equal(out.s, on);
	sbuf_free(&out);
	assert_int_equal(rctcpip_set(indented, sizeof(indented) - 1,
	    "sendmail", 1, &out), 1);
	assert_string_equal(out.s, "  start /usr/lib/sendmail x\n");
	sbuf_free(&out);
	assert_int_equal(rctcpip_set(on, sizeof(on) - 1, "named", 1, &out), -1);
	sbuf_free(&out);
}

/* mock_with - a mock SRC in a fresh directory, sendmail seeded. */
static struct src *
mock_with(char *dir, const char *rec)
{
	struct src_config c;
	struct sbuf p = { 0 };

	assert_non_null(mkdtemp(dir));
	sbuf_addf(&p, "%s/sendmail.rec", dir);
	assert_int_equal(fileio_replace(p.s, rec, strlen(rec), NULL), 0);
	sbuf_free(&p);
	memset(&c, 0, sizeof(c));
	c.root = "";
	c.state_dir = dir;
	return src_open("mock", &c);
}

static char *
journal_of(const char *dir)
{
	struct sbuf p = { 0 };
	char *buf = NULL;
	size_t len;

	sbuf_addf(&p, "%s/journal", dir);
	if (fileio_read(p.s, 1 << 20, 0, &buf, &len) < 0)
		buf = xstrdup("");
	sbuf_free(&p);
	return buf;
}

static void
cleanup(const char *dir)
{
	struct sbuf p = { 0 };

	sbuf_addf(&p, "%s/sendmail.rec", dir);
	unlink(p.s);
	p.len = 0;
	sbuf_addf(&p, "%s/journal", dir);
	unlink(p.s);
	rmdir(dir);
	sbuf_free(&p);
}

static void
test_mock(void **state)
{
	char dir[] = "/tmp/mailprov-src.XXXXXX";
	struct src *s;
	struct src_status st;
	char *j;
	int on;

	(void)state;
	s = mock_with(dir, "defined=1\nstate=inoperative\ncontact=-K\n"
	    "args=\nboot=0\n");
	assert_non_null(s);
	assert_int_equal(src_status(s, "sendmail", &st), 0);
	assert_int_equal(st.state, SRC_INOPERATIVE);
	assert_int_equal(src_status(s, "other", &st), 0);
	assert_int_equal(st.state, SRC_NOTDEF);
	/* Refreshing an inactive subsystem fails the AIX way. */
	assert_int_equal(src_refresh(s, "sendmail", ""), -1);
	assert_non_null(strstr(s->err, "0513-004"));
	assert_int_equal(src_start(s, "sendmail", "-bd -q30m"), 0);
	assert_int_equal(src_status(s, "sendmail", &st), 0);
	assert_int_equal(st.state, SRC_ACTIVE);
	assert_true(st.pid > 0);
	assert_int_equal(src_start(s, "sendmail", ""), -1);
	assert_non_null(strstr(s->err, "0513-029"));
	assert_int_equal(src_set_boot(s, "sendmail", 1), 0);
	assert_int_equal(src_boot_enabled(s, "sendmail", &on), 0);
	assert_int_equal(on, 1);
	assert_int_equal(src_start(s, "other", ""), -1);
	assert_non_null(strstr(s->err, "0513-085"));
	j = journal_of(dir);
	assert_string_equal(j, "refresh -s sendmail\n"
	    "startsrc -s sendmail -a -bd -q30m\nstartsrc -s sendmail\n"
	    "chrctcp -a sendmail\nstartsrc -s other\n");
	free(j);
	src_close(s);
	cleanup(dir);
}

static void
test_signals_refresh(void **state)
{
	char dir[] = "/tmp/mailprov-src.XXXXXX";
	struct src *s;
	struct src_status st;
	char *j;

	(void)state;
	s = mock_with(dir, "defined=1\nstate=active\npid=10\ncontact=-S\n");
	/* SRC cannot refresh it (0513-005): the adapter restarts it. */
	assert_int_equal(src_refresh(s, "sendmail", ""), 0);
	assert_int_equal(src_status(s, "sendmail", &st), 0);
	assert_int_equal(st.state, SRC_ACTIVE);
	j = journal_of(dir);
	assert_string_equal(j, "stopsrc -s sendmail\nstartsrc -s sendmail\n");
	free(j);
	assert_null(src_open("ssh", &s->cfg));
	src_close(s);
	cleanup(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lssrc_s),
		cmocka_unit_test(test_lssrc_S),
		cmocka_unit_test(test_rctcpip),
		cmocka_unit_test(test_mock),
		cmocka_unit_test(test_signals_refresh),
	};

	return cmocka_run_group_tests_name("src", tests, NULL, NULL);
}
