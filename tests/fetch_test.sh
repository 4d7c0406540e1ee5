#!/bin/bash
# fetch_test.sh - desired states over HTTPS and reports to a collector,
# against a real HTTPS server on 127.0.0.1 (tests/https_server.py) with a
# CA and certificates made here with openssl.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup fetch
pids=""
trap 'kill $pids $(cat "$S"/*.pid 2>/dev/null) 2>/dev/null; rm -rf "$S"' EXIT

# A CA, a server certificate for 127.0.0.1, one for another name, and a
# second CA that signed nothing we serve.
cd "$S" || exit 1
cat >san.cnf <<'C'
[req]
distinguished_name = dn
[dn]
[ok]
subjectAltName = IP:127.0.0.1, DNS:localhost
[other]
subjectAltName = DNS:otherhost.example
C
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca2.key -out ca2.pem -days 2 -subj /CN=other-ca 2>/dev/null
for n in ok other; do
	openssl req -newkey rsa:2048 -nodes -keyout $n.key -out $n.csr -subj /CN=$n -config san.cnf 2>/dev/null
	openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $n.pem -days 2 \
	    -extfile san.cnf -extensions $n 2>/dev/null
done
cd - >/dev/null || exit 1
[ -s "$S/ok.pem" ] && [ -s "$S/other.pem" ] && pass "test certificates made" || fail "test certificates made"

# serve NAME CERT [extra]: start a server on docroot $S/NAME; sets $port.
serve() {
	mkdir -p "$S/$1/doc" "$S/$1/posts"
	python3 tests/https_server.py "$S/$2.pem" "$S/$2.key" "$S/$1/doc" "$S/$1/posts" \
	    --lifetime 150 "${@:3}" >"$S/$1/port" &
	last=$!
	pids="$pids $last"
	wait_for 5 test -s "$S/$1/port"
	port=$(cat "$S/$1/port")
}
# root NAME: a host for apply --url (files only: no service section).
root() {
	local r=$S/root-$1
	mkdir -p "$r/etc/mail"
	sh tests/mkcf.sh tests/fixtures/m4-aix.mc "$r/etc/mail/sendmail.cf"
	printf 'postmaster: root\nMAILER-DAEMON: postmaster\n' >"$r/etc/mail/aliases"
	echo "$r"
}
awk '/^service:/ { skip = 1; next } /^[a-z]/ { skip = 0 } !skip' conf/desired.yaml >"$S/good.yaml"
sed 's/^  smart_host: .*/  smart_host: "[relay2.example.net]"/' "$S/good.yaml" >"$S/good2.yaml"
run() { $MP apply --root "$1" --sendmail "$SBX" --ca-file "$S/ca.pem" "${@:2}"; }

serve main ok
cp "$S/good.yaml" "$S/main/doc/desired.yaml"
URL=https://127.0.0.1:$port/desired.yaml
R=$(root a)
run "$R" --url "$URL" --report-url "https://127.0.0.1:$port/report" >"$S/a1" 2>&1
expect "good fetch: apply exits 0" "$?" 0
check_grep "good fetch: says it fetched" "$S/a1" "fetched a new desired state from $URL"
check_grep "good fetch: applied" "$R/etc/mail/sendmail.cf" '^DS\[smtprelay\.example\.net\]$'
cmp -s "$R/var/mailprov/fetched.yaml" "$S/good.yaml" && pass "good fetch: kept as the last good state" ||
    fail "good fetch: kept as the last good state"
check_grep "good fetch: ETag stored for next time" "$R/var/mailprov/fetched.state" '^etag "'
n=$(ls "$S/main/posts" | wc -l)
expect "report: one POST arrived" "$n" 1
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['last_run']['outcome']=='changed' and '/etc/mail/sendmail.cf' in d['last_run']['files_changed'] and len(d['desired_sha256'])==64" \
    "$S/main/posts/000001.json" && pass "report: the JSON parses and says what changed" ||
    fail "report: the JSON parses and says what changed" "$(cat "$S/main/posts/000001.json")"

run "$R" --url "$URL" >"$S/a2" 2>&1
expect "304: apply exits 0" "$?" 0
check_grep "304: not modified" "$S/a2" "not modified"
check_grep "304: nothing to do" "$S/a2" "no changes"

# Wrong CA, wrong host name, plain http: refused, the last good state used.
$MP apply --root "$R" --sendmail "$SBX" --ca-file "$S/ca2.pem" --url "$URL" >"$S/a3" 2>&1
expect "wrong CA: still exits 0 on the last good state" "$?" 0
check_grep "wrong CA: refused with the TLS reason" "$S/a3" "WARNING: .*(certificate|SSL).*using the last good desired state"
serve other other
run "$R" --url "https://127.0.0.1:$port/desired.yaml" >"$S/a4" 2>&1
check_grep "wrong host name: refused" "$S/a4" "WARNING: .*(no alternative certificate subject name|does not match|SSL).*using the last good"
R2=$(root http)
run "$R2" --url "http://127.0.0.1:1/desired.yaml" >"$S/a5" 2>&1
expect "http:// refused: exit 1 when there is no last good state" "$?" 1
check_grep "http:// refused: says https only" "$S/a5" "only https:// URLs are allowed"
[ ! -e "$R2/etc/mail/local-host-names" ] && pass "http:// refused: nothing changed" || fail "http:// refused: nothing changed"

# A body over 1 MiB is refused; a bad YAML keeps the last good state.
head -c 1100000 /dev/zero | tr '\0' '#' >"$S/main/doc/big.yaml"
run "$R" --url "https://127.0.0.1:$(cat "$S/main/port")/big.yaml" >"$S/a6" 2>&1
check_grep "body over 1 MiB: refused" "$S/a6" "larger than 1048576 bytes"
printf 'version: 1\nsendmail:\n  smart_hots: x\n' >"$S/main/doc/bad.yaml"
run "$R" --url "https://127.0.0.1:$(cat "$S/main/port")/bad.yaml" >"$S/a7" 2>&1
expect "bad YAML served: exit 0 on the last good state" "$?" 0
check_grep "bad YAML served: the error with its position" "$S/a7" "bad.yaml:3:3: unknown key 'smart_hots'"
cmp -s "$R/var/mailprov/fetched.yaml" "$S/good.yaml" && pass "bad YAML served: last good state kept" ||
    fail "bad YAML served: last good state kept"
# A pinned sha256 that does not match is refused.
run "$R" --url "$URL" --sha256 0000000000000000000000000000000000000000000000000000000000000000 >"$S/a8" 2>&1
check_grep "sha256 pin mismatch: refused" "$S/a8" "not the pinned"

# Server down, then up on the same port: retries with backoff, then converge.
serve flap ok
fport=$port
cp "$S/good2.yaml" "$S/flap/doc/desired.yaml"
kill $last 2>/dev/null
sleep 0.5
R3=$(root flap)
( sleep 1.2; python3 tests/https_server.py "$S/ok.pem" "$S/ok.key" "$S/flap/doc" "$S/flap/posts" \
    --port "$fport" --lifetime 60 >/dev/null 2>&1 & echo $! >"$S/flap.pid" ) &
run "$R3" --url "https://127.0.0.1:$fport/desired.yaml" >"$S/a9" 2>&1
expect "server down then up: apply exits 0" "$?" 0
check_grep "server down then up: it retried" "$S/a9" "trying again"
check_grep "server down then up: converged" "$R3/etc/mail/sendmail.cf" '^DS\[relay2\.example\.net\]$' "$(cat "$S/a9")"

# Collector down: the report is queued, then flushed with the next one.
touch "$S/main/posts/DOWN"
before=$(ls "$S/main/posts" | grep -c json)
run "$R" --url "$URL" --report-url "https://127.0.0.1:$(cat "$S/main/port")/report" >"$S/b1" 2>&1
check_grep "collector down: report queued" "$S/b1" "report to .* queued"
expect "collector down: one report waits" "$(ls "$R/var/mailprov/reports" | wc -l)" 1
rm -f "$S/main/posts/DOWN"
run "$R" --url "$URL" --report-url "https://127.0.0.1:$(cat "$S/main/port")/report" >"$S/b2" 2>&1
expect "collector up: both reports arrive" "$(( $(ls "$S/main/posts" | grep -c json) - before ))" 2
expect "collector up: the queue is empty" "$(ls "$R/var/mailprov/reports" | wc -l)" 0

# A fleet: 100 hosts apply the same URL and report.
serve fleet ok
cp "$S/good.yaml" "$S/fleet/doc/desired.yaml"
FURL=https://127.0.0.1:$port/desired.yaml
for i in $(seq 1 100); do
	mkdir -p "$S/fleet/h$i/etc/mail"
	cp "$R/var/mailprov/../../etc/mail/sendmail.cf.2"* "$S/fleet/h$i/etc/mail/sendmail.cf" 2>/dev/null ||
	    sh tests/mkcf.sh tests/fixtures/m4-aix.mc "$S/fleet/h$i/etc/mail/sendmail.cf"
	printf 'postmaster: root\nMAILER-DAEMON: postmaster\n' >"$S/fleet/h$i/etc/mail/aliases"
done
t0=$(date +%s%N)
ok=0
for i in $(seq 1 100); do
	run "$S/fleet/h$i" --url "$FURL" --report-url "https://127.0.0.1:$port/report" >/dev/null 2>&1 && ok=$((ok + 1))
done
t1=$(date +%s%N)
expect "fleet: 100 hosts converge" "$ok" 100
expect "fleet: 100 reports arrive" "$(ls "$S/fleet/posts" | grep -c json)" 100
echo "fleet: 100 applies with fetch and report in $(( (t1 - t0) / 1000000 )) ms" >&2

# mailprovd with source: and report_url: in its configuration.
serve dmn ok
cp "$S/good2.yaml" "$S/dmn/doc/desired.yaml"
D=$S/droot
mp_daemon_root "$D"
printf 'source: https://127.0.0.1:%s/desired.yaml\nreport_url: https://127.0.0.1:%s/report\nca_file: %s\n' \
    "$port" "$port" "$S/ca.pem" >>"$D/etc/mailprov/mailprovd.conf"
printf 'sleep 3000\nstatus\nstop\nwait\n' | timeout 30 ./tests/srcmstr ./daemon/mailprovd --root "$D" \
    >"$S/d.out" 2>"$S/d.log"
check_grep "daemon source: the long status shows a good run" "$S/d.out" "^Outcome: changed$"
check_grep "daemon source: applied the fetched state" "$D/etc/mail/sendmail.cf" '^DS\[relay2\.example\.net\]$' \
    "$(tail -5 "$S/d.log")"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['last_run']['outcome']=='changed'" \
    "$S/dmn/posts/000001.json" && pass "daemon report_url: the run's status arrived as JSON" ||
    fail "daemon report_url: the run's status arrived as JSON" "$(ls "$S/dmn/posts")"

# mailprov-fetch refuses a numeric option that is not a number in its
# range: exit 2 and one line that names the option, nothing fetched.
F=$PWD/daemon/mailprov-fetch
for bad in "--timeout 10s" "--connect-timeout 0" "--retries -1" "--max-bytes 2147483648"; do
	# shellcheck disable=SC2086
	$F get "$URL" "$S/opt.out" "$S/opt.state" $bad >"$S/opt.err" 2>&1
	expect "mailprov-fetch $bad: exit 2" "$?" 2
	has "mailprov-fetch $bad: says which option and why" "$S/opt.err" \
	    "^mailprov-fetch: ${bad%% *} '${bad#* }': not a whole number from [0-9]+ to [0-9]+$"
	expect "mailprov-fetch $bad: one line" "$(wc -l <"$S/opt.err")" 1
	[ ! -e "$S/opt.out" ] && pass "mailprov-fetch $bad: nothing fetched" ||
	    fail "mailprov-fetch $bad: nothing fetched"
done

exit $((fails > 0))
