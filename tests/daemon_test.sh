#!/bin/bash
# daemon_test.sh - mailprovd as SRC runs it: tests/srcmstr plays srcmstr
# (fd 0 a datagram socket, STATUS/REFRESH/TRACE/STOP packets), with the
# mock SRC backend for sendmail, a sandbox root and the real sendmail as
# the judge of each new configuration.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup daemon

# drop ROOT FILE NAME: the way a pusher should: write aside, rename in.
drop() {
	install -m 0600 "$2" "$1/var/mailprov/incoming/.$3.tmp"
	mv "$1/var/mailprov/incoming/.$3.tmp" "$1/var/mailprov/incoming/$3"
}

sed 's/^  smart_host: .*/  smart_host: "[relay2.example.net]"/' conf/desired.yaml >"$S/good.yaml"
printf 'version: 1\nsendmail:\n  smart_hots: x\n' >"$S/bad.yaml"

# 1-7: start, a good drop, a bad drop, refresh, status, trace, bogus, stop.
R=$(mp_root main)
{
	echo "sleep 2000"
	echo status
	sleep 2.5
	drop "$R" "$S/good.yaml" good.yaml
	echo "sleep 2500"
	echo status
	sleep 3
	drop "$R" "$S/bad.yaml" bad.yaml
	echo "sleep 2500"
	echo status
	sleep 3
	echo refresh
	echo "trace on"
	echo bogus
	echo status
	echo stop
	echo wait
} | timeout 60 ./tests/srcmstr "$MPD" --root "$R" -d >"$S/main.out" 2>"$S/main.log"
awk '/^END$/ { n++ } { print > "'"$S"'/st" n }' "$S/main.out"
check_grep "start: long status header" "$S/st" "^ Subsystem +Group +PID +Status$"
check_grep "start: mailprovd active" "$S/st" "^ mailprovd +[0-9]+ +active$"
check_grep "start: converged (changed)" "$S/st" "^Outcome: changed$"
check_grep "start: SRC actions listed" "$S/st" "^SRC-actions: chssys -s sendmail -a \"-bd -q30m\"; startsrc -s sendmail"
check_fact "start: the sendmail binary and its capabilities" "$S/st" \
    "^Sendmail: sendmail 8\\.[0-9.]+ at /"
check_grep "start: mode enforce" "$S/st" "^Mode: enforce$"
check_grep "start: no TLS section, no certificate days" "$S/st" "^TLS-cert: not managed$"
check_grep "start: sha256 of the desired state" "$S/st" "^sha256: $(sha256sum conf/desired.yaml | cut -c1-64)$"
check_grep "start: journal of the SRC calls" "$R/var/mailprov/src/journal" "^startsrc -s sendmail$"
check_grep "good drop: taken within the settle time" "$S/st1" "^Last-run: .*\(new desired state\)$"
check_grep "good drop: counted as new intent" "$S/st1" "^Runs: 2 \(drift repairs 0, new-intent changes 1|^Runs: 2 \(drift repairs 0, new-intent changes 2"
check_grep "good drop: sendmail.cf follows it" "$R/etc/mail/sendmail.cf" '^DS\[relay2\.example\.net\]$' \
    "$(grep '^DS' "$R/etc/mail/sendmail.cf")"
cmp -s "$R/etc/mailprov/desired.yaml" "$S/good.yaml" && pass "good drop: it is the desired state now" ||
    fail "good drop: it is the desired state now"
[ "$(ls "$R/var/mailprov/history" | wc -l)" -ge 1 ] && pass "good drop: the previous desired state is kept" ||
    fail "good drop: the previous desired state is kept"
[ -f "$R/var/mailprov/incoming/rejected/bad.yaml" ] && pass "bad drop: moved to rejected/" || fail "bad drop: moved to rejected/"
check_grep "bad drop: .err holds path:line:col" "$R/var/mailprov/incoming/rejected/bad.yaml.err" \
    "incoming/bad.yaml:3:3: unknown key 'smart_hots' in sendmail; did you mean 'smart_host'\?"
cmp -s "$R/etc/mailprov/desired.yaml" "$S/good.yaml" && pass "bad drop: the desired state stays" ||
    fail "bad drop: the desired state stays"
check_grep "bad drop: daemon alive and counting" "$S/st2" "^Incoming: accepted 1, rejected 1"
check_grep "refresh: replied OK" "$S/main.out" "^reply 0$"
check_grep "refresh: re-reconciled" "$S/st3" "^Last-run: .*\(refresh\)$"
check_grep "trace: on" "$S/st3" "^Trace: on$"
check_grep "unknown request: SRC_SUBICMD" "$S/main.out" "^reply -9087"
check_grep "stop: exit 0" "$S/main.out" "^exit 0$"
[ -z "$(find "$R" -name '.*.mailprov.*' -o -name 'check.*')" ] && pass "stop: no temporary file left" ||
    fail "stop: no temporary file left" "$(find "$R" -name '.*.mailprov.*' -o -name 'check.*')"
check_grep "status.json: written" "$R/var/mailprov/status.json" '"outcome": "converged"'
$MP status --root "$R" >"$S/status.out" 2>&1
expect "mailprov status exits 0 after a good run" "$?" 0
check_grep "mailprov status shows the outcome" "$S/status.out" "^  outcome: +converged$"

# 8. STOP forced.
R=$(mp_root forced)
printf 'sleep 1500\nstopf\nwait\n' | timeout 30 ./tests/srcmstr "$MPD" --root "$R" >"$S/forced.out" 2>/dev/null
check_grep "stop forced: replied and exit 0" "$S/forced.out" "^exit 0$"

# 9. SIGTERM (stopsrc -c sends it).
printf 'sleep 1500\nkill TERM\nwait\n' | timeout 30 ./tests/srcmstr "$MPD" --root "$R" >"$S/term.out" 2>/dev/null
check_grep "SIGTERM: exit 0" "$S/term.out" "^exit 0$"

# 10. SIGKILL at any moment, then a restart converges.
R=$(mp_root kill)
for ms in 30 120 250 400 700; do
	sed -i "s/^      ops: .*/      ops: [alice, bob, k$ms]/" "$R/etc/mailprov/desired.yaml"
	printf 'sleep %s\nkill KILL\nwait\n' "$ms" | timeout 30 ./tests/srcmstr "$MPD" --root "$R" >"$S/kill.out" 2>/dev/null
	grep -q '^signal 9$' "$S/kill.out" || fail "SIGKILL after $ms ms" "$(cat "$S/kill.out")"
	[ -z "$(find "$R/etc" -name '.*.mailprov.*')" ] || true	# a kill may leave one; the next run ignores it
done
printf 'sleep 2500\nstatus\nstop\nwait\n' | timeout 30 ./tests/srcmstr "$MPD" --root "$R" >"$S/after.out" 2>/dev/null
check_grep "SIGKILL: the next start converges" "$S/after.out" "^Outcome: (changed|converged)$"
$MP plan -f "$R/etc/mailprov/desired.yaml" --root "$R" --sendmail "$SBX" --src-backend mock >/dev/null 2>&1
expect "SIGKILL: nothing left to do afterwards" "$?" 0

# 11. Not under SRC: SIGHUP refreshes, SIGTERM stops.
R=$(mp_root nosrc)
"$MPD" --root "$R" -d </dev/null 2>"$S/nosrc.log" &
pid=$!
sleep 2
kill -HUP $pid
sleep 1.5
kill -TERM $pid
wait $pid
expect "not under SRC: SIGTERM exits 0" "$?" 0
check_grep "not under SRC: says so" "$S/nosrc.log" "not started by SRC"
check_grep "not under SRC: SIGHUP re-reconciles" "$S/nosrc.log" "run \(refresh \(SIGHUP\)\)"

# 12. The incoming directory removed while running: made again, still works.
R=$(mp_root gone)
{
	echo "sleep 1500"
	sleep 1.5
	rm -rf "$R/var/mailprov/incoming"
	sleep 1
	mkdir -p "$R/var/mailprov/incoming" && chmod 0700 "$R/var/mailprov/incoming"
	sleep 1
	drop "$R" "$S/good.yaml" good.yaml
	echo "sleep 3000"
	echo status
	echo stop
	echo wait
} | timeout 40 ./tests/srcmstr "$MPD" --root "$R" >"$S/gone.out" 2>/dev/null
check_grep "incoming removed: a later drop is still taken" "$S/gone.out" "^Incoming: accepted 1"
check_grep "incoming removed: clean exit" "$S/gone.out" "^exit 0$"

# 13. A burst: of two drops in the same second the newer wins; an incoming
# directory others can write to is not scanned.
R=$(mp_root burst)
sed 's/^  smart_host: .*/  smart_host: "[first.example.net]"/' conf/desired.yaml >"$S/first.yaml"
sed 's/^  smart_host: .*/  smart_host: "[second.example.net]"/' conf/desired.yaml >"$S/second.yaml"
{
	echo "sleep 1500"
	sleep 1.5
	install -m 0600 "$S/first.yaml" "$R/var/mailprov/incoming/.zz.tmp"
	install -m 0600 "$S/second.yaml" "$R/var/mailprov/incoming/.aa.tmp"
	mv "$R/var/mailprov/incoming/.zz.tmp" "$R/var/mailprov/incoming/zz-first.yaml"
	mv "$R/var/mailprov/incoming/.aa.tmp" "$R/var/mailprov/incoming/aa-second.yaml"
	echo "sleep 2500"
	sleep 2.5
	chmod 1777 "$R/var/mailprov/incoming"
	drop "$R" "$S/first.yaml" late.yaml
	echo "sleep 2500"
	echo status
	echo stop
	echo wait
} | timeout 40 ./tests/srcmstr "$MPD" --root "$R" -d >"$S/burst.out" 2>"$S/burst.log"
check_grep "burst: the newer of two drops wins" "$R/etc/mail/sendmail.cf" '^DS\[second\.example\.net\]$' \
    "$(grep '^DS' "$R/etc/mail/sendmail.cf")"
[ -e "$R/var/mailprov/incoming/late.yaml" ] && pass "world-writable incoming: nothing taken" ||
    fail "world-writable incoming: nothing taken"
check_grep "world-writable incoming: says so" "$S/burst.log" "writable by others or not owned by root: not scanned"

[ "${KEEP:-}" ] || rm -rf "$S"
exit $((fails > 0))
