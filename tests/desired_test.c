/*
 * desired_test.c - the desired-state loader: every refusal at its exact
 * line and column, good documents read into the right fields, defaults,
 * bounds.
 */
#include "testutil.h"

#include "util.h"

/* A valid base that the bad cases below vary. */
#define HEAD "version: 1\n"

struct bad {
	const char	*name;
	const char	*doc;
	unsigned	 line, col;
	const char	*msg;		/* substring of the message */
	size_t		 count;		/* errors expected; 0 means 1 */
};

/* The TLS files but one (named by what): a complete tls section. */
#define TLS3(what) "    " what ": /e/x\n    ca_file: /e/a\n    ca_path: /e/p\n"

static const struct bad bad_docs[] = {
	/* keys */
	{ "unknown top key with hint", HEAD "sendmal: {}\n", 2, 1,
	    "unknown key 'sendmal'; did you mean 'sendmail'?", 0 },
	{ "unknown nested key with hint", HEAD "sendmail:\n  smart_hots: x\n",
	    3, 3, "unknown key 'smart_hots' in sendmail; did you mean "
	    "'smart_host'?", 0 },
	{ "unknown key lists valid ones", HEAD "colour: blue\n", 2, 1,
	    "valid keys are: version, sendmail, service, backups", 0 },
	{ "key in wrong case", HEAD "service:\n  State: running\n", 3, 3,
	    "did you mean 'state'?", 0 },
	{ "duplicate top key", HEAD "version: 1\n", 2, 1,
	    "duplicate key 'version' (first at line 1, column 1)", 0 },
	{ "duplicate nested key", HEAD "sendmail:\n  hostname: a\n"
	    "  domain: example.net\n  hostname: b\n", 5, 3,
	    "duplicate key 'hostname' (first at line 3, column 3)", 0 },
	{ "missing version", "sendmail:\n  config: /etc/mail/sendmail.cf\n",
	    1, 1, "missing required key 'version'", 0 },
	{ "non-scalar key", HEAD "? [a, b]\n: c\n", 2, 3,
	    "mapping key is a list", 0 },
	/* types */
	{ "version 2", "version: 2\n", 1, 10, "version 2 is not supported; "
	    "this mailprov reads version 1", 0 },
	{ "version quoted", "version: \"1\"\n", 1, 10,
	    "version must be a whole number, not a quoted string", 0 },
	{ "version a word", "version: one\n", 1, 10,
	    "version must be a whole number, not a single value", 0 },
	{ "list where a string is expected", HEAD "sendmail:\n  hostname: [a]\n"
	    "  domain: example.net\n", 3, 13,
	    "sendmail.hostname must be a string, not a list", 0 },
	{ "string where a list is expected",
	    HEAD "sendmail:\n  accept_names: localhost\n", 3, 17,
	    "sendmail.accept_names must be a list, not a single value", 0 },
	{ "section as a list", HEAD "sendmail: [a]\n", 2, 11,
	    "sendmail must be a mapping of keys, not a list", 0 },
	{ "empty value", HEAD "sendmail:\n  smart_host:\n", 3, 14,
	    "sendmail.smart_host has no value", 0 },
	{ "bool yes", HEAD "sendmail:\n  smart_host: relay.example.net\n"
	    "  relay_all: yes\n", 4, 14, "sendmail.relay_all must be true or "
	    "false; 'yes' means different things", 0 },
	{ "bool quoted", HEAD "service:\n  persist: \"true\"\n", 3, 12,
	    "service.persist must be true or false, not a quoted string", 0 },
	{ "top level a list", "- version\n", 1, 1,
	    "the top level must be a mapping of keys", 0 },
	{ "top level a scalar", "hello\n", 1, 1,
	    "the top level must be a mapping of keys (version, sendmail, "
	    "service, backups), not a single value", 0 },
	/* file shape */
	{ "empty file", "", 1, 1, "file is empty", 0 },
	{ "only comments", "# nothing yet\n\n", 1, 1, "file is empty", 0 },
	{ "two documents", HEAD "---\nversion: 1\n", 2, 1,
	    "a second YAML document", 0 },
	{ "invalid UTF-8", HEAD "sendmail:\n  hostname: caf\xe9\n", 3, 16,
	    "invalid UTF-8 byte 0xe9", 0 },
	{ "overlong UTF-8", HEAD "# \xc0\xaf\n", 2, 3,
	    "invalid UTF-8 byte 0xc0", 0 },
	{ "UTF-16 byte order mark", "\xff\xfev\0", 1, 1, "UTF-16", 0 },
	{ "tab indentation", HEAD "sendmail:\n\thostname: a\n", 3, 1,
	    "tab character in indentation", 0 },
	{ "tab after spaces", HEAD "sendmail:\n  \thostname: a\n", 3, 3,
	    "tab character in indentation", 0 },
	{ "syntax error", HEAD "sendmail: [\n", 3, 1, "syntax error", 0 },
	{ "bad indentation", HEAD "sendmail:\n  hostname: a\n domain: b\n",
	    4, 2, "syntax error: did not find expected key", 0 },
	{ "anchor", HEAD "sendmail: &s {}\n", 2, 11,
	    "YAML anchors (&s) are not allowed", 0 },
	{ "alias", HEAD "service: *s\n", 2, 10,
	    "YAML aliases (*s) are not allowed", 0 },
	{ "alias bomb", "a: &a [x, x, x]\nb: &b [*a, *a, *a]\n"
	    "c: &c [*b, *b, *b]\n", 1, 4, "YAML anchors (&a)", 0 },
	{ "tag", "version: !!int 1\n", 1, 10, "YAML tags (tag:yaml.org,2002:int)",
	    0 },
	/* identity */
	{ "hostname with a dot", HEAD "sendmail:\n  hostname: dmspar02."
	    "example.net\n  domain: example.net\n", 3, 13,
	    "must be the short host name without dots", 0 },
	{ "hostname bad character", HEAD "sendmail:\n  hostname: dm_spar\n"
	    "  domain: example.net\n", 3, 13,
	    "may hold only letters, digits, '-' and '.'", 0 },
	{ "hostname ends with dash", HEAD "sendmail:\n  hostname: dm-\n"
	    "  domain: example.net\n", 3, 13, "starts or ends with '-'", 0 },
	{ "domain empty label", HEAD "sendmail:\n  hostname: dm\n"
	    "  domain: example..net\n", 4, 11, "has an empty label", 0 },
	{ "domain is an address", HEAD "sendmail:\n  hostname: dm\n"
	    "  domain: 10.1.2.3\n", 4, 11, "is an IP address, not a DNS "
	    "domain", 0 },
	{ "hostname without domain", HEAD "sendmail:\n  hostname: dm\n", 3, 13,
	    "sendmail.hostname is set without sendmail.domain", 0 },
	{ "domain without hostname", HEAD "sendmail:\n  domain: example.net\n",
	    3, 11, "sendmail.domain is set without sendmail.hostname", 0 },
	{ "accept_names without localhost", HEAD "sendmail:\n"
	    "  accept_names: [mail.example.net]\n", 3, 17,
	    "must include 'localhost'", 0 },
	{ "accept_names without host.domain", HEAD "sendmail:\n  hostname: dm\n"
	    "  domain: example.net\n  accept_names: [localhost, dm]\n", 5, 17,
	    "must include 'dm.example.net' (hostname.domain)", 0 },
	{ "fqdn not accepted", HEAD "sendmail:\n  fqdn: mail.example.net\n"
	    "  accept_names: [localhost]\n", 4, 17,
	    "must include 'mail.example.net' (sendmail.fqdn)", 0 },
	{ "fqdn short", HEAD "sendmail:\n  fqdn: mail\n", 3, 9,
	    "must be a fully qualified name", 0 },
	{ "accept_names duplicate", HEAD "sendmail:\n  accept_names: "
	    "[localhost, a.example.net, A.Example.NET]\n", 3, 44,
	    "entry 'A.Example.NET' is given twice (first at line 3, column 29",
	    0 },
	/* smart host and relaying */
	{ "smart_host unknown mailer", HEAD "sendmail:\n"
	    "  smart_host: \"uucp:[relay.example.net]\"\n", 3, 15,
	    "names an unknown mailer", 0 },
	{ "smart_host bare address", HEAD "sendmail:\n"
	    "  smart_host: 10.20.30.40\n", 3, 15,
	    "is an IP address without brackets; write [address]", 0 },
	{ "smart_host with port", HEAD "sendmail:\n"
	    "  smart_host: \"[relay.example.net]:587\"\n", 3, 15,
	    "may not carry a port", 0 },
	{ "smart_host unbalanced", HEAD "sendmail:\n"
	    "  smart_host: \"[relay.example.net\"\n", 3, 15,
	    "has an unbalanced '['", 0 },
	{ "relay_all without smart_host", HEAD "sendmail:\n  relay_all: true\n",
	    3, 14, "sendmail.relay_all is true but sendmail.smart_host is not "
	    "set", 0 },
	{ "relay_all with empty smart_host", HEAD "sendmail:\n"
	    "  smart_host: \"\"\n  relay_all: true\n", 4, 14,
	    "sendmail.smart_host is empty", 0 },
	{ "smart_host is this host", HEAD "sendmail:\n  hostname: dm\n"
	    "  domain: example.net\n  accept_names: [localhost, "
	    "dm.example.net]\n  smart_host: \"esmtp:[dm.example.net]\"\n", 6, 15,
	    "is this host", 0 },
	{ "relay_domains dot", HEAD "sendmail:\n  relay_domains: [\".\"]\n",
	    3, 19, "matches every host: it would make an open relay", 0 },
	{ "relay_domains star", HEAD "sendmail:\n  relay_domains: [\"*.net\"]\n",
	    3, 19, "open relay", 0 },
	{ "relay_domains everything", HEAD "sendmail:\n"
	    "  relay_domains: [0.0.0.0/0]\n", 3, 19,
	    "matches every address: it would make an open relay", 0 },
	{ "relay_domains empty entry", HEAD "sendmail:\n"
	    "  relay_domains: [\"\"]\n", 3, 19,
	    "is empty: it would let everyone relay", 0 },
	{ "relay_domains CIDR", HEAD "sendmail:\n"
	    "  relay_domains: [10.0.0.0/8]\n", 3, 19,
	    "uses CIDR notation", 0 },
	{ "relay_domains top-level domain", HEAD "sendmail:\n"
	    "  relay_domains: [example.net, com]\n", 3, 32,
	    "is a top-level domain alone", 0 },
	{ "relay_domains bad octet", HEAD "sendmail:\n"
	    "  relay_domains: [10.300]\n", 3, 19, "is not an IP prefix", 0 },
	{ "relay_domains IPv6 everything", HEAD "sendmail:\n"
	    "  relay_domains: [\"IPv6::\"]\n", 3, 19,
	    "matches every IPv6 address", 0 },
	/* aliases */
	{ "alias bad name", HEAD "sendmail:\n  aliases:\n    entries:\n"
	    "      \"bad name\": root\n", 5, 7,
	    "alias name 'bad name' may hold only", 0 },
	{ "alias program", HEAD "sendmail:\n  aliases:\n    entries:\n"
	    "      prog: \"|/usr/bin/vacation\"\n", 5, 13,
	    "runs a program; allowed only with sendmail.aliases."
	    "allow_programs: true", 0 },
	{ "alias quoted program", HEAD "sendmail:\n  aliases:\n    entries:\n"
	    "      prog: ['\"|/bin/x a\"']\n", 5, 14, "runs a program", 0 },
	{ "alias file", HEAD "sendmail:\n  aliases:\n    entries:\n"
	    "      log: /var/log/mail.copy\n", 5, 12,
	    "writes to a file; allowed only with sendmail.aliases."
	    "allow_files: true", 0 },
	{ "alias include", HEAD "sendmail:\n  aliases:\n    entries:\n"
	    "      list: \":include:/etc/mail/list\"\n", 5, 13,
	    "reads addresses from a file", 0 },
	{ "alias bad address", HEAD "sendmail:\n  aliases:\n    entries:\n"
	    "      ops: \"alice@bad..example\"\n", 5, 12,
	    "target 'alice@bad..example' has an empty label", 0 },
	{ "alias no target", HEAD "sendmail:\n  aliases:\n    entries:\n"
	    "      ops: \" , \"\n", 5, 12, "alias 'ops' has no target", 0 },
	{ "alias empty list", HEAD "sendmail:\n  aliases:\n    entries:\n"
	    "      ops: []\n", 5, 12, "not an empty list", 0 },
	{ "alias entries a list", HEAD "sendmail:\n  aliases:\n"
	    "    entries: [root]\n", 4, 14, "must be a mapping of alias names "
	    "to targets, not a list", 0 },
	{ "exact without postmaster", HEAD "sendmail:\n  aliases:\n"
	    "    mode: exact\n    entries:\n      MAILER-DAEMON: root\n", 6, 7,
	    "must define 'postmaster' when mode is exact", 0 },
	{ "exact without MAILER-DAEMON", HEAD "sendmail:\n  aliases:\n"
	    "    mode: exact\n    entries:\n      postmaster: root\n", 6, 7,
	    "must define 'MAILER-DAEMON' when mode is exact", 0 },
	{ "alias mode unknown", HEAD "sendmail:\n  aliases:\n    mode: "
	    "replace\n", 4, 11, "'replace' is not one of: merge, exact", 0 },
	{ "alias loop", HEAD "sendmail:\n  aliases:\n    entries:\n"
	    "      a: b\n      b: a\n", 5, 7, "alias loop: a -> b -> a", 0 },
	{ "alias loop of three", HEAD "sendmail:\n  aliases:\n    entries:\n"
	    "      a: [x, b]\n      b: c\n      c: \"y, A\"\n", 5, 7,
	    "alias loop: a -> b -> c -> a", 0 },
	{ "alias twice in other case", HEAD "sendmail:\n  aliases:\n"
	    "    entries:\n      Postmaster: root\n      postmaster: root\n",
	    6, 7, "alias 'postmaster' is given twice (first at line 5, "
	    "column 7", 0 },
	/* service */
	{ "args with ;", HEAD "service:\n  args: \"-bd; rm -rf /\"\n", 3, 9,
	    "no shell characters", 0 },
	{ "args with backquote", HEAD "service:\n  args: \"-bd -q`id`\"\n", 3,
	    9, "no shell characters", 0 },
	{ "args with $", HEAD "service:\n  args: \"-bd -q$HOME\"\n", 3, 9,
	    "no shell characters", 0 },
	{ "args too long", NULL, 3, 9, "longer than 199 characters", 0 },
	{ "args without -bd", HEAD "service:\n  args: \"-q30m\"\n", 3, 9,
	    "must include -bd", 0 },
	{ "args not a flag", HEAD "service:\n  args: \"bd\"\n", 3, 9,
	    "must start with a flag", 0 },
	{ "args with -X", HEAD "service:\n  args: \"-bd -q30m -X/etc/passwd\"\n",
	    3, 9, "service.args flag '-X/etc/passwd' is not allowed: sendmail "
	    "takes only -bd, -q[p][INTERVAL] and -LTAG here", 0 },
	{ "args with -C", HEAD "service:\n  args: \"-bd -C/var/tmp/x.cf\"\n",
	    3, 9, "service.args flag '-C/var/tmp/x.cf' is not allowed", 0 },
	{ "args with -O", HEAD "service:\n  args: \"-bd -ODontBlameSendmail="
	    "groupwritabledirpathsafe\"\n", 3, 9, "service.args flag "
	    "'-ODontBlameSendmail=groupwritabledirpath' is not allowed",
	    0 },
	{ "args with a bad interval", HEAD "service:\n  args: \"-bd -q30x\"\n",
	    3, 9, "service.args flag '-q30x' is not allowed", 0 },
	{ "state misspelt", HEAD "service:\n  state: runing\n", 3, 10,
	    "'runing' is not one of: running, stopped; did you mean "
	    "'running'?", 0 },
	{ "subsystem name", HEAD "service:\n  subsystem: send mail\n", 3, 14,
	    "service.subsystem 'send mail' may hold only", 0 },
	{ "auth not a section", HEAD "sendmail:\n  auth: plain\n", 3, 9,
	    "sendmail.auth must be a mapping", 0 },
	{ "auth without user", HEAD "sendmail:\n  smart_host: \"[r.example"
	    ".net]\"\n  auth:\n    secret_file: /etc/mail/s\n", 5, 5,
	    "sendmail.auth.user is missing", 0 },
	{ "auth without smart host", HEAD "sendmail:\n  auth:\n    user: u\n"
	    "    secret_file: /etc/mail/s\n", 4, 5, "sendmail.auth is set but "
	    "sendmail.smart_host is not", 0 },
	{ "auth mechanism", HEAD "sendmail:\n  smart_host: \"[r.example.net]"
	    "\"\n  auth:\n    user: u\n    secret_file: /etc/mail/s\n"
	    "    mechanisms: [plain]\n", 7, 18, "is not a SASL mechanism", 0 },
	{ "auth secret relative", HEAD "sendmail:\n  smart_host: \"[r.exam"
	    "ple.net]\"\n  auth:\n    user: u\n    secret_file: s\n", 6, 18,
	    "must be an absolute path", 0 },
	{ "tls without ca_path", HEAD "sendmail:\n  tls:\n    cert: /e/c\n"
	    "    key: /e/k\n    ca_file: /e/ca\n", 4, 5, "sendmail.tls."
	    "ca_path is missing: sendmail offers STARTTLS only when cert, "
	    "key, ca_file and ca_path are all set", 0 },
	{ "tls path with a comma", HEAD "sendmail:\n  tls:\n    cert: "
	    "/e/c,/e/d\n" TLS3("key"), 4, 11, "may hold only letters, digits", 0 },
	{ "tls path with shell", HEAD "sendmail:\n  tls:\n    key: "
	    "\"/e/$(id)\"\n" TLS3("cert"), 4, 10, "may hold only letters, digits", 0 },
	{ "tls client cert alone", HEAD "sendmail:\n  tls:\n    cert: /e/c\n"
	    "    key: /e/k\n    ca_file: /e/a\n    ca_path: /e/p\n"
	    "    client_cert: /e/cc\n", 8, 18, "sendmail.tls.client_cert is "
	    "set without sendmail.tls.client_key", 0 },
	{ "tls require bad", HEAD "sendmail:\n  tls:\n    require_smart_host:"
	    " always\n" TLS3("cert") "    key: /e/k\n", 4, 25, "'always' is not one of: none, encrypt, "
	    "verify", 0 },
	{ "tls require without smart host", HEAD "sendmail:\n  tls:\n"
	    "    cert: /e/c\n    key: /e/k\n    ca_file: /e/a\n"
	    "    ca_path: /e/p\n    require_smart_host: encrypt\n", 8, 25,
	    "require_smart_host is encrypt but sendmail.smart_host is not "
	    "set", 0 },
	{ "tls require with an MX smart host", HEAD "sendmail:\n  smart_host: "
	    "relay.example.net\n  tls:\n    cert: /e/c\n    key: /e/k\n"
	    "    ca_file: /e/a\n    ca_path: /e/p\n"
	    "    require_smart_host: encrypt\n", 9, 25, "needs the smart host "
	    "written as [host]", 0 },
	{ "port out of range", HEAD "sendmail:\n  smart_host: \"[r.example"
	    ".net]\"\n  smart_host_port: 70000\n", 4, 20,
	    "smart_host_port 70000 is out of range: 1 to 65535", 0 },
	{ "port without smart host", HEAD "sendmail:\n  smart_host_port: 587"
	    "\n", 3, 20, "smart_host_port is set but sendmail.smart_host is "
	    "not", 0 },
	{ "port with esmtp smart host", HEAD "sendmail:\n  smart_host: "
	    "\"esmtp:[r.example.net]\"\n  smart_host_port: 587\n", 4, 20,
	    "sends through the esmtp mailer", 0 },
	{ "program is the link", HEAD "sendmail:\n  program: /usr/lib/"
	    "sendmail\n", 3, 12, "names the link itself", 0 },
	{ "program relative", HEAD "sendmail:\n  program: sendmail_ssl\n",
	    3, 12, "must be an absolute path", 0 },
	{ "config relative", HEAD "sendmail:\n  config: mail/sendmail.cf\n",
	    3, 11, "must be an absolute path", 0 },
	{ "backups.keep zero", HEAD "backups:\n  keep: 0\n", 3, 9,
	    "backups.keep 0 is out of range", 0 },
	{ "backups.keep too many", HEAD "backups:\n  keep: 1001\n", 3, 9,
	    "backups.keep 1001 is out of range: keep 1 to 1000 backups per "
	    "file", 0 },
	{ "config escapes", HEAD "sendmail:\n  config: /etc/mail/../shadow\n",
	    3, 11, "may not contain '..'", 0 },
	/* several errors in one file, all reported, in file order */
	{ "several errors", HEAD "sendmail:\n  hostnme: a\n  relay_domains: "
	    "[\"*\"]\nservice:\n  state: up\n", 6, 10, "'up' is not one of",
	    3 },
};

static char *
long_args_doc(void)
{
	struct sbuf b = { 0 };
	int i;

	sbuf_adds(&b, HEAD "service:\n  args: \"-bd");
	for (i = 0; i < 50; i++)
		sbuf_adds(&b, " -q1");
	sbuf_adds(&b, "\"\n");
	return b.s;
}

static void
test_bad_documents(void **state)
{
	size_t i, failed = 0, want;
	struct diags d;
	struct desired *ds;

	(void)state;
	assert_true(sizeof(bad_docs) / sizeof(bad_docs[0]) >= 40);
	for (i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		const struct bad *b = &bad_docs[i];
		char *doc = b->doc ? xstrdup(b->doc) : long_args_doc();
		/* The UTF-16 case holds a NUL: give its real length. */
		size_t len = strcmp(b->name, "UTF-16 byte order mark") == 0 ?
		    4 : strlen(doc);

		ds = load(doc, len, &d);
		want = b->count ? b->count : 1;
		if (ds != NULL || !has_diag(&d, b->line, b->col, b->msg) ||
		    diags_count(&d) != want) {
			print_error("case '%s': want %zu error(s) with %u:%u: "
			    "%s\n", b->name, want, b->line, b->col, b->msg);
			dump_diags(&d);
			failed++;
		}
		desired_free(ds);
		diags_free(&d);
		free(doc);
	}
	assert_int_equal(failed, 0);
}

static const char full_doc[] =
    "version: 1\n"
    "sendmail:\n"
    "  config: /etc/mail/sendmail.cf\n"
    "  hostname: dmspar02\n"
    "  domain: example.net\n"
    "  accept_names: [localhost, dmspar02, dmspar02.example.net, "
    "mail.example.net]\n"
    "  smart_host: \"[smtprelay.example.net]\"\n"
    "  relay_all: true\n"
    "  relay_domains: [example.net, 10.20.30]\n"
    "  aliases:\n"
    "    mode: merge\n"
    "    entries:\n"
    "      postmaster: root\n"
    "      MAILER-DAEMON: postmaster\n"
    "      ops: [alice, bob]\n"
    "      team: \"carol, dave@example.org ,\\\\erin\"\n"
    "      root: root, ops\n"
    "  program: /usr/sbin/sendmail_ssl\n"
    "  smart_host_port: 587\n"
    "  tls:\n"
    "    cert: /etc/mail/tls/host.crt\n"
    "    key: /etc/mail/tls/host.key\n"
    "    ca_file: /etc/mail/tls/ca.pem\n"
    "    ca_path: /etc/mail/tls/ca\n"
    "    require_smart_host: verify\n"
    "  auth:\n"
    "    user: relayuser\n"
    "    secret_file: /etc/mail/relay.secret\n"
    "    mechanisms: [PLAIN, CRAM-MD5]\n"
    "service:\n"
    "  subsystem: sendmail\n"
    "  state: running\n"
    "  args: \"-bd -q30m\"\n"
    "  persist: true\n";

/* The daemon flags service.args accepts for sendmail. */
static void
test_daemon_args_accepted(void **state)
{
	static const char *good[] = { "-bd", "-bd -q30m", "-bd -q1h30m",
	    "-bd -qp15m", "-bd -qp", "-q -bd", "-bd -q1 -Lsm-mta" };
	struct sbuf b = { 0 };
	struct diags d;
	struct desired *ds;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		b.len = 0;
		sbuf_addf(&b, "version: 1\nservice:\n  args: \"%s\"\n",
		    good[i]);
		ds = load(b.s, b.len, &d);
		if (ds == NULL)
			dump_diags(&d);
		assert_non_null(ds);
		assert_string_equal(ds->service.args.v, good[i]);
		desired_free(ds);
		diags_free(&d);
	}
	sbuf_free(&b);
}

static void
test_full_document(void **state)
{
	struct diags d;
	struct desired *ds;
	const struct dalias *a;

	(void)state;
	ds = load(full_doc, sizeof(full_doc) - 1, &d);
	if (ds == NULL)
		dump_diags(&d);
	assert_non_null(ds);
	assert_int_equal(diags_count(&d), 0);
	assert_int_equal(ds->version.v, 1);
	assert_string_equal(ds->sendmail.hostname.v, "dmspar02");
	assert_int_equal(ds->sendmail.hostname.at.line, 4);
	assert_int_equal(ds->sendmail.hostname.at.col, 13);
	assert_string_equal(ds->sendmail.domain.v, "example.net");
	assert_int_equal(ds->sendmail.accept_names.l.n, 4);
	assert_string_equal(ds->sendmail.accept_names.l.v[3],
	    "mail.example.net");
	assert_string_equal(ds->sendmail.smart_host.v,
	    "[smtprelay.example.net]");
	assert_int_equal(ds->sendmail.relay_all.v, 1);
	assert_int_equal(ds->sendmail.relay_domains.l.n, 2);
	assert_string_equal(ds->sendmail.relay_domains.l.v[1], "10.20.30");
	assert_int_equal(ds->sendmail.aliases.mode.v, ALIASES_MERGE);
	assert_int_equal(ds->sendmail.aliases.n, 5);
	a = desired_alias_find(ds, "mailer-daemon");
	assert_non_null(a);
	assert_string_equal(a->targets.v[0], "postmaster");
	a = desired_alias_find(ds, "ops");
	assert_int_equal(a->targets.n, 2);
	assert_string_equal(a->targets.v[1], "bob");
	assert_int_equal(a->tat[1].line, 15);
	a = desired_alias_find(ds, "team");
	assert_int_equal(a->targets.n, 3);
	assert_string_equal(a->targets.v[1], "dave@example.org");
	assert_string_equal(a->targets.v[2], "\\erin");
	/* root: root, ops is a self-reference, not a loop. */
	a = desired_alias_find(ds, "root");
	assert_int_equal(a->targets.n, 2);
	assert_string_equal(ds->sendmail.program.v, "/usr/sbin/sendmail_ssl");
	assert_true(ds->sendmail.smart_host_port.set);
	assert_int_equal(ds->sendmail.smart_host_port.v, 587);
	assert_true(ds->sendmail.tls.sect.set);
	assert_string_equal(ds->sendmail.tls.ca_path.v, "/etc/mail/tls/ca");
	assert_null(ds->sendmail.tls.client_cert.v);
	assert_int_equal(ds->sendmail.tls.require_smart_host.v,
	    TLS_REQUIRE_VERIFY);
	assert_string_equal(ds->sendmail.auth.user.v, "relayuser");
	assert_int_equal(ds->sendmail.auth.mechanisms.l.n, 2);
	assert_string_equal(ds->sendmail.auth.mechanisms.l.v[1], "CRAM-MD5");
	assert_string_equal(ds->service.subsystem.v, "sendmail");
	assert_int_equal(ds->service.state.v, SERVICE_RUNNING);
	assert_string_equal(ds->service.args.v, "-bd -q30m");
	assert_int_equal(ds->service.persist.v, 1);
	desired_free(ds);
	diags_free(&d);
}

static void
test_defaults(void **state)
{
	static const char doc[] = "version: 1\nsendmail:\n  aliases: {}\n"
	    "service:\n  state: stopped\n";
	struct diags d;
	struct desired *ds;

	(void)state;
	ds = load(doc, sizeof(doc) - 1, &d);
	assert_non_null(ds);
	assert_string_equal(ds->sendmail.config.v, "/etc/mail/sendmail.cf");
	assert_null(ds->sendmail.hostname.v);
	assert_null(ds->sendmail.smart_host.v);
	assert_false(ds->sendmail.accept_names.set);
	assert_int_equal(ds->sendmail.relay_all.v, 0);
	/* Not written: not managed. */
	assert_null(ds->sendmail.program.v);
	assert_false(ds->sendmail.smart_host_port.set);
	assert_false(ds->sendmail.tls.sect.set);
	assert_false(ds->sendmail.auth.sect.set);
	assert_int_equal(ds->sendmail.aliases.mode.v, ALIASES_MERGE);
	assert_int_equal(ds->sendmail.aliases.allow_programs.v, 0);
	assert_string_equal(ds->service.subsystem.v, "sendmail");
	assert_int_equal(ds->service.state.v, SERVICE_STOPPED);
	assert_string_equal(ds->service.args.v, "-bd -q30m");
	assert_int_equal(ds->service.persist.v, 1);
	desired_free(ds);
	diags_free(&d);

	/* No service section: the service is not managed. */
	ds = load("version: 1\n", 11, &d);
	assert_non_null(ds);
	assert_false(ds->service.sect.set);
	assert_null(ds->service.args.v);
	assert_null(ds->service.subsystem.v);
	/* The other sections' defaults hold without their section. */
	assert_string_equal(ds->sendmail.config.v, "/etc/mail/sendmail.cf");
	assert_int_equal(ds->backups.keep.v, 10);
	desired_free(ds);
	diags_free(&d);
}

static void
test_allow_flags(void **state)
{
	static const char doc[] = "version: 1\nsendmail:\n  aliases:\n"
	    "    entries:\n      prog: \"|/usr/bin/vacation\"\n"
	    "      log: [/var/log/mail.copy, \":include:/etc/mail/l\"]\n"
	    "    allow_programs: true\n    allow_files: true\n";
	struct diags d;
	struct desired *ds;

	(void)state;
	/* The flags come after the entries: order must not matter. */
	ds = load(doc, sizeof(doc) - 1, &d);
	if (ds == NULL)
		dump_diags(&d);
	assert_non_null(ds);
	assert_int_equal(desired_alias_find(ds, "log")->targets.n, 2);
	desired_free(ds);
	diags_free(&d);
}

static void
test_error_cap(void **state)
{
	struct sbuf b = { 0 };
	struct diags d;
	int i;

	(void)state;
	sbuf_adds(&b, "version: 1\n");
	for (i = 0; i < 25; i++)
		sbuf_addf(&b, "bogus%02d: 1\n", i);
	assert_null(load(b.s, b.len, &d));
	assert_int_equal(d.n, DIAG_MAX);
	assert_int_equal(d.dropped, 5);
	assert_int_equal(diags_count(&d), 25);
	/* Kept in file order: the first is on line 2. */
	assert_int_equal(d.v[0].line, 2);
	assert_int_equal(d.v[DIAG_MAX - 1].line, 21);
	diags_free(&d);
	sbuf_free(&b);
}

static void
test_bounds(void **state)
{
	struct sbuf b = { 0 };
	struct diags d;
	char *big;
	int i;

	(void)state;
	/* Nesting: the 33rd open container is refused. */
	sbuf_adds(&b, "version: 1\nx: ");
	for (i = 0; i < 40; i++)
		sbuf_adds(&b, "[");
	for (i = 0; i < 40; i++)
		sbuf_adds(&b, "]");
	sbuf_adds(&b, "\n");
	assert_null(load(b.s, b.len, &d));
	assert_int_equal(diags_count(&d), 1);
	assert_true(has_diag(&d, 2, 4 + 31, "nesting deeper than 32 levels"));
	diags_free(&d);
	sbuf_free(&b);

	/* Nodes: map, 2 for version, key x, the list, then items. */
	sbuf_adds(&b, "version: 1\nx:\n");
	for (i = 0; i < 100000; i++)
		sbuf_adds(&b, "- a\n");
	assert_true(b.len < DESIRED_MAX_BYTES);
	assert_null(load(b.s, b.len, &d));
	assert_int_equal(diags_count(&d), 1);
	assert_true(has_diag(&d, 2 + 99996, 3, "more than 100000 YAML nodes"));
	diags_free(&d);
	sbuf_free(&b);

	/* Size: one byte over 1 MiB is refused before any parsing. */
	big = xmalloc(DESIRED_MAX_BYTES + 1);
	memset(big, '#', DESIRED_MAX_BYTES + 1);
	assert_null(load(big, DESIRED_MAX_BYTES + 1, &d));
	assert_int_equal(diags_count(&d), 1);
	assert_true(has_diag(&d, 0, 0, "the limit is 1048576"));
	diags_free(&d);
	free(big);
}

static void
test_many_aliases(void **state)
{
	struct sbuf b = { 0 };
	struct diags d;
	struct desired *ds;
	int i;

	(void)state;
	/* A long chain a0 -> a1 -> ... must not overflow the loop check. */
	sbuf_adds(&b, "version: 1\nsendmail:\n  aliases:\n    entries:\n");
	for (i = 0; i < 30000; i++)
		sbuf_addf(&b, "      a%d: a%d\n", i, i + 1);
	ds = load(b.s, b.len, &d);
	assert_non_null(ds);
	assert_int_equal(ds->sendmail.aliases.n, 30000);
	desired_free(ds);
	diags_free(&d);
	/* Close the chain: one loop, reported once, at the start of it. */
	sbuf_addf(&b, "      a%d: a0\n", 30000);
	assert_null(load(b.s, b.len, &d));
	assert_int_equal(diags_count(&d), 1);
	assert_true(has_diag(&d, 5, 7, "alias loop: a0 -> a1 -> a2 -> a3 -> ... -> "
	    "a29999 -> a30000 -> a0 (30001 aliases)"));
	diags_free(&d);
	sbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_documents),
		cmocka_unit_test(test_full_document),
		cmocka_unit_test(test_daemon_args_accepted),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_allow_flags),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_many_aliases),
	};

	return cmocka_run_group_tests_name("desired", tests, NULL, NULL);
}
