#!/bin/bash
# auth_world_test.sh - client AUTH to the smart host, end to end with real
# parts: mailprov writes the cf and the access map (AuthInfo: and
# TLS_Srv:) of an m4-built AIX-like host; then, in a world of private
# namespaces (tests/tlslib.sh), a real sendmail daemon runs on exactly
# those files and relays to a real sendmail sink on 127.0.0.2:587 that
# requires AUTH (Cyrus SASL, sasldb) and offers PLAIN/LOGIN only after
# STARTTLS:
#   1. the sink offers no AUTH in clear, AUTH after STARTTLS
#   2. the right secret: the sink takes the message (Received: ESMTPSA),
#      its log says AUTH=server, the client's AUTH=client, mech PLAIN
#   3. a wrong secret: the sink gets nothing, the message stays queued
#      (the sink defers MAIL without AUTH with 450; one answering 530, as
#      sendmail's M=a does, would make the client bounce it instead)
# Needs root, unshare, openssl, m4 and sendmail-cf, makemap, python3,
# saslpasswd2 (sasl2-bin) and libsasl2-modules.
set -u
. "$(dirname "$0")/testenv.sh"
SINK_SECRET='w0rld-Sink-Secret'

if [ "${1-}" = --inner ]; then
	mp_setup
	S=$2
	. tests/tlslib.sh
	export TLS_SINK_SECRET=$SINK_SECRET TLS_SINK_USER=relayuser
	tls_sink_start "$S/sink" 127.0.0.2 587 auth "$S/certs/relay.crt" \
	    "$S/certs/relay.key" "$S/certs/ca.crt" "$S/certs/capath" 2>"$S/sink.err"
	expect "world: an AUTH sink listens on 127.0.0.2:587" "$?" 0
	tls_ehlo 127.0.0.2 587 >"$S/sink.ehlo" 2>&1
	check_grep "world: the sink offers STARTTLS" "$S/sink.ehlo" '^250.STARTTLS$'
	check_nogrep "world: ... and no AUTH in clear" "$S/sink.ehlo" '^250.AUTH'
	python3 - >"$S/sink.ehlo-tls" 2>&1 <<'EOF'
import smtplib, ssl
s = smtplib.SMTP("127.0.0.2", 587, local_hostname="probe.example.test", timeout=10)
s.starttls(context=ssl._create_unverified_context())
code, msg = s.ehlo()
print(msg.decode())
s.quit()
EOF
	check_grep "world: AUTH PLAIN LOGIN after STARTTLS" "$S/sink.ehlo-tls" '^AUTH .*PLAIN'

	# 2. mailprov's files with the right secret
	cp -a "$S/good/etc/mail/." /etc/mail/
	TLS_DAEMON_ARGS="-O LogLevel=14" tls_daemon_start "$S/d1" /etc/mail/sendmail.cf 127.0.0.1 2>"$S/d1.err"
	expect "world: sendmail starts on mailprov's cf and access map" "$?" 0
	tls_send 127.0.0.1 25 "probe@$TLS_CLIENT_NAME" someone@remote.example.test \
	    "$S/d1" "$S/sink" >"$S/d1.send" 2>&1
	expect "world: the message reaches the AUTH sink" "$(tls_sink_count "$S/sink")" 1
	expect "world: the client's queue is empty" "$(tls_queue_count "$S/d1")" 0
	tls_sink_messages "$S/sink" >"$S/sink.msgs"
	check_grep "world: the sink received it with ESMTPSA (TLS and AUTH)" "$S/sink.msgs" \
	    "by $TLS_SINK_NAME .* with ESMTPSA id"
	tls_log >"$S/log1"
	check_grep "world: the sink's log says AUTH=server, mech PLAIN, user relayuser" "$S/log1" \
	    'AUTH=server, relay=.*, authid=relayuser(@[^,]*)?, mech=PLAIN'
	check_grep "world: the client's log says AUTH=client to the relay" "$S/log1" \
	    "AUTH=client, relay=\\[?$TLS_SINK_NAME\\.?\\]?, mech=PLAIN"
	check_grep "world: STARTTLS=client before it" "$S/log1" "STARTTLS=client, relay=$TLS_SINK_NAME"
	if grep -qF "$SINK_SECRET" "$S/log1" "$S/d1.send" "$S/sink.msgs"; then
		fail "world: the secret is in no log line nor message"
	else
		pass "world: the secret is in no log line nor message"
	fi
	tls_daemon_stop "$S/d1"

	# 3. the same with a wrong secret: nothing relayed, the message waits
	cp -a "$S/bad/etc/mail/." /etc/mail/
	: >"${TLS_LOG}"
	TLS_DAEMON_ARGS="-O LogLevel=14" tls_daemon_start "$S/d2" /etc/mail/sendmail.cf 127.0.0.1 2>"$S/d2.err"
	expect "world: wrong secret: sendmail starts" "$?" 0
	tls_send 127.0.0.1 25 "probe@$TLS_CLIENT_NAME" someone@remote.example.test \
	    "$S/d2" >"$S/d2.send" 2>&1
	expect "world: wrong secret: the client takes the message" "$?" 0
	expect "world: wrong secret: the sink gets nothing" "$(tls_sink_count "$S/sink")" 1
	expect "world: wrong secret: the message stays queued" "$(tls_queue_count "$S/d2")" 1
	tls_queue_reasons "$S/d2" >"$S/d2.reasons"
	tls_log >"$S/log2"
	check_grepF "world: wrong secret: deferred by the sink (450 Authentication required)" "$S/d2.reasons" "Deferred: 450 4.7.1 <probe@$TLS_CLIENT_NAME>... Authentication required"
	check_grep "world: wrong secret: the sink's log says AUTH failure" "$S/log2" \
	    'AUTH failure \(PLAIN\)|authentication failure'
	tls_daemon_stop "$S/d2"
	tls_daemon_stop "$S/sink"
	[ "$fails" -eq 0 ]
	exit
fi

mp_setup auth_world
. tests/tlslib.sh
C=$S/certs
tls_make_ca "$C" && tls_make_cert "$C" host "$TLS_CLIENT_NAME" &&
    tls_make_cert "$C" relay "$TLS_SINK_NAME" && tls_ca_path "$C" >/dev/null
expect "openssl makes the test certificates" "$?" 0
tls_aix_mc "$S/client.mc" "FEATURE(\`access_db', \`hash -T<TMPF> -o /etc/mail/access')dnl"
{
	tls_desired encrypt 587
	printf '  auth:\n    user: relayuser\n    secret_file: /etc/mail/relay.secret\n'
	printf '    mechanisms: [PLAIN, LOGIN]\n'
} >"$S/desired.yaml"
# host NAME SECRET: a root made by mailprov from the m4-built cf.
host() {
	local r=$S/$1
	tls_host "$r" "$C" "$S/client.mc" || return 1
	(umask 077 && printf '%s\n' "$2" >"$r/etc/mail/relay.secret")
	$MP apply -f "$S/desired.yaml" --root "$r" --sendmail "$SBX" >"$S/$1.apply" 2>&1
}
host good "$SINK_SECRET"
expect "mailprov applies auth (right secret)" "$?" 0
host bad "not-the-$SINK_SECRET"
expect "mailprov applies auth (wrong secret)" "$?" 0
check_grepF "the access file has mailprov's AuthInfo entry" "$S/good/etc/mail/access" \
    "AuthInfo:$TLS_SINK_NAME	\"U:relayuser\" \"I:relayuser\" \"P:$SINK_SECRET\" \"M:PLAIN LOGIN\""
TLS_LOG=$S/syslog tls_world bash "$0" --inner "$S"
expect "the world's checks pass" "$?" 0
if pgrep -a -f -- "$S/" >"$S/leftovers"; then
	fail "nothing the world started outlives it" "$(head -3 "$S/leftovers")"
else
	pass "nothing the world started outlives it"
fi
[ "$fails" -eq 0 ]
