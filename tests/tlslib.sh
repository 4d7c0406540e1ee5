# tests/tlslib.sh -- a world for STARTTLS tests with real parts: a real
# sendmail daemon (the client under test: any cf, e.g. one mailprov wrote)
# and a real sendmail sink relay, in one set of private namespaces, on
# 127.0.0.x.  Sourced by bash (arrays, local).  Needs root, util-linux
# unshare, iproute2 (ip, ss), openssl, m4 with Debian's sendmail-cf,
# makemap, python3 (smtplib), and a sendmail built with STARTTLS.
# tests/tls_world_test.sh shows every function at work.
#
#	. tests/testenv.sh; mp_setup NAME
#	. tests/tlslib.sh
#	TLS_LOG=$S/syslog tls_world bash "$0" --inner "$S"   # this script
#	                              # again, inside; it sources tlslib.sh too
#
# Files sendmail reads (certificates, keys, cf, access map, queue) must lie
# in a safe path: every directory above them owned by root and writable by
# root alone.  $S from mp_setup is such a place; /tmp is not.  Failures are
# reported on stderr as "tlslib: ...".
#
# ---- Certificates.  Status 0 on success; nothing printed unless said.
# Keys are EC P-256 unless $TLS_KEYALG names another `openssl req -newkey`
# algorithm (e.g. rsa:2048: works as well, but is slower to make).  DIR's
# CA (DIR/ca.crt, DIR/ca.key) must exist for all but tls_make_ca.
#
#   tls_make_ca DIR
#	DIR/ca.crt (0644), DIR/ca.key (0600): a self-signed CA,
#	"CN=mailprov test CA", 30 days.  DIR is created 0755.  Files are
#	owned by the caller (root).
#   tls_make_cert DIR NAME CN
#	DIR/NAME.crt (0644) and DIR/NAME.key (0600), signed by DIR's CA,
#	subject CN=CN, subjectAltName DNS:CN, serverAuth+clientAuth, 30 days.
#   tls_make_expired DIR NAME CN
#	The same, but valid only in 2000 (notAfter 2001-01-01 00:00 GMT):
#	made with `openssl ca -startdate -enddate` and a throw-away ca config
#	and database in DIR/NAME.cadb (OpenSSL 3.0's `x509 -days` takes no
#	negative number, and it has no -not_before/-not_after yet).
#   tls_make_mismatch DIR NAME CN
#	DIR/NAME.crt and DIR/NAME.key that do not belong together (the cert,
#	signed by the CA, is for another key).
#   tls_ca_path DIR
#	Prints DIR/capath: a CACertPath directory holding a copy of
#	DIR/ca.crt and its hash link HHHHHHHH.0 (openssl rehash, else
#	c_rehash).
#   tls_cert_subject FILE
#	Prints FILE's subject as `openssl x509 -noout -subject` does
#	("subject=CN = relay.example.test"), the form tls_starttls_cert prints.
#
# ---- The world.
#
#   tls_world CMD [ARG...]
#	Runs CMD in ONE new set of namespaces and returns its status:
#	  UTS    host name $TLS_CLIENT_NAME (default dmspar02.example.net, the
#	         name the other tests use: qualified, so no 60 s sleep)
#	  net    only lo, up.  All of 127/8 is local there (route "local
#	         127.0.0.0/8 dev lo"), so 127.0.0.2 and .3 can be bound with
#	         no address added.
#	  mount  /etc/mail an empty tmpfs (root, 0755: a safe directory) with
#	         service.switch "hosts files"; /etc/hosts a bind-mounted file:
#	             127.0.0.1  $TLS_CLIENT_NAME, its first label, localhost
#	             127.0.0.2  $TLS_SINK_NAME (default relay.example.test) relay
#	             127.0.0.3  other.example.test other
#	             and the lines in $TLS_HOSTS, if set;
#	         /etc/nsswitch.conf a copy with "hosts: files" alone (with
#	         "files dns", sendmail's lookup of the smart host ends in
#	         TRY_AGAIN, herrno 2, although getent finds the name in
#	         /etc/hosts, and the mail is deferred with "Name server:
#	         relay.example.test.: host name lookup failure"; with "files"
#	         alone it connects); unless TLS_SYSLOG=0, a private /dev (a
#	         tmpfs with null, zero, full, random, urandom, tty, fd, stdin,
#	         stdout, stderr, shm) whose /dev/log is a python3 syslog
#	         catcher appending to $TLS_LOG (default
#	         /etc/mail/.tlsworld/syslog, gone with the world: set TLS_LOG
#	         to keep it).  This machine has no syslog daemon, and the log
#	         is the only place sendmail says why it dropped STARTTLS.
#	  PID    CMD's shell is process 1 of a new PID namespace.
#	When CMD ends, every daemon started by tls_sink_start or
#	tls_daemon_start is stopped (SIGTERM, SIGKILL after 5 s), and then
#	the kernel kills whatever is left, as the PID namespace ends with its
#	first process: nothing survives the world.  CMD may copy files into
#	/etc/mail (a cf naming /etc/mail/certs/...).  The functions below
#	work only inside a world ($TLS_IN_WORLD is set there).
#   tls_log
#	Prints the world's syslog so far ("sendmail[PID]: ..." lines, e.g.
#	"STARTTLS=client, relay=relay.example.test., version=TLSv1.3,
#	verify=OK, ...", "STARTTLS: ServerCertFile missing").
#
# ---- Daemons.  Each keeps its queue in ROOT/mqueue, its pid in
# ROOT/daemon.pid, its stdout and stderr in ROOT/daemon.out; each runs in
# the foreground (-bD) as a background job and is started only once it
# listens (bound 15 s; status 1 and a reason if it exits or does not).
#
#   tls_sink_start ROOT ADDR PORT MODE [CERT KEY CAFILE CAPATH]
#	The sink relay: a real sendmail on ADDR:PORT whose cf is m4-built
#	now into ROOT/sink.cf (from ROOT/sink.mc; never committed).  It has
#	Dj $TLS_SINK_NAME, not the client's name (a client that sees its own
#	name in the greeting fails with "553 5.3.5 system config error"),
#	relays for 127/8 (RELAY_DOMAIN 127: any 127.x client may relay to any
#	domain), DeliveryMode queue and no queue runner, so every message
#	stays in ROOT/mqueue as qf* + df*; LogLevel 14.  MODE tls: STARTTLS
#	with CERT KEY CAFILE CAPATH, or, if those are not given, with a CA
#	and a certificate for $TLS_SINK_NAME made in ROOT/certs (then the
#	client's certificate is not trusted: verify=FAIL in Received:).
#	MODE plain: no certificate options, no STARTTLS offered.
#	MODE auth: as tls, and AUTH is required (Cyrus SASL, PLAIN and
#	LOGIN offered only after STARTTLS: AuthOptions p): relaying only
#	for an authenticated client (no RELAY_DOMAIN); MAIL without AUTH
#	is deferred with "450 4.7.1 Authentication required" (a
#	Local_check_mail rule on ${auth_type}), so a client whose AUTH
#	failed keeps the message queued (DaemonPortOptions M=a would say
#	530, and the client would bounce it); the one user $TLS_SINK_USER
#	(default relayuser) with the password $TLS_SINK_SECRET (default
#	sink-secret) in ROOT/sasl/sasldb2 (saslpasswd2, realm
#	$TLS_SINK_NAME).  Cyrus SASL reads Sendmail.conf from its plugin
#	directory (/etc/sasl2 is not there): the first auth sink of a world
#	bind-mounts a copy of that directory holding ROOT/sasl's
#	Sendmail.conf over it (pwcheck_method auxprop, sasldb).  Needs
#	sasl2-bin and libsasl2-modules.
#   tls_daemon_start ROOT CF ADDR [PORT]
#	The client under test: CF (used in place) as a daemon on ADDR:PORT
#	(default 25).  These command-line options win over the cf's (an -O
#	option is sticky): QueueDirectory, PidFile,
#	DaemonPortOptions=Name=MTA,Addr=ADDR,Port=PORT (so the cf's own
#	daemons, e.g. 0.0.0.0:25 and the MSA on 0.0.0.0:587, are not opened
#	and cannot collide with a sink on 127.0.0.2:587), ServiceSwitchFile,
#	and -q$TLS_QUEUE_INTERVAL (default 1h: during a test a deferred
#	message is tried once, on arrival).  Everything else (certificates,
#	access map, DS, Mrelay's A=) comes from CF.  $TLS_DAEMON_ARGS: more
#	sendmail arguments.
#   tls_daemon_stop ROOT
#	Stops the daemon started for ROOT (a client or a sink): SIGTERM,
#	SIGKILL after 5 s; returns once it is gone.
#
# ---- Probes and mail.
#
#   tls_starttls_cert ADDR PORT [SERVERNAME]
#	`openssl s_client -starttls smtp` (15 s bound); prints the peer
#	certificate's subject ("subject=CN = ..."), comparable with
#	tls_cert_subject.  Status 1 and a reason on stderr ("ADDR:PORT does
#	not offer STARTTLS", or s_client's last lines) otherwise.
#   tls_ehlo ADDR PORT
#	Prints the EHLO reply, one "250 KEYWORD" line each (python3 smtplib;
#	no STARTTLS is done): grep it for "^250.STARTTLS$".
#   tls_send ADDR PORT FROM TO [CLIENT_ROOT [SINK_ROOT]]
#	Submits one message (python3 smtplib, 10 s timeout, EHLO
#	$TLS_CLIENT_NAME) and prints the final reply ("250 2.0.0 ID Message
#	accepted for delivery").  With CLIENT_ROOT it then waits (tls_settle)
#	for that queue's first delivery attempt; with SINK_ROOT also (20 s
#	bound) until the sink holds one message more than before.  Status 1
#	and a reason on stderr if the submission failed or a wait ran out.
#   tls_settle ROOT [SECONDS]
#	Waits (bound SECONDS, default 20) until no message in ROOT/mqueue
#	still awaits its first delivery attempt: the queue is empty, or every
#	qf file has a non-zero N (tries) line.
#   tls_queue_count ROOT, tls_sink_count ROOT
#	Prints the number of messages (qf files) in ROOT/mqueue.
#   tls_sink_messages ROOT
#	Prints every qf file in ROOT/mqueue, each after a "==> qfID" line:
#	the envelope, and the headers as H lines, among them the receiver's
#	Received: "with ESMTPS id ID (version=TLSv1.3 cipher=... bits=...
#	verify=OK|FAIL|NO)" when TLS was used, "with ESMTP id" when not.
#	Status 1 if there is none.
#   tls_queue_reasons ROOT
#	Prints "qfID: TEXT" per message in ROOT/mqueue, TEXT being its last
#	M line, the delivery status sendmail stored (e.g. "Deferred: 454
#	4.7.0 encryption too weak 0 less than 112"); nothing if empty.
#   tls_mailq ROOT CF
#	`sendmail -C CF -bp` on ROOT/mqueue: the same, as mailq shows it.
#   tls_queue_run ROOT CF
#	One queue run of ROOT/mqueue in the foreground (`sendmail -C CF
#	-qf`; a plain -q forks and returns at once), e.g. after a sink was
#	restarted with STARTTLS.  Returns sendmail's status.
#
# ---- Hosts for mailprov (outside a world; paths as tests/testenv.sh's
# mp_setup leaves them: run from the top of the tree).
#
#   tls_aix_mc OUT [M4-LINE...]
#	OUT: tests/fixtures/m4-aix.mc with the M4-LINEs (e.g. FEATURE(
#	`access_db', ...)) before its MAILER lines.
#   tls_host ROOT CERTDIR MC
#	A root for `mailprov --root': ROOT/etc/mail/sendmail.cf m4-built
#	from MC, aliases (postmaster, MAILER-DAEMON), access ("localhost
#	RELAY", 0644), and in ROOT/etc/mail/tls the files of CERTDIR:
#	host.crt, host.key (0600), ca.pem (CERTDIR/ca.crt), ca/ (a copy of
#	CERTDIR/capath); ROOT/var/mailprov/src made.
#   tls_desired REQUIRE [PORT]
#	Prints the start of a desired state: version, smart_host
#	[$TLS_SINK_NAME], smart_host_port PORT if given, and a tls section
#	naming tls_host's files with require_smart_host REQUIRE; more keys
#	of sendmail: may follow, indented by two blanks.
#
# makemap inside the world needs -C CF: without it, it reads
# /etc/mail/sendmail.cf, which the world does not have, and exits 66.
#
# Environment: TLS_CLIENT_NAME, TLS_SINK_NAME, TLS_HOSTS, TLS_SYSLOG,
# TLS_LOG, TLS_KEYALG, TLS_QUEUE_INTERVAL, TLS_DAEMON_ARGS, TLS_SINK_USER,
# TLS_SINK_SECRET (above);
# SENDMAIL (default /usr/sbin/sendmail); SENDMAIL_CF_DIR (as tests/mkcf.sh).

: "${SENDMAIL:=/usr/sbin/sendmail}"
: "${TLS_CLIENT_NAME:=dmspar02.example.net}"
: "${TLS_SINK_NAME:=relay.example.test}"
: "${TLS_QUEUE_INTERVAL:=1h}"
TLS_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tlslib.sh

_tls_err() { echo "tlslib: $*" >&2; }

# _tls_newkey: sets the array _tls_nk to openssl req's -newkey arguments
# for $TLS_KEYALG
_tls_newkey() {
	case ${TLS_KEYALG:-ec} in
	ec) _tls_nk=(-newkey ec -pkeyopt ec_paramgen_curve:P-256) ;;
	*) _tls_nk=(-newkey "$TLS_KEYALG") ;;
	esac
}

# _tls_wait SECONDS CMD...: testenv.sh's wait_for (the tests that source
# this file source testenv.sh first).
_tls_wait() {
	wait_for "$@"
}

# ---- certificates -------------------------------------------------------

tls_make_ca() {
	local d=$1
	mkdir -p "$d" && chmod 0755 "$d" || return 1
	local _tls_nk
	_tls_newkey
	(umask 077 && openssl req -x509 "${_tls_nk[@]}" -nodes -sha256 \
	    -keyout "$d/ca.key" -out "$d/ca.crt" -days 30 \
	    -subj "/CN=mailprov test CA" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign) >/dev/null 2>"$d/ca.err" ||
		{ cat "$d/ca.err" >&2; _tls_err "cannot make a CA in $d"; return 1; }
	chmod 0600 "$d/ca.key" && chmod 0644 "$d/ca.crt" && rm -f "$d/ca.err"
}

# _tls_csr DIR NAME CN: DIR/NAME.key (0600) and DIR/NAME.csr
_tls_csr() {
	local _tls_nk
	_tls_newkey
	(umask 077 && openssl req "${_tls_nk[@]}" -nodes -sha256 \
	    -keyout "$1/$2.key" -out "$1/$2.csr" -subj "/CN=$3") \
	    >/dev/null 2>"$1/$2.err" ||
		{ cat "$1/$2.err" >&2; _tls_err "cannot make a key for $3"; return 1; }
	chmod 0600 "$1/$2.key"
}

tls_make_cert() {
	local d=$1 n=$2 cn=$3
	[ -r "$d/ca.key" ] || { _tls_err "no CA in $d (tls_make_ca first)"; return 1; }
	_tls_csr "$d" "$n" "$cn" || return 1
	printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n' \
	    "$cn" >"$d/$n.ext"
	openssl x509 -req -sha256 -in "$d/$n.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
	    -set_serial "0x$(openssl rand -hex 8)" -days 30 -extfile "$d/$n.ext" \
	    -out "$d/$n.crt" >/dev/null 2>"$d/$n.err" ||
		{ cat "$d/$n.err" >&2; _tls_err "cannot sign $n"; return 1; }
	chmod 0644 "$d/$n.crt" && rm -f "$d/$n.csr" "$d/$n.ext" "$d/$n.err"
}

tls_make_expired() {
	local d=$1 n=$2 cn=$3 db
	[ -r "$d/ca.key" ] || { _tls_err "no CA in $d (tls_make_ca first)"; return 1; }
	_tls_csr "$d" "$n" "$cn" || return 1
	db=$d/$n.cadb
	rm -rf "$db" && mkdir -m 0700 "$db" && : >"$db/index.txt" &&
	    openssl rand -hex 8 >"$db/serial" || return 1
	cat >"$db/ca.cnf" <<EOF
[ ca ]
default_ca = tca
[ tca ]
database = $db/index.txt
serial = $db/serial
new_certs_dir = $db
default_md = sha256
policy = pol
unique_subject = no
x509_extensions = ext
[ pol ]
commonName = supplied
[ ext ]
basicConstraints = CA:FALSE
subjectAltName = DNS:$cn
extendedKeyUsage = serverAuth,clientAuth
EOF
	openssl ca -config "$db/ca.cnf" -batch -notext -cert "$d/ca.crt" \
	    -keyfile "$d/ca.key" -startdate 20000101000000Z \
	    -enddate 20010101000000Z -in "$d/$n.csr" -out "$d/$n.crt" \
	    >/dev/null 2>"$d/$n.err" ||
		{ cat "$d/$n.err" >&2; _tls_err "openssl ca failed for $n"; return 1; }
	chmod 0644 "$d/$n.crt" && rm -f "$d/$n.csr" "$d/$n.err"
}

tls_make_mismatch() {
	local d=$1 n=$2 cn=$3
	tls_make_cert "$d" "$n" "$cn" || return 1
	_tls_csr "$d" "$n.other" "$cn" || return 1
	mv -f "$d/$n.other.key" "$d/$n.key" && rm -f "$d/$n.other.csr"
}

tls_ca_path() {
	local d=$1
	mkdir -p "$d/capath" && chmod 0755 "$d/capath" &&
	    cp "$d/ca.crt" "$d/capath/ca.pem" && chmod 0644 "$d/capath/ca.pem" ||
		return 1
	if ! openssl rehash "$d/capath" >/dev/null 2>&1; then
		c_rehash "$d/capath" >/dev/null || { _tls_err "cannot rehash $d/capath"; return 1; }
	fi
	set -- "$d"/capath/[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].0
	[ -e "$1" ] || { _tls_err "no hash link in $d/capath"; return 1; }
	echo "$d/capath"
}

tls_cert_subject() {
	openssl x509 -in "$1" -noout -subject
}

# ---- hosts for mailprov -------------------------------------------------

tls_aix_mc() {
	local out=$1
	shift
	{
		sed '/^MAILER(`local/d; /^MAILER(`smtp/d' tests/fixtures/m4-aix.mc
		[ $# -gt 0 ] && printf '%s\n' "$@"
		echo 'MAILER(`local'"')dnl"
		echo 'MAILER(`smtp'"')dnl"
	} >"$out"
}

tls_host() {
	local r=$1 c=$2 mc=$3
	mkdir -p "$r/etc/mail/tls/ca" "$r/var/mailprov/src" || return 1
	sh tests/mkcf.sh "$mc" "$r/etc/mail/sendmail.cf" || return 1
	printf 'postmaster: root\nMAILER-DAEMON: postmaster\n' >"$r/etc/mail/aliases"
	printf '# access map\nlocalhost\tRELAY\n' >"$r/etc/mail/access"
	chmod 0644 "$r/etc/mail/access"
	install -m 0644 "$c/host.crt" "$r/etc/mail/tls/host.crt" &&
	    install -m 0600 "$c/host.key" "$r/etc/mail/tls/host.key" &&
	    install -m 0644 "$c/ca.crt" "$r/etc/mail/tls/ca.pem" &&
	    cp -a "$c/capath/." "$r/etc/mail/tls/ca/"
}

tls_desired() {
	printf 'version: 1\nsendmail:\n  smart_host: "[%s]"\n' "$TLS_SINK_NAME"
	[ -n "${2-}" ] && printf '  smart_host_port: %s\n' "$2"
	printf '  tls:\n    cert: /etc/mail/tls/host.crt\n'
	printf '    key: /etc/mail/tls/host.key\n'
	printf '    ca_file: /etc/mail/tls/ca.pem\n    ca_path: /etc/mail/tls/ca\n'
	printf '    require_smart_host: %s\n' "$1"
}

# ---- the world ----------------------------------------------------------

tls_world() {
	[ $# -ge 1 ] || { _tls_err "usage: tls_world CMD [ARG...]"; return 2; }
	# shellcheck disable=SC2016 # the inner script expands its own variables
	unshare -u -n -m -p -f --mount-proc --propagation private bash -c '
		lib=$1 client=$2 sink=$3 extra=$4 syslog=$5 log=$6 syslogd=$7
		shift 7
		hostname "$client" || { echo "tls_world: cannot set host name" >&2; exit 2; }
		ip link set lo up || { echo "tls_world: cannot bring up lo" >&2; exit 2; }
		mount -t tmpfs -o mode=0755 tlsworld /etc/mail ||
			{ echo "tls_world: cannot mount a tmpfs on /etc/mail" >&2; exit 2; }
		printf "hosts\tfiles\naliases\tfiles\n" >/etc/mail/service.switch || exit 2
		mkdir -m 0700 /etc/mail/.tlsworld || exit 2
		{
			printf "127.0.0.1\t%s %s localhost\n" "$client" "${client%%.*}"
			printf "127.0.0.2\t%s %s\n" "$sink" "${sink%%.*}"
			printf "127.0.0.3\tother.example.test other\n"
			printf "::1\tlocalhost ip6-localhost\n"
			if [ -n "$extra" ]; then printf "%s\n" "$extra"; fi
		} >/etc/mail/.tlsworld/hosts || exit 2
		mount --bind /etc/mail/.tlsworld/hosts /etc/hosts ||
			{ echo "tls_world: cannot bind-mount /etc/hosts" >&2; exit 2; }
		sed "s/^hosts:.*/hosts:\tfiles/" /etc/nsswitch.conf \
		    >/etc/mail/.tlsworld/nsswitch.conf &&
		    mount --bind /etc/mail/.tlsworld/nsswitch.conf /etc/nsswitch.conf ||
			{ echo "tls_world: cannot bind-mount /etc/nsswitch.conf" >&2; exit 2; }
		if [ "$syslog" = 1 ]; then
			# a private /dev, so that /dev/log can be our socket
			mount -t tmpfs -o mode=0755,nosuid tlsdev /dev &&
			    mknod -m 0666 /dev/null c 1 3 &&
			    mknod -m 0666 /dev/zero c 1 5 &&
			    mknod -m 0666 /dev/full c 1 7 &&
			    mknod -m 0666 /dev/random c 1 8 &&
			    mknod -m 0666 /dev/urandom c 1 9 &&
			    mknod -m 0666 /dev/tty c 5 0 &&
			    ln -s /proc/self/fd /dev/fd && ln -s fd/0 /dev/stdin &&
			    ln -s fd/1 /dev/stdout && ln -s fd/2 /dev/stderr &&
			    mkdir -m 1777 /dev/shm ||
				{ echo "tls_world: cannot make a private /dev" >&2; exit 2; }
			: >>"$log" || { echo "tls_world: cannot write $log" >&2; exit 2; }
			python3 -c "$syslogd" "$log" </dev/null >/dev/null 2>&1 &
			i=0
			until [ -S /dev/log ]; do
				i=$((i + 1))
				[ $i -gt 100 ] && { echo "tls_world: no /dev/log" >&2; exit 2; }
				sleep 0.05
			done
		fi
		export TLS_IN_WORLD=1 TLS_CLIENT_NAME=$client TLS_SINK_NAME=$sink TLS_LOG=$log
		"$@"
		rc=$?
		. "$lib" && tls_world_cleanup
		exit $rc
	' tls_world "$TLS_LIB" "$TLS_CLIENT_NAME" "$TLS_SINK_NAME" "${TLS_HOSTS-}" \
	    "${TLS_SYSLOG:-1}" "${TLS_LOG:-/etc/mail/.tlsworld/syslog}" "$_TLS_SYSLOGD" "$@"
}

# The syslog catcher of tls_world: datagrams on /dev/log, one line each
# ("sm-mta[PID]: ..." without the <priority> and date) appended to argv[1].
_TLS_SYSLOGD='
import os, re, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
out = open(sys.argv[1], "a", buffering=1)
pat = re.compile(r"^<[0-9]+>(?:[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} )?")
while True:
    d = s.recv(65536).decode("utf-8", "replace").rstrip("\n\0")
    out.write(pat.sub("", d) + "\n")
'

tls_log() {
	cat "${TLS_LOG:-/etc/mail/.tlsworld/syslog}"
}

_tls_inworld() {
	[ "${TLS_IN_WORLD-}" = 1 ] && return 0
	_tls_err "$1: only inside tls_world"
	return 1
}

# The registry of started daemons: one line "PID ROOT" each.
_TLS_REG=/etc/mail/.tlsworld/daemons

# tls_world_cleanup: stop every daemon in the registry (tls_world calls it).
tls_world_cleanup() {
	local pid root
	[ -f "$_TLS_REG" ] || return 0
	while read -r pid root; do
		kill -TERM "$pid" 2>/dev/null
	done <"$_TLS_REG"
	while read -r pid root; do
		_tls_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null
	done <"$_TLS_REG"
	: >"$_TLS_REG"
}

# _tls_gone PID SECONDS: wait until PID has exited (a zombie counts as gone)
_tls_gone() {
	local end=$(( $(date +%s%N) / 1000000 + $2 * 1000 ))
	while [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; do
		[ $(( $(date +%s%N) / 1000000 )) -ge "$end" ] && return 1
		sleep 0.05
	done
	return 0
}

# _tls_listening ADDR PORT: something listens on ADDR:PORT (TCP)
_tls_listening() {
	ss -Hltn "src $1:$2" 2>/dev/null | grep -q .
}

# _tls_run ROOT CF ADDR PORT [ARGS...]: start sendmail -bD in the
# background, register it, wait until it listens.
_tls_run() {
	local root=$1 cf=$2 addr=$3 port=$4 pid end
	shift 4
	mkdir -p "$root/mqueue" && chmod 0700 "$root/mqueue" || return 1
	if _tls_listening "$addr" "$port"; then
		_tls_err "$addr:$port is already in use"
		return 1
	fi
	"$SENDMAIL" -C "$cf" -bD \
	    -O "QueueDirectory=$root/mqueue" -O "PidFile=$root/sendmail.pid" \
	    -O "DaemonPortOptions=Name=MTA,Addr=$addr,Port=$port" \
	    -O ServiceSwitchFile=/etc/mail/service.switch \
	    "$@" </dev/null >>"$root/daemon.out" 2>&1 &
	pid=$!
	echo "$pid" >"$root/daemon.pid"
	echo "$pid $root" >>"$_TLS_REG"
	end=$(( $(date +%s%N) / 1000000 + 15000 ))
	until _tls_listening "$addr" "$port"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			_tls_err "sendmail -C $cf exited before listening on $addr:$port: $(tail -c 600 "$root/daemon.out")"
			return 1
		fi
		if [ $(( $(date +%s%N) / 1000000 )) -ge "$end" ]; then
			_tls_err "sendmail -C $cf not listening on $addr:$port after 15 s"
			return 1
		fi
		sleep 0.05
	done
}

tls_daemon_start() {
	_tls_inworld tls_daemon_start || return 2
	[ $# -ge 3 ] || { _tls_err "usage: tls_daemon_start ROOT CF ADDR [PORT]"; return 2; }
	[ -r "$2" ] || { _tls_err "cannot read $2"; return 1; }
	mkdir -p "$1" || return 1
	# shellcheck disable=SC2086 # TLS_DAEMON_ARGS is a list of words
	_tls_run "$1" "$2" "$3" "${4:-25}" "-q$TLS_QUEUE_INTERVAL" ${TLS_DAEMON_ARGS-}
}

tls_daemon_stop() {
	local root=$1 pid
	[ -f "$root/daemon.pid" ] || return 0
	pid=$(cat "$root/daemon.pid")
	kill -TERM "$pid" 2>/dev/null
	_tls_gone "$pid" 5 || { kill -KILL "$pid" 2>/dev/null; _tls_gone "$pid" 2; }
	rm -f "$root/daemon.pid"
	[ -f "$_TLS_REG" ] && sed -i "/^$pid /d" "$_TLS_REG"
	return 0
}

tls_sink_start() {
	_tls_inworld tls_sink_start || return 2
	local root=$1 addr=$2 port=$3 mode=$4 cert=${5-} key=${6-} cafile=${7-} capath=${8-}
	[ $# -ge 4 ] || { _tls_err "usage: tls_sink_start ROOT ADDR PORT tls|auth|plain [CERT KEY CAFILE CAPATH]"; return 2; }
	mkdir -p "$root" && chmod 0755 "$root" || return 1
	local tlsdefs= authdefs= authrules= relay="RELAY_DOMAIN(\`127')dnl"
	case $mode in
	auth)
		_tls_sasl "$root" || return 1
		authdefs="define(\`confAUTH_MECHANISMS', \`PLAIN LOGIN')dnl
TRUST_AUTH_MECH(\`PLAIN LOGIN')dnl
define(\`confAUTH_OPTIONS', \`p')dnl"
		authrules=$(printf 'LOCAL_RULESETS\nSLocal_check_mail\nR$*\t$: $&{auth_type}\nR$@\t$#error $@ 4.7.1 $: "450 Authentication required"')
		relay=
		;;&
	tls|auth)
		if [ -z "$cert" ]; then
			tls_make_ca "$root/certs" &&
			    tls_make_cert "$root/certs" sink "$TLS_SINK_NAME" &&
			    capath=$(tls_ca_path "$root/certs") || return 1
			cert=$root/certs/sink.crt key=$root/certs/sink.key
			cafile=$root/certs/ca.crt
		fi
		tlsdefs="define(\`confSERVER_CERT', \`$cert')dnl
define(\`confSERVER_KEY', \`$key')dnl
define(\`confCACERT', \`$cafile')dnl
define(\`confCACERT_PATH', \`$capath')dnl"
		;;
	plain) ;;
	*) _tls_err "tls_sink_start: MODE is tls, auth or plain, not $mode"; return 2 ;;
	esac
	printf 'postmaster: root\n' >"$root/aliases"
	cat >"$root/sink.mc" <<EOF
divert(-1)
dnl tlslib.sh sink relay: holds every message in its queue
divert(0)dnl
VERSIONID(\`tlslib.sh sink')dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`$TLS_SINK_NAME')dnl
define(\`QUEUE_DIR', \`$root/mqueue')dnl
define(\`ALIAS_FILE', \`$root/aliases')dnl
define(\`confPID_FILE', \`$root/sendmail.pid')dnl
define(\`confDELIVERY_MODE', \`queue')dnl
define(\`confLOG_LEVEL', \`14')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
$tlsdefs
$authdefs
FEATURE(\`no_default_msa')dnl
$relay
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`accept_unqualified_senders')dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
$authrules
EOF
	sh "$(dirname "$TLS_LIB")/mkcf.sh" "$root/sink.mc" "$root/sink.cf" || return 1
	_tls_run "$root" "$root/sink.cf" "$addr" "$port"
}

# _tls_sasl ROOT: ROOT/sasl/sasldb2 with the sink's user, Sendmail.conf
# naming it, and (once per world) the plugin directory with that file.
_tls_sasl() {
	local root=$1 plug
	plug=$(dirname "$(ls /usr/lib/*/sasl2/libplain.so /usr/lib/sasl2/libplain.so 2>/dev/null | head -1)")
	[ -d "$plug" ] || { _tls_err "no Cyrus SASL plugins (libsasl2-modules)"; return 1; }
	command -v saslpasswd2 >/dev/null || { _tls_err "no saslpasswd2 (sasl2-bin)"; return 1; }
	mkdir -p "$root/sasl" && chmod 0755 "$root/sasl" || return 1
	rm -f "$root/sasl/sasldb2"
	printf '%s' "${TLS_SINK_SECRET:-sink-secret}" | saslpasswd2 -p -c \
	    -f "$root/sasl/sasldb2" -u "$TLS_SINK_NAME" "${TLS_SINK_USER:-relayuser}" ||
		{ _tls_err "saslpasswd2 failed"; return 1; }
	chmod 0600 "$root/sasl/sasldb2"
	if [ ! -e /etc/mail/.tlsworld/sasl2 ]; then
		cp -a "$plug" /etc/mail/.tlsworld/sasl2 &&
		    mount --bind /etc/mail/.tlsworld/sasl2 "$plug" ||
			{ _tls_err "cannot bind-mount a SASL directory over $plug"; return 1; }
	fi
	printf 'pwcheck_method: auxprop\nauxprop_plugin: sasldb\nsasldb_path: %s\nmech_list: PLAIN LOGIN\n' \
	    "$root/sasl/sasldb2" >"$plug/Sendmail.conf"
}

tls_sink_count() { tls_queue_count "$@"; }

tls_queue_count() {
	local n=0 f
	for f in "$1"/mqueue/qf*; do
		[ -e "$f" ] && n=$((n + 1))
	done
	echo "$n"
}

tls_sink_messages() {
	local f any=1
	for f in "$1"/mqueue/qf*; do
		[ -e "$f" ] || continue
		echo "==> ${f##*/}"
		cat "$f"
		any=0
	done
	return $any
}

# ---- probes and mail ----------------------------------------------------

tls_starttls_cert() {
	local addr=$1 port=$2 sni=${3:-$TLS_SINK_NAME} out rc
	out=$(timeout 15 openssl s_client -starttls smtp -connect "$addr:$port" \
	    -servername "$sni" </dev/null 2>&1)
	rc=$?
	case $out in
	*"Didn't find STARTTLS"*)
		_tls_err "$addr:$port does not offer STARTTLS"
		return 1 ;;
	esac
	if ! printf '%s\n' "$out" | grep -q -- '-----BEGIN CERTIFICATE-----'; then
		_tls_err "no certificate from $addr:$port (s_client exit $rc): $(printf '%s\n' "$out" | tail -5)"
		return 1
	fi
	printf '%s\n' "$out" | openssl x509 -noout -subject
}

tls_ehlo() {
	python3 - "$1" "$2" <<'EOF'
import smtplib, sys
s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]), local_hostname="probe.example.test", timeout=10)
code, msg = s.ehlo()
print(code, msg.decode(errors="replace").replace("\n", "\n%d " % code))
s.quit()
EOF
}

tls_send() {
	local addr=$1 port=$2 from=$3 to=$4 croot=${5-} sroot=${6-} before=0
	[ $# -ge 4 ] || { _tls_err "usage: tls_send ADDR PORT FROM TO [CLIENT_ROOT [SINK_ROOT]]"; return 2; }
	[ -n "$sroot" ] && before=$(tls_sink_count "$sroot")
	python3 - "$addr" "$port" "$from" "$to" "$TLS_CLIENT_NAME" <<'EOF' || return 1
import smtplib, sys, time
addr, port, frm, to, helo = sys.argv[1:6]
msg = ("From: %s\r\nTo: %s\r\nSubject: tlslib test %s\r\n\r\nA test message.\r\n"
       % (frm, to, time.strftime("%Y-%m-%dT%H:%M:%S")))
try:
    s = smtplib.SMTP(addr, int(port), local_hostname=helo, timeout=10)
    s.ehlo()
    s.mail(frm)
    code, resp = s.rcpt(to)
    if code != 250:
        sys.exit("tlslib: RCPT TO:<%s> refused: %d %s" % (to, code, resp.decode()))
    code, resp = s.data(msg)
    print(code, resp.decode(errors="replace"))
    s.quit()
except (OSError, smtplib.SMTPException) as e:
    sys.exit("tlslib: sending to %s:%s failed: %s" % (addr, port, e))
sys.exit(0 if code == 250 else 1)
EOF
	if [ -n "$croot" ]; then
		tls_settle "$croot" || return 1
	fi
	if [ -n "$sroot" ]; then
		_tls_wait 20 _tls_more "$sroot" "$before" ||
			{ _tls_err "the sink in $sroot got no new message in 20 s"; return 1; }
	fi
	return 0
}

_tls_more() { [ "$(tls_sink_count "$1")" -gt "$2" ]; }

# _tls_settled ROOT: no qf in ROOT/mqueue without a delivery attempt
_tls_settled() {
	local f
	for f in "$1"/mqueue/qf*; do
		[ -e "$f" ] || continue
		grep -q '^N[1-9]' "$f" 2>/dev/null || return 1
	done
	return 0
}

tls_settle() {
	_tls_wait "${2:-20}" _tls_settled "$1" ||
		{ _tls_err "queue $1/mqueue not settled after ${2:-20} s"; return 1; }
}

tls_queue_reasons() {
	local f
	for f in "$1"/mqueue/qf*; do
		[ -e "$f" ] || continue
		printf '%s: %s\n' "${f##*/}" "$(sed -n 's/^M//p' "$f" | tail -1)"
	done
}

tls_queue_run() {
	_tls_inworld tls_queue_run || return 2
	"$SENDMAIL" -C "$2" -qf -O "QueueDirectory=$1/mqueue" \
	    -O ServiceSwitchFile=/etc/mail/service.switch </dev/null
}

tls_mailq() {
	_tls_inworld tls_mailq || return 2
	"$SENDMAIL" -C "$2" -bp -O "QueueDirectory=$1/mqueue" \
	    -O ServiceSwitchFile=/etc/mail/service.switch </dev/null 2>&1
}
