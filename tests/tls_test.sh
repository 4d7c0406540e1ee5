#!/bin/bash
# tls_test.sh - sendmail.tls, smart_host_port and sendmail.program through
# mailprov, with real parts: certificates made by openssl here, the real
# sendmail judging every candidate (-bt and the -bs STARTTLS probe), then a
# real sendmail daemon started from what mailprov wrote, in a world of
# private namespaces (tests/tlslib.sh) with a real sink relay:
#   1. apply writes the six TLS options in place of m4's "#O" lines, the
#      relay mailer's A=TCP $h 587 and a TLS_Srv: entry; a second apply
#      changes nothing
#   2. every file rule sendmail applies before it offers STARTTLS is
#      refused with its own message, and nothing is written
#   3. a binary built without STARTTLS is refused with the cure; AUTH by
#      capability (the rest of AUTH: tests/auth_test.sh)
#   4. require_smart_host without an access map is refused
#   5. sendmail.program: the /usr/lib/sendmail link replaced atomically,
#      stop + start in the SRC journal (mock and exec), a failed run puts
#      the old link back, a second run does nothing
#   6. in the world: s_client sees the configured certificate, a message
#      reaches a STARTTLS sink on port 587 over TLS, and with encrypt a
#      sink without STARTTLS gets nothing (454, still queued)
# Needs root, unshare, openssl, m4 and sendmail-cf, makemap, python3.
set -u
. "$(dirname "$0")/testenv.sh"

if [ "${1-}" = --inner ]; then
	# ---- 6. inside the world: the daemon mailprov configured --------
	mp_setup
	S=$2
	R=$S/host
	. tests/tlslib.sh
	# The world's /etc/mail is the host's, as mailprov wrote it.
	cp -a "$R/etc/mail/." /etc/mail/
	tls_daemon_start "$S/d1" /etc/mail/sendmail.cf 127.0.0.1 2>"$S/d1.err"
	expect "world: sendmail starts on mailprov's cf" "$?" 0
	tls_starttls_cert 127.0.0.1 25 >"$S/d1.subject" 2>&1
	expect "world: STARTTLS shows the configured certificate" \
	    "$(cat "$S/d1.subject")" "$(tls_cert_subject /etc/mail/tls/host.crt)"
	tls_sink_start "$S/sink" 127.0.0.2 587 tls "$S/certs/relay.crt" \
	    "$S/certs/relay.key" "$S/certs/ca.crt" "$S/certs/capath" 2>"$S/sink.err"
	expect "world: a STARTTLS sink listens on 127.0.0.2:587" "$?" 0
	tls_send 127.0.0.1 25 "probe@$TLS_CLIENT_NAME" someone@remote.example.test \
	    "$S/d1" "$S/sink" >"$S/d1.send" 2>&1
	expect "world: the message reaches the sink" "$(tls_sink_count "$S/sink")" 1
	tls_sink_messages "$S/sink" >"$S/sink.msgs"
	check_grep "world: the sink received it with ESMTPS on 587" "$S/sink.msgs" \
	    "by $TLS_SINK_NAME .* with ESMTPS id"
	check_grep "world: ... over TLS, our certificate verified" "$S/sink.msgs" \
	    "^[[:space:]]+\(version=TLSv1[.0-9]* cipher=.* verify=OK\)"
	tls_daemon_stop "$S/d1"
	tls_daemon_stop "$S/sink"

	# encrypt: the same cf with TLS_Srv:... ENCR:112, a sink in clear.
	cp -a "$S/host-enc/etc/mail/." /etc/mail/
	tls_sink_start "$S/plain" 127.0.0.2 587 plain 2>"$S/plain.err"
	tls_daemon_start "$S/d2" /etc/mail/sendmail.cf 127.0.0.1 2>"$S/d2.err"
	tls_send 127.0.0.1 25 "probe@$TLS_CLIENT_NAME" someone@remote.example.test \
	    "$S/d2" >"$S/d2.send" 2>&1
	expect "world: encrypt: the sink in clear gets nothing" "$(tls_sink_count "$S/plain")" 0
	expect "world: encrypt: the message stays queued" "$(tls_queue_count "$S/d2")" 1
	tls_queue_reasons "$S/d2" >"$S/d2.reasons"
	check_grepF "world: encrypt: deferred with 454 encryption too weak" "$S/d2.reasons" \
	    "454 4.7.0 encryption too weak 0 less than 112"
	tls_daemon_stop "$S/d2"
	tls_daemon_stop "$S/plain"
	[ "$fails" -eq 0 ]
	exit
fi

mp_setup tls
. tests/tlslib.sh
C=$S/certs
tls_make_ca "$C" && tls_make_cert "$C" host "$TLS_CLIENT_NAME" &&
    tls_make_cert "$C" relay "$TLS_SINK_NAME" &&
    tls_make_expired "$C" old old.example.test &&
    tls_make_mismatch "$C" odd odd.example.test &&
    tls_ca_path "$C" >/dev/null
expect "openssl makes the test certificates" "$?" 0

# host DIR [MC]: a root with an m4-built AIX-like cf that has the access
# map (FEATURE(access_db)), its TLS files in /etc/mail/tls.
host() {
	tls_host "$1" "$C" "${2:-$S/aix-access.mc}"
}
tls_aix_mc "$S/aix-access.mc" "FEATURE(\`access_db', \`hash -T<TMPF> -o /etc/mail/access')dnl"

# desired FILE REQUIRE [EXTRA...]: the desired state with a tls section.
desired() {
	local f=$1 req=$2
	shift 2
	{
		tls_desired "$req" 587
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$f"
}
desired "$S/none.yaml" none
desired "$S/enc.yaml" encrypt

# ---- 1. apply: options in place, port, access entry; idempotent ---------
R=$S/host
host "$R"
expect "the test host is made" "$?" 0
cp "$R/etc/mail/sendmail.cf" "$S/cf.orig"
$MP plan -f "$S/none.yaml" --root "$R" --sendmail "$SBX" >"$S/plan1" 2>&1
expect "plan with tls exits 2 (changes)" "$?" 2
for o in CACertPath CACertFile ServerCertFile ServerKeyFile ClientCertFile ClientKeyFile; do
	check_grep "plan: $o set in place of m4's #O line" "$S/plan1" "^-#O $o\$"
done
check_grepF "plan: the relay mailer's port" "$S/plan1" '+		A=TCP $h 587'
$MP apply -f "$S/none.yaml" --root "$R" --sendmail "$SBX" >"$S/apply1" 2>&1
expect "apply with tls exits 0" "$?" 0
check_grepF "apply: the -bs probe saw STARTTLS offered" "$S/apply1" "offers STARTTLS"
check_grepF "apply: O ServerCertFile written" "$R/etc/mail/sendmail.cf" "O ServerCertFile=/etc/mail/tls/host.crt"
check_grepF "apply: ClientKeyFile defaults to the key" "$R/etc/mail/sendmail.cf" "O ClientKeyFile=/etc/mail/tls/host.key"
diff "$S/cf.orig" "$R/etc/mail/sendmail.cf" | grep -c '^>' >"$S/nlines"
expect "apply: eight lines change, nothing else (DS, 6 options, the port)" "$(cat "$S/nlines")" 8
$MP apply -f "$S/none.yaml" --root "$R" --sendmail "$SBX" >"$S/apply2" 2>&1
expect "second apply exits 0" "$?" 0
check_grepF "second apply: no changes" "$S/apply2" "no changes"
check_grep "apply names the binary and its capabilities" "$S/apply1" \
    "sendmail 8\.[0-9.]+ at .*: STARTTLS yes, SASL yes"

# mailprovd on the same host: status.json, lssrc -l and mailprov status
# show the binary and the days the certificate has left.
mkdir -p "$R/etc/mailprov"
install -m 0600 "$S/none.yaml" "$R/etc/mailprov/desired.yaml"
printf 'interval: 60\nsettle: 1\nsrc_backend: mock\nsendmail: %s\n' "$SBX" \
    >"$R/etc/mailprov/mailprovd.conf"
chmod 0600 "$R/etc/mailprov/mailprovd.conf"
rm -f "$R/var/mailprov/status.json"
timeout 30 "$MPD" --root "$R" -d >"$S/mpd.out" 2>&1 &
mpd=$!
wait_for 20 test -s "$R/var/mailprov/status.json"
kill -TERM "$mpd" 2>/dev/null; wait "$mpd" 2>/dev/null
days=$(( ($(date -d "$(openssl x509 -in "$C/host.crt" -noout -enddate | cut -d= -f2)" +%s) - $(date +%s)) / 86400 ))
check_grep "status.json: the days the certificate has left" "$R/var/mailprov/status.json" \
    "\"tls_cert_days\": ($((days - 1))|$days|$((days + 1)))\$"
check_grep "status.json: the binary and its capabilities" "$R/var/mailprov/status.json" \
    '"sendmail": "sendmail 8\.[0-9.]+ at .*: STARTTLS yes, SASL yes"'
$MP status --root "$R" >"$S/status" 2>&1
check_grep "mailprov status: TLS cert days" "$S/status" "TLS cert: +($((days - 1))|$days|$((days + 1))) days left"
check_grep "mailprov status: the binary" "$S/status" "sendmail: +sendmail 8\..*STARTTLS yes"

R2=$S/host-enc
host "$R2"
$MP apply -f "$S/enc.yaml" --root "$R2" --sendmail "$SBX" >"$S/apply-enc" 2>&1
expect "apply with require_smart_host: encrypt exits 0" "$?" 0
check_grep "encrypt: the access file has the TLS_Srv entry" "$R2/etc/mail/access" \
    "^TLS_Srv:$TLS_SINK_NAME[[:space:]]+ENCR:112\$"
check_grepF "encrypt: the admin's access entry stays" "$R2/etc/mail/access" "localhost	RELAY"
makemap -u -C "$R2/etc/mail/sendmail.cf" hash "$R2/etc/mail/access" >"$S/map" 2>&1
check_grep "encrypt: the map was rebuilt (makemap -u shows the entry)" "$S/map" \
    "^tls_srv:$TLS_SINK_NAME[[:space:]]+ENCR:112\$"
desired "$S/verify.yaml" verify
$MP apply -f "$S/verify.yaml" --root "$R2" --sendmail "$SBX" >"$S/apply-ver" 2>&1
check_grep "verify: the entry is VERIFY, one line" "$R2/etc/mail/access" \
    "^TLS_Srv:$TLS_SINK_NAME[[:space:]]+VERIFY\$"
expect "verify: only one TLS_Srv line" "$(grep -c '^TLS_Srv:' "$R2/etc/mail/access")" 1
$MP apply -f "$S/none.yaml" --root "$R2" --sendmail "$SBX" >"$S/apply-none" 2>&1
check_nogrep "none: mailprov's entry goes" "$R2/etc/mail/access" "^TLS_Srv:"
# back to encrypt for the world
$MP apply -f "$S/enc.yaml" --root "$R2" --sendmail "$SBX" >"$S/apply-enc2" 2>&1
expect "encrypt again exits 0" "$?" 0

# ---- 2. the file rules, each refused, nothing written --------------------
# refused NAME SETUP UNDO MESSAGE
refused() {
	local r=$S/rule
	rm -rf "$r"
	host "$r"
	cp "$r/etc/mail/sendmail.cf" "$S/rule.cf"
	( cd "$r" && eval "$2" )
	$MP apply -f "${4-$S/none.yaml}" --root "$r" --sendmail "$SBX" >"$S/rule.out" 2>&1
	expect "$1: apply exits 1" "$?" 1
	check_grepF "$1: says why" "$S/rule.out" "$3"
	cmp -s "$S/rule.cf" "$r/etc/mail/sendmail.cf"
	expect "$1: sendmail.cf untouched" "$?" 0
}
refused "key mode 0640" "chmod 0640 etc/mail/tls/host.key" "is group-readable"
refused "key mode 0644" "chmod 0644 etc/mail/tls/host.key" "readable"
refused "cert mode 0666" "chmod 0666 etc/mail/tls/host.crt" "writable"
refused "directory 0777" "chmod 0777 etc/mail/tls" "writable"
refused "key owned by nobody" "chown 65534 etc/mail/tls/host.key" "owned by"
refused "missing key" "rm etc/mail/tls/host.key" "/etc/mail/tls/host.key"
refused "expired certificate" "cp $C/old.crt etc/mail/tls/host.crt; cp $C/old.key etc/mail/tls/host.key" "expired"
refused "key does not match" "cp $C/odd.crt etc/mail/tls/host.crt; cp $C/odd.key etc/mail/tls/host.key" "match"
# GroupReadableKeyFile in the cf allows a group-readable key.
r=$S/grk
host "$r"
chmod 0640 "$r/etc/mail/tls/host.key"
printf 'O DontBlameSendmail=GroupReadableKeyFile\n' >>"$r/etc/mail/sendmail.cf"
$MP plan -f "$S/none.yaml" --root "$r" --sendmail "$SBX" >"$S/grk.out" 2>&1
expect "GroupReadableKeyFile: a 0640 key is accepted" "$?" 2

# ---- 3. capabilities: a binary without STARTTLS, AUTH --------------------
# stub DIR NAME OPTIONS: a sendmail whose -d0.1 block lists OPTIONS and
# that is the real one (the sandbox) for anything else.
stub() {
	mkdir -p "$1"
	cat >"$1/$2" <<EOF
#!/bin/sh
case " \$* " in
*" -d0.1 "*) printf 'Version 8.15.2\n Compiled with: DNSMAP LOG MATCHGECOS $3\n\t\tNETINET NETUNIX NEWDB NIS PIPELINING SCANF USERDB XDEBUG\n'; exit 0 ;;
esac
exec "$SBX" "\$@"
EOF
	chmod 0755 "$1/$2"
}
# linked_host ROOT CAPS SSL_CAPS: a host whose /usr/lib/sendmail links
# to /usr/sbin/sendmail (a stub with CAPS), sendmail_ssl beside it (SSL_CAPS).
linked_host() {
	host "$1" || return 1
	mkdir -p "$1/usr/sbin" "$1/usr/lib"
	stub "$1/usr/sbin" sendmail "$2"
	stub "$1/usr/sbin" sendmail_ssl "$3"
	ln -s /usr/sbin/sendmail "$1/usr/lib/sendmail"
}
# exec_src ROOT: sendmail active in SRC, driven by the fake AIX commands.
exec_src() {
	printf 'defined=1\nstate=active\npid=3342\ngroup=mail\npath=/usr/lib/sendmail\nargs=-bd -q30m\ncontact=-K\nboot=1\n' \
	    >"$1/var/mailprov/src/sendmail.rec"
	sh tests/fakeaix/mkfake.sh "$1/bin" "$1/var/mailprov/src"
	printf 'start /usr/lib/sendmail "$src_running" "-bd -q${qpi}"\n' >"$1/etc/rc.tcpip"
}
r=$S/notls
host "$r"
stub "$S/bin" sendmail-notls "MIME7TO8 MIME8TO7"
$MP apply -f "$S/none.yaml" --root "$r" --sendmail "$S/bin/sendmail-notls" >"$S/notls.out" 2>&1
expect "no STARTTLS in the binary: apply exits 1" "$?" 1
check_grepF "no STARTTLS: the binary, its version and the cure" "$S/notls.out" \
    "sendmail 8.15.2 at $S/bin/sendmail-notls was built without STARTTLS"
check_grepF "no STARTTLS: no sendmail_ssl here, so the general cure" "$S/notls.out" "built with STARTTLS"
mkdir -p "$r/usr/sbin"
stub "$r/usr/sbin" sendmail_ssl "STARTTLS SASLv2"
$MP apply -f "$S/none.yaml" --root "$r" --sendmail "$S/bin/sendmail-notls" >"$S/notls2.out" 2>&1
check_grepF "no STARTTLS, sendmail_ssl has it: the cure names it" "$S/notls2.out" \
    "set sendmail.program: /usr/sbin/sendmail_ssl"
printf 's3cr3t-never-shown\n' >"$r/etc/mail/relay.secret"
chmod 0600 "$r/etc/mail/relay.secret"
desired "$S/auth.yaml" none "  auth:" "    user: relayuser" "    secret_file: /etc/mail/relay.secret"
$MP apply -f "$S/auth.yaml" --root "$r" --sendmail "$S/bin/sendmail-notls" >"$S/auth1.out" 2>&1
expect "auth without SASL: refused" "$?" 1
stub "$S/bin" sendmail-nosasl "STARTTLS"
$MP apply -f "$S/auth.yaml" --root "$r" --sendmail "$S/bin/sendmail-nosasl" >"$S/auth2.out" 2>&1
check_grepF "auth: a binary without SASL is named with the cure" "$S/auth2.out" \
    "was built without SASL, so it cannot authenticate"
$MP apply -f "$S/auth.yaml" --root "$r" --sendmail "$SBX" >"$S/auth3.out" 2>&1
expect "auth with SASLv2 but no TLS required to the smart host: refused" "$?" 1
check_grepF "auth with SASLv2, no TLS required: says the password would go in clear" \
    "$S/auth3.out" "sends the password in clear, and nothing makes sendmail use TLS"
check_nogrep "auth: the secret is never shown" "$S/auth3.out" "s3cr3t-never-shown"

# A binary that greets -bs with 421 (it will not serve) and then waits
# for its input's end: the probe ends at the refusal, not at the timeout.
r=$S/greet421
host "$r"
mkdir -p "$S/bin"
cat >"$S/bin/sendmail-421" <<EOF
#!/bin/sh
case " \$* " in
*" -bs "*) printf '421 4.3.2 b.example.net Too many open connections\r\n'; cat >/dev/null; exit 0 ;;
esac
exec "$SBX" "\$@"
EOF
chmod 0755 "$S/bin/sendmail-421"
cp -p "$r/etc/mail/sendmail.cf" "$S/greet421.cf"
$MP apply -f "$S/none.yaml" --root "$r" --sendmail "$S/bin/sendmail-421" >"$S/greet421.out" 2>&1
expect "-bs greets 421: apply exits 1" "$?" 1
check_grepF "-bs greets 421: the refusal is the reason" "$S/greet421.out" \
    "sendmail -bs did not greet: 421 4.3.2"
check_nogrep "-bs greets 421: not killed at the timeout" "$S/greet421.out" "did not finish within"
check_nogrep "-bs greets 421: no certificate hint for a refusal" "$S/greet421.out" "syslog says which"
cmp -s "$S/greet421.cf" "$r/etc/mail/sendmail.cf" && pass "-bs greets 421: sendmail.cf unchanged" ||
    fail "-bs greets 421: sendmail.cf unchanged"

# A binary that greets and answers EHLO without STARTTLS (what sendmail
# does when it dropped a certificate file): the hint says where to look.
cat >"$S/bin/sendmail-nostarttls" <<EOF
#!/bin/sh
case " \$* " in
*" -bs "*) printf '220 b.example.net ESMTP\r\n'; read l; printf '250-b.example.net Hello\r\n250-PIPELINING\r\n250 HELP\r\n'; read l; printf '221 bye\r\n'; exit 0 ;;
esac
exec "$SBX" "\$@"
EOF
chmod 0755 "$S/bin/sendmail-nostarttls"
$MP apply -f "$S/none.yaml" --root "$r" --sendmail "$S/bin/sendmail-nostarttls" >"$S/nostarttls.out" 2>&1
expect "-bs without STARTTLS: apply exits 1" "$?" 1
check_grepF "-bs without STARTTLS: said, with where to look" "$S/nostarttls.out" \
    "does not offer STARTTLS after EHLO with the new configuration (sendmail drops STARTTLS when it cannot use a certificate file; its syslog says which)"
cmp -s "$S/greet421.cf" "$r/etc/mail/sendmail.cf" && pass "-bs without STARTTLS: sendmail.cf unchanged" ||
    fail "-bs without STARTTLS: sendmail.cf unchanged"

# ---- 4. require_smart_host without an access map -------------------------
r=$S/noaccess
host "$r" tests/fixtures/m4-aix.mc
$MP apply -f "$S/enc.yaml" --root "$r" --sendmail "$SBX" >"$S/noaccess.out" 2>&1
expect "encrypt without an access map: apply exits 1" "$?" 1
check_grepF "encrypt without an access map: says why" "$S/noaccess.out" "no access map (no Kaccess line)"

# none keeps an entry that is not mailprov's (a stricter, hand-written one)
r=$S/own-entry
host "$r"
printf 'TLS_Srv:%s\tVERIFY+CN:%s\n' "$TLS_SINK_NAME" "$TLS_SINK_NAME" >>"$r/etc/mail/access"
$MP apply -f "$S/none.yaml" --root "$r" --sendmail "$SBX" >"$S/own.out" 2>&1
expect "none with the admin's own TLS_Srv entry: apply exits 0" "$?" 0
check_grepF "none: the admin's stricter entry stays" "$r/etc/mail/access" "VERIFY+CN:$TLS_SINK_NAME"
check_grepF "none: says it is kept" "$S/own.out" "is not a value mailprov writes: kept"

# A failed run removes the access map it made from a new source file.
r=$S/newmap
host "$r"
rm -f "$r/etc/mail/access"
exec_src "$r"
echo refresh >"$r/var/mailprov/src/fail"
{ cat "$S/enc.yaml"; printf 'service:\n  state: running\n'; } >"$S/enc-svc.yaml"
$MP apply -f "$S/enc-svc.yaml" --root "$r" --sendmail "$SBX" --src-backend exec \
    --src-bindir "$r/bin" --verify-port none --verify-bv no >"$S/newmap.out" 2>&1
expect "encrypt, new access file, failing refresh: apply exits 1" "$?" 1
[ ! -e "$r/etc/mail/access" ] && [ ! -e "$r/etc/mail/access.db" ]
expect "failed run: neither the new access file nor its map is left" "$?" 0

# ---- 5. sendmail.program -------------------------------------------------
progdesired() {
	printf 'version: 1\nsendmail:\n  program: %s\nservice:\n  state: running\n' "$1" >"$2"
}
progdesired /usr/sbin/sendmail_ssl "$S/prog.yaml"
for B in mock exec; do
	r=$S/prog-$B
	linked_host "$r" "STARTTLS" "STARTTLS SASLv2"
	printf 'defined=1\nstate=active\npid=3342\ngroup=mail\npath=/usr/lib/sendmail\nargs=-bd -q30m\ncontact=-K\nboot=1\n' \
	    >"$r/var/mailprov/src/sendmail.rec"
	extra=(--src-backend mock)
	if [ $B = exec ]; then
		sh tests/fakeaix/mkfake.sh "$r/bin" "$r/var/mailprov/src"
		printf 'start /usr/lib/sendmail "$src_running" "-bd -q${qpi}"\n' >"$r/etc/rc.tcpip"
		extra=(--src-backend exec --src-bindir "$r/bin" --verify-port none --verify-bv no)
	fi
	: >"$r/var/mailprov/src/journal"
	$MP apply -f "$S/prog.yaml" --root "$r" --sendmail "$SBX" "${extra[@]}" >"$S/prog-$B.out" 2>&1
	expect "$B: program: apply exits 0" "$?" 0
	expect "$B: program: the link points at sendmail_ssl" "$(readlink "$r/usr/lib/sendmail")" /usr/sbin/sendmail_ssl
	expect "$B: program: stop, then start (no refresh)" "$(tr '\n' ';' <"$r/var/mailprov/src/journal")" \
	    "stopsrc -s sendmail;startsrc -s sendmail;"
	ls -a "$r/usr/lib" | grep -c mailprov >"$S/tmpn"
	expect "$B: program: no temporary link left" "$(cat "$S/tmpn")" 0
	: >"$r/var/mailprov/src/journal"
	$MP apply -f "$S/prog.yaml" --root "$r" --sendmail "$SBX" "${extra[@]}" >"$S/prog2-$B.out" 2>&1
	expect "$B: program: second apply exits 0" "$?" 0
	expect "$B: program: second apply calls no SRC command" "$(cat "$r/var/mailprov/src/journal")" ""
done
# A failed run puts the old link back: startsrc fails after the link is in
# place (the fake AIX commands fail what STATE/fail names).
r=$S/prog-fail
linked_host "$r" "STARTTLS" "STARTTLS"
exec_src "$r"
echo startsrc >"$r/var/mailprov/src/fail"
$MP apply -f "$S/prog.yaml" --root "$r" --sendmail "$SBX" --src-backend exec \
    --src-bindir "$r/bin" --verify-port none --verify-bv no >"$S/progfail.out" 2>&1
expect "program with a failing start: apply exits 1" "$?" 1
expect "program with a failing start: the old link is back" "$(readlink "$r/usr/lib/sendmail")" /usr/sbin/sendmail
check_grepF "program with a failing start: says so" "$S/progfail.out" "it points at /usr/sbin/sendmail again"
ls -a "$r/usr/lib" | grep -c mailprov >"$S/tmpn"
expect "program with a failing start: no temporary link left" "$(cat "$S/tmpn")" 0
# Without --sendmail, the binary asked is the one that will run.
r=$S/prog-ask
linked_host "$r" "MIME8TO7" "STARTTLS SASLv2"
{ cat "$S/none.yaml"; printf '  program: /usr/sbin/sendmail_ssl\n'; } >"$S/prog-tls.yaml"
$MP plan -f "$S/prog-tls.yaml" --root "$r" >"$S/prog-ask.out" 2>&1
expect "program + tls, no --sendmail: plan exits 2" "$?" 2
check_grepF "program + tls: the binary asked is sendmail_ssl" "$S/prog-ask.out" \
    "note: sendmail 8.15.2 at /usr/sbin/sendmail_ssl: STARTTLS yes, SASL yes"
$MP plan -f "$S/none.yaml" --root "$r" >"$S/prog-ask2.out" 2>&1
expect "tls, no program, the link to a build without STARTTLS: refused" "$?" 1
check_grepF "... naming the link's target and the cure" "$S/prog-ask2.out" \
    "at /usr/sbin/sendmail was built without STARTTLS; set sendmail.program: /usr/sbin/sendmail_ssl"
# SRC starting another path: repointing the link would change nothing.
printf 'defined=1\nstate=active\npid=3342\ngroup=mail\npath=/opt/sendmail/sbin/sendmail\nargs=-bd -q30m\ncontact=-K\nboot=1\n' \
    >"$r/var/mailprov/src/sendmail.rec"
$MP plan -f "$S/prog.yaml" --root "$r" --src-backend mock >"$S/prog-src.out" 2>&1
expect "program, SRC starts another path: refused" "$?" 1
check_grepF "... saying what SRC starts and the cure" "$S/prog-src.out" \
    "SRC starts /opt/sendmail/sbin/sendmail directly"

# The link is a binary: refused, never replaced.
r=$S/prog-file
host "$r"
mkdir -p "$r/usr/sbin" "$r/usr/lib"
stub "$r/usr/sbin" sendmail_ssl "STARTTLS"
cp "$r/usr/sbin/sendmail_ssl" "$r/usr/lib/sendmail"
printf 'version: 1\nsendmail:\n  program: /usr/sbin/sendmail_ssl\n' >"$S/prog-only.yaml"
$MP apply -f "$S/prog-only.yaml" --root "$r" --sendmail "$SBX" >"$S/progfile.out" 2>&1
expect "program: a regular file at the link is refused" "$?" 1
check_grepF "program: says it is not a link" "$S/progfile.out" "is not a symbolic link"

# ---- 5b. the port check after a refresh wants STARTTLS --------------------
r=$S/verify-tls
host "$r"
exec_src "$r"
{ cat "$S/none.yaml"; printf 'service:\n  state: running\n'; } >"$S/none-svc.yaml"
cp "$r/etc/mail/sendmail.cf" "$S/vt.cf"
for mode in ehlo starttls; do
	rm -f "$S/port"
	./tests/greeter "$mode" >"$S/port" &
	g=$!
	wait_for 2 test -s "$S/port"
	$MP apply -f "$S/none-svc.yaml" --root "$r" --sendmail "$SBX" --src-backend exec \
	    --src-bindir "$r/bin" --verify-port "127.0.0.1:$(cat "$S/port")" --verify-bv no \
	    >"$S/vt-$mode.out" 2>&1
	echo $? >"$S/vt-$mode.rc"
	kill $g 2>/dev/null; wait $g 2>/dev/null
done
expect "verify: a daemon without STARTTLS after the refresh fails the run" "$(cat "$S/vt-ehlo.rc")" 1
check_grepF "verify: ... saying STARTTLS is not offered" "$S/vt-ehlo.out" "does not offer STARTTLS after EHLO"
check_grepF "verify: ... and the files are rolled back" "$S/vt-ehlo.out" "restored /etc/mail/sendmail.cf"
expect "verify: with STARTTLS offered the run passes" "$(cat "$S/vt-starttls.rc")" 0
check_grepF "verify: ... and says so" "$S/vt-starttls.out" "greets with 220 and offers STARTTLS"

# ---- 6. the world ----------------------------------------------------------
cp -a "$C" "$S/certs" 2>/dev/null
TLS_LOG=$S/syslog tls_world bash "$0" --inner "$S"
expect "the world's checks pass" "$?" 0
[ "$fails" -eq 0 ]
