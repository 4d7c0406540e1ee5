#!/bin/bash
# tls_world_test.sh - proves the STARTTLS harness (tests/tlslib.sh) with
# real parts: a real sendmail daemon as the client under test and a real
# sendmail sink relay, in one set of private namespaces, on 127.0.0.1 and
# 127.0.0.2.  The client cfs are m4-built here, stand-ins for what mailprov
# will write:
#   0. the certificate helpers make what they say (signed, expired,
#      mismatched, a hashed CACertPath)
#   1. a client with ServerCertFile/ServerKeyFile + CACertFile + CACertPath
#      offers STARTTLS on 127.0.0.1:25 with the configured certificate
#   2. a client with SMART_HOST [relay.example.test] and the relay mailer's
#      A=TCP $h 587 hands a message to a STARTTLS sink on 127.0.0.2:587
#      over TLS (the sink's Received: says ESMTPS, TLSv1.x, and verify=OK
#      for the client certificate of ClientCertFile/ClientKeyFile)
#   3. with an access map entry TLS_Srv:relay.example.test ENCR:112 and a
#      sink without STARTTLS the message is not sent: it stays in the
#      client's queue with "454 4.7.0 encryption too weak 0 less than 112";
#      once the relay offers STARTTLS, a queue run delivers it
#   4. nothing the world started outlives it
# Needs root, unshare (UTS, network, mount, PID namespaces), openssl, m4
# and sendmail-cf, makemap, python3, ss.
set -u
. "$(dirname "$0")/testenv.sh"

if [ "${1-}" != --inner ]; then
	mp_setup tls_world
	. tests/tlslib.sh
	t0=$(date +%s%N)
	TLS_LOG=$S/syslog tls_world bash "$0" --inner "$S"
	rc=$?
	echo "tls_world_test: the world took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
	if pgrep -a -f -- "$S/" >"$S/leftovers"; then
		fail "nothing the world started outlives it" "$(head -3 "$S/leftovers")"
	else
		pass "nothing the world started outlives it"
	fi
	[ "$rc" -eq 0 ] && [ "$fails" -eq 0 ]
	exit
fi

# ---- inside the world ---------------------------------------------------
mp_setup
S=$2
. tests/tlslib.sh
C=$S/certs
SINK_IP=127.0.0.2
CLIENT_IP=127.0.0.1
FROM=probe@$TLS_CLIENT_NAME
TO=someone@remote.example.test

# mkclient NAME M4-LINES: $S/NAME/client.cf from an AIX-like .mc (as
# tests/fixtures/m4-aix.mc) plus M4-LINES (before the MAILER lines).
mkclient() {
	mkdir -p "$S/$1" || return 1
	{
		printf '%s\n' "VERSIONID(\`tls_world_test: $1')dnl" \
		    "OSTYPE(\`aix5')dnl" \
		    "define(\`ALIAS_FILE', \`$S/$1/aliases')dnl"
		printf '%s\n' "$2"
		printf '%s\n' "MAILER(\`local')dnl" "MAILER(\`smtp')dnl"
	} >"$S/$1/client.mc"
	printf 'postmaster: root\n' >"$S/$1/aliases"
	sh tests/mkcf.sh "$S/$1/client.mc" "$S/$1/client.cf"
}

# ---- 0. certificates ----------------------------------------------------
tls_make_ca "$C" &&
    tls_make_cert "$C" client "$TLS_CLIENT_NAME" &&
    tls_make_cert "$C" relay "$TLS_SINK_NAME" &&
    tls_make_expired "$C" old old.example.test &&
    tls_make_mismatch "$C" odd odd.example.test &&
    CAPATH=$(tls_ca_path "$C")
expect "the certificate helpers run" "$?" 0
openssl verify -CAfile "$C/ca.crt" "$C/client.crt" "$C/relay.crt" >"$S/verify" 2>&1
expect "tls_make_cert: certificates verify against the CA" "$?" 0
expect "tls_make_cert: the key is 0600 and root's" "$(stat -c '%a %U' "$C/client.key")" "600 root"
openssl verify -CAfile "$C/ca.crt" "$C/old.crt" >"$S/verify-old" 2>&1
check_grepF "tls_make_expired: the CA signed it, and it has expired" "$S/verify-old" "certificate has expired"
if openssl x509 -in "$C/old.crt" -noout -checkend 0 >/dev/null; then
	fail "tls_make_expired: notAfter lies in the past" "$(openssl x509 -in "$C/old.crt" -noout -enddate)"
else
	pass "tls_make_expired: notAfter lies in the past"
fi
if [ "$(openssl x509 -in "$C/odd.crt" -noout -pubkey)" != "$(openssl pkey -in "$C/odd.key" -pubout)" ]; then
	pass "tls_make_mismatch: the key does not belong to the certificate"
else
	fail "tls_make_mismatch: the key does not belong to the certificate"
fi
openssl verify -CApath "$CAPATH" "$C/relay.crt" >"$S/verify-path" 2>&1
expect "tls_ca_path: a CACertPath that verifies by hash" "$?" 0

# The TLS lines of the clients, as mailprov will write them (O ...=...).
TLSDEFS="define(\`confSERVER_CERT', \`$C/client.crt')dnl
define(\`confSERVER_KEY', \`$C/client.key')dnl
define(\`confCLIENT_CERT', \`$C/client.crt')dnl
define(\`confCLIENT_KEY', \`$C/client.key')dnl
define(\`confCACERT', \`$C/ca.crt')dnl
define(\`confCACERT_PATH', \`$CAPATH')dnl"
RELAY="define(\`SMART_HOST', \`[$TLS_SINK_NAME]')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h 587')dnl"

# ---- 1. the client offers STARTTLS with its certificate -----------------
mkclient c1 "$TLSDEFS"
expect "client 1 cf builds" "$?" 0
check_grepF "client 1 cf has O ServerCertFile" "$S/c1/client.cf" "O ServerCertFile=$C/client.crt"
if tls_daemon_start "$S/c1" "$S/c1/client.cf" "$CLIENT_IP" 2>"$S/c1/start.err"; then
	pass "client 1 daemon listens on $CLIENT_IP:25"
	tls_ehlo "$CLIENT_IP" 25 >"$S/c1/ehlo" 2>&1
	check_grep "client 1 offers STARTTLS in its EHLO reply" "$S/c1/ehlo" '^250.STARTTLS$'
	tls_starttls_cert "$CLIENT_IP" 25 >"$S/c1/subject" 2>&1
	expect "client 1's STARTTLS shows the configured certificate" \
	    "$(cat "$S/c1/subject")" "$(tls_cert_subject "$C/client.crt")"
else
	fail "client 1 daemon listens on $CLIENT_IP:25" "$(cat "$S/c1/start.err")"
fi
tls_daemon_stop "$S/c1"

# The same without CACertPath: sendmail drops STARTTLS, and says so only in
# its log; the probe must notice.
mkclient c1n "$(printf '%s\n' "$TLSDEFS" | grep -v confCACERT_PATH)"
expect "client 1n cf (no CACertPath) builds" "$?" 0
tls_daemon_start "$S/c1n" "$S/c1n/client.cf" "$CLIENT_IP" 2>"$S/c1n/start.err" ||
	fail "client 1n daemon listens on $CLIENT_IP:25" "$(cat "$S/c1n/start.err")"
tls_ehlo "$CLIENT_IP" 25 >"$S/c1n/ehlo" 2>&1
check_nogrep "client 1n offers no STARTTLS without CACertPath" "$S/c1n/ehlo" 'STARTTLS'
if tls_starttls_cert "$CLIENT_IP" 25 >"$S/c1n/subject" 2>&1; then
	fail "tls_starttls_cert fails on client 1n" "$(cat "$S/c1n/subject")"
else
	check_grepF "tls_starttls_cert fails on client 1n, saying why" \
	    "$S/c1n/subject" "does not offer STARTTLS"
fi
tls_daemon_stop "$S/c1n"

# ---- 2. relayed over TLS to the smart host on port 587 -------------------
mkclient c2 "$TLSDEFS
$RELAY"
expect "client 2 cf builds" "$?" 0
check_grep "client 2 cf has A=TCP \$h 587 in Mrelay" "$S/c2/client.cf" "^[[:space:]]+A=TCP \\\$h 587\$"
if tls_sink_start "$S/sink2" "$SINK_IP" 587 tls "$C/relay.crt" "$C/relay.key" \
    "$C/ca.crt" "$CAPATH" 2>"$S/sink2.err"; then
	pass "TLS sink listens on $SINK_IP:587"
else
	fail "TLS sink listens on $SINK_IP:587" "$(cat "$S/sink2.err")"
fi
tls_starttls_cert "$SINK_IP" 587 >"$S/sink2.subject" 2>&1
expect "the TLS sink shows its own certificate" "$(cat "$S/sink2.subject")" \
    "$(tls_cert_subject "$C/relay.crt")"
tls_daemon_start "$S/c2" "$S/c2/client.cf" "$CLIENT_IP" 2>"$S/c2/start.err" ||
	fail "client 2 daemon listens on $CLIENT_IP:25" "$(cat "$S/c2/start.err")"
tls_send "$CLIENT_IP" 25 "$FROM" "$TO" "$S/c2" "$S/sink2" >"$S/c2/send" 2>&1
expect "client 2 takes the message and the sink gets it" "$?" 0
check_grep "client 2 accepted the message" "$S/c2/send" '^250 2\.0\.0 .*accepted'
expect "client 2's queue is empty" "$(tls_queue_count "$S/c2")" 0
tls_sink_messages "$S/sink2" >"$S/sink2.msgs"
expect "the TLS sink holds one message" "$(tls_sink_count "$S/sink2")" 1
check_grepF "the message is for $TO" "$S/sink2.msgs" "<$TO>"
check_grep "the sink's Received: says ESMTPS" "$S/sink2.msgs" "by $TLS_SINK_NAME .* with ESMTPS id"
check_grep "the sink's Received: names TLSv1.x" "$S/sink2.msgs" 'version=TLSv1(\.[0-9])?'
check_grep "the sink verified client 2's ClientCertFile (verify=OK)" "$S/sink2.msgs" 'verify=OK'
tls_log >"$S/log2"
check_grep "client 2's log: STARTTLS=client to the relay, server certificate verified" \
    "$S/log2" "STARTTLS=client, relay=$TLS_SINK_NAME\\.?, version=TLSv1[.0-9]*, verify=OK"
check_grep "the sink's log: STARTTLS=server, client certificate verified" \
    "$S/log2" "STARTTLS=server, relay=.*version=TLSv1[.0-9]*, verify=OK"
tls_daemon_stop "$S/c2"
tls_daemon_stop "$S/sink2"

# ---- 3. TLS required by the access map, and a sink without STARTTLS -----
mkclient c3 "$TLSDEFS
$RELAY
FEATURE(\`access_db', \`hash -T<TMPF> -o $S/c3/access')dnl"
expect "client 3 cf builds" "$?" 0
printf 'TLS_Srv:%s\tENCR:112\n' "$TLS_SINK_NAME" >"$S/c3/access.txt"
# makemap reads /etc/mail/sendmail.cf unless told which cf (-C), and
# /etc/mail is empty in the world
makemap -C "$S/c3/client.cf" hash "$S/c3/access" <"$S/c3/access.txt" 2>"$S/c3/makemap.err"
expect "makemap builds client 3's access map" "$?" 0
if tls_sink_start "$S/sink3" "$SINK_IP" 587 plain 2>"$S/sink3.err"; then
	pass "plain sink listens on $SINK_IP:587"
else
	fail "plain sink listens on $SINK_IP:587" "$(cat "$S/sink3.err")"
fi
if tls_starttls_cert "$SINK_IP" 587 >"$S/sink3.subject" 2>&1; then
	fail "tls_starttls_cert fails on the plain sink" "$(cat "$S/sink3.subject")"
else
	check_grepF "tls_starttls_cert fails on the plain sink, saying why" \
	    "$S/sink3.subject" "does not offer STARTTLS"
fi
tls_daemon_start "$S/c3" "$S/c3/client.cf" "$CLIENT_IP" 2>"$S/c3/start.err" ||
	fail "client 3 daemon listens on $CLIENT_IP:25" "$(cat "$S/c3/start.err")"
tls_send "$CLIENT_IP" 25 "$FROM" "$TO" "$S/c3" >"$S/c3/send" 2>&1
expect "client 3 takes the message and tries it once" "$?" 0
expect "the plain sink got nothing" "$(tls_sink_count "$S/sink3")" 0
expect "the message stays in client 3's queue" "$(tls_queue_count "$S/c3")" 1
tls_queue_reasons "$S/c3" >"$S/c3/reasons"
check_grep "client 3's queue file says 454 encryption too weak" "$S/c3/reasons" \
    '^qf[^:]*: Deferred: 454 4\.7\.0 encryption too weak 0 less than 112$'
tls_mailq "$S/c3" "$S/c3/client.cf" >"$S/c3/mailq"
check_grepF "mailq -C shows the 454 reason" "$S/c3/mailq" "454 4.7.0 encryption too weak 0 less than 112"
check_grepF "mailq -C shows the recipient" "$S/c3/mailq" "<$TO>"
tls_daemon_stop "$S/c3"
tls_daemon_stop "$S/sink3"

# The same queue goes out once the relay offers STARTTLS (ENCR:112 met).
tls_sink_start "$S/sink3t" "$SINK_IP" 587 tls 2>"$S/sink3t.err" ||
	fail "TLS sink with its own certificate listens on $SINK_IP:587" "$(cat "$S/sink3t.err")"
tls_queue_run "$S/c3" "$S/c3/client.cf" >"$S/c3/qrun" 2>&1
expect "a queue run of client 3 ends well" "$?" 0
expect "client 3's queue is empty after the run" "$(tls_queue_count "$S/c3")" 0
tls_sink_messages "$S/sink3t" >"$S/sink3t.msgs"
check_grep "the deferred message reached the TLS sink over ESMTPS" "$S/sink3t.msgs" "with ESMTPS id"
tls_daemon_stop "$S/sink3t"

exit $((fails > 0))
