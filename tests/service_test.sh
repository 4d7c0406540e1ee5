#!/bin/bash
# service_test.sh - the SRC steps after apply, with the exact journal of
# SRC calls asserted for each scenario, once with the mock backend and
# once with the exec backend driving fake AIX commands (tests/fakeaix)
# that keep the same state.  Mail files are real (m4-built sendmail.cf,
# checked by the real sendmail before each write).
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup service

# host BACKEND NAME STATE ARGS CONTACT BOOT: a root with a real cf, the
# subsystem seeded in SRC, and (exec) fake AIX commands and rc.tcpip.
host() {
	local r=$S/$1-$2
	mkdir -p "$r/etc/mail" "$r/var/mailprov/src"
	sh tests/mkcf.sh tests/fixtures/m4-aix.mc "$r/etc/mail/sendmail.cf"
	printf 'postmaster: root\nMAILER-DAEMON: postmaster\n' >"$r/etc/mail/aliases"
	printf 'defined=1\nstate=%s\npid=3342\ngroup=mail\npath=/usr/lib/sendmail\nargs=%s\ncontact=%s\nboot=%s\n' \
	    "$3" "$4" "$5" "$6" >"$r/var/mailprov/src/sendmail.rec"
	if [ "$1" = exec ]; then
		sh tests/fakeaix/mkfake.sh "$r/bin" "$r/var/mailprov/src"
		{
			echo '# rc.tcpip (test copy)'
			echo 'qpi=30m'
			[ "$6" = 1 ] && echo 'start /usr/lib/sendmail "$src_running" "-bd -q${qpi}"' ||
			    echo '#start /usr/lib/sendmail "$src_running" "-bd -q${qpi}"'
			echo 'start /usr/sbin/syslogd "$src_running"'
		} >"$r/etc/rc.tcpip"
	fi
	echo "$r"
}

# run BACKEND ROOT DESIRED [options]: apply; output in $R/out.
run() {
	local b=$1 r=$2 d=$3
	shift 3
	: >"$r/var/mailprov/src/journal"
	if [ "$b" = exec ]; then
		$MP apply -f "$d" --root "$r" --sendmail "$SBX" --src-backend exec \
		    --src-bindir "$r/bin" --verify-port none --verify-bv no "$@" >"$r/out" 2>&1
	else
		$MP apply -f "$d" --root "$r" --sendmail "$SBX" --src-backend mock "$@" >"$r/out" 2>&1
	fi
}
journal() { tr '\n' ';' <"$1/var/mailprov/src/journal"; }

D=$S/desired.yaml
cp conf/desired.yaml "$D"
sed 's/^  smart_host: .*/  smart_host: "[relay2.example.net]"/' "$D" >"$S/relay2.yaml"
sed 's/^      ops: \[alice, bob\]/      ops: [alice, bob, carol]/' "$D" >"$S/aliases2.yaml"
sed 's/^  state: running/  state: stopped/' "$D" >"$S/stopped.yaml"
sed 's/^  subsystem: sendmail/  subsystem: nosuch/' "$D" >"$S/nosuch.yaml"
# Same as $D but with args that keep -bd: the exec fakes treat args as text.

for B in mock exec; do
	# 1. First apply on a stopped host.
	R=$(host $B first inoperative "" -K 0)
	run $B "$R" "$D"
	expect "$B: first apply on a stopped host exits 0" "$?" 0
	expect "$B: first apply: chssys, then startsrc, then the boot line" "$(journal "$R")" \
	    "chssys -s sendmail -a -bd -q30m;startsrc -s sendmail;chrctcp -a sendmail;"
	check_grep "$B: first apply verified with lssrc" "$R/out" '^mailprov: verify: lssrc says sendmail is active'
	if [ $B = exec ]; then
		grep -qx 'start /usr/lib/sendmail "$src_running" "-bd -q${qpi}"' "$R/etc/rc.tcpip" &&
		    pass "exec: rc.tcpip start line enabled" || fail "exec: rc.tcpip start line enabled" "$(cat "$R/etc/rc.tcpip")"
		grep -qxF 'startsrc [-s] [sendmail]' "$R/var/mailprov/src/calls" &&
		    grep -qxF 'chssys [-s] [sendmail] [-a] [-bd -q30m]' "$R/var/mailprov/src/calls" &&
		    pass "exec: the AIX commands got the exact argv" || fail "exec: the AIX commands got the exact argv" "$(cat "$R/var/mailprov/src/calls")"
		ls "$R/etc" | grep -q '^rc.tcpip\.[0-9]\{8\}-[0-9]\{6\}$' &&
		    pass "exec: rc.tcpip backed up before its edit" || fail "exec: rc.tcpip backed up before its edit"
	fi

	# 5. No-op: no SRC call, no file written.
	run $B "$R" "$D"
	expect "$B: no-op exits 0" "$?" 0
	expect "$B: no-op says so" "$(cat "$R/out")" "mailprov: no changes"
	expect "$B: no-op journal is empty" "$(journal "$R")" ""

	# 2. Only the aliases change: rebuild, no refresh.
	run $B "$R" "$S/aliases2.yaml"
	expect "$B: aliases only exits 0" "$?" 0
	expect "$B: aliases only: no SRC call" "$(journal "$R")" ""
	check_grep "$B: aliases only: aliases written" "$R/out" '^mailprov: wrote /etc/mail/aliases'

	# 3. sendmail.cf changes on a running host: refresh, no restart.
	run $B "$R" "$S/relay2.yaml"
	expect "$B: cf change exits 0" "$?" 0
	expect "$B: cf change on a running host: refresh only" "$(journal "$R")" "refresh -s sendmail;"

	# 4. Stored arguments drifted: chssys only.
	sed -i 's/^args=.*/args=-bd -q1h/' "$R/var/mailprov/src/sendmail.rec"
	run $B "$R" "$S/relay2.yaml"
	expect "$B: args drift exits 0" "$?" 0
	expect "$B: args drift: chssys only" "$(journal "$R")" "chssys -s sendmail -a -bd -q30m;"

	# 6. Verify fails (nothing greets on the port): files back, refresh again.
	cp "$R/etc/mail/sendmail.cf" "$S/before.cf"
	run $B "$R" "$D" --verify-port 127.0.0.1:1
	expect "$B: verify failure exits 1" "$?" 1
	expect "$B: verify failure: refresh, then refresh after the rollback" "$(journal "$R")" \
	    "refresh -s sendmail;refresh -s sendmail;"
	cmp -s "$R/etc/mail/sendmail.cf" "$S/before.cf" && pass "$B: verify failure: sendmail.cf restored" ||
	    fail "$B: verify failure: sendmail.cf restored"
	grep -q 'rolling back the files this run changed' "$R/out" && grep -q 'nothing accepts on 127.0.0.1:1' "$R/out" &&
	    pass "$B: verify failure: says why and that it rolled back" || fail "$B: verify failure: says why and that it rolled back" "$(cat "$R/out")"

	# 6b. Verify passes with a real listener on the port.
	rm -f "$S/port"
	./tests/greeter >"$S/port" &
	g=$!
	wait_for 1 test -s "$S/port"
	run $B "$R" "$D" --verify-port "127.0.0.1:$(cat "$S/port")"
	expect "$B: verify with a greeting on the port exits 0" "$?" 0
	check_grepF "$B: verify reports the 220 greeting" "$R/out" "127.0.0.1:$(cat "$S/port") greets with 220"
	kill $g 2>/dev/null; wait $g 2>/dev/null

	# 6c. sendmail dies on refresh: files back, started again.
	cp "$R/etc/mail/sendmail.cf" "$S/before.cf"
	echo dies >"$R/var/mailprov/src/fail"
	run $B "$R" "$S/relay2.yaml"
	expect "$B: subsystem dies exits 1" "$?" 1
	expect "$B: subsystem dies: refresh, then startsrc after the rollback" "$(journal "$R")" \
	    "refresh -s sendmail;startsrc -s sendmail;"
	cmp -s "$R/etc/mail/sendmail.cf" "$S/before.cf" && pass "$B: subsystem dies: sendmail.cf restored" ||
	    fail "$B: subsystem dies: sendmail.cf restored"
	rm -f "$R/var/mailprov/src/fail"

	# 6d. startsrc fails with an AIX message: the run fails, files back.
	R=$(host $B startfail inoperative "-bd -q30m" -K 1)
	echo startsrc >"$R/var/mailprov/src/fail"
	cp "$R/etc/mail/sendmail.cf" "$S/before.cf"
	run $B "$R" "$D"
	expect "$B: startsrc failure exits 1" "$?" 1
	check_grep "$B: startsrc failure: the AIX message is shown" "$R/out" '^mailprov: startsrc -s sendmail: .*0513-059'
	cmp -s "$R/etc/mail/sendmail.cf" "$S/before.cf" && pass "$B: startsrc failure: sendmail.cf restored" ||
	    fail "$B: startsrc failure: sendmail.cf restored"

	# 7. A signals-only subsystem cannot be refreshed: stop and start.
	R=$(host $B signals active "-bd -q30m" -S 1)
	run $B "$R" "$D"
	expect "$B: signals-only exits 0" "$?" 0
	expect "$B: signals-only: stop and start instead of refresh" "$(journal "$R")" \
	    "stopsrc -s sendmail;startsrc -s sendmail;"

	# 8. Wanted stopped, running now: stop, boot line off.
	R=$(host $B stop active "-bd -q30m" -K 1)
	run $B "$R" "$S/stopped.yaml"
	expect "$B: stopped exits 0" "$?" 0
	expect "$B: stopped: stopsrc and the boot line off" "$(journal "$R")" \
	    "stopsrc -s sendmail;chrctcp -d sendmail;"
	[ $B = exec ] && { grep -qx '#start /usr/lib/sendmail "$src_running" "-bd -q${qpi}"' "$R/etc/rc.tcpip" &&
	    pass "exec: rc.tcpip start line commented out" || fail "exec: rc.tcpip start line commented out" "$(cat "$R/etc/rc.tcpip")"; }

	# 9. No such subsystem: refused before any file is written.
	R=$(host $B nosuch inoperative "" -K 0)
	cp "$R/etc/mail/sendmail.cf" "$S/before.cf"
	run $B "$R" "$S/nosuch.yaml"
	expect "$B: undefined subsystem exits 1" "$?" 1
	check_grepF "$B: undefined subsystem: says so" "$R/out" "SRC has no subsystem 'nosuch'"
	cmp -s "$R/etc/mail/sendmail.cf" "$S/before.cf" && [ ! -e "$R/etc/mail/local-host-names" ] &&
	    pass "$B: undefined subsystem: nothing written" || fail "$B: undefined subsystem: nothing written"

	# 10. plan lists the SRC steps and runs none.
	R=$(host $B plan inoperative "" -K 0)
	: >"$R/var/mailprov/src/journal"
	if [ $B = exec ]; then
		$MP plan -f "$D" --root "$R" --src-backend exec --src-bindir "$R/bin" >"$R/out" 2>&1
	else
		$MP plan -f "$D" --root "$R" --src-backend mock >"$R/out" 2>&1
	fi
	expect "$B: plan exits 2" "$?" 2
	expect "$B: plan lists the SRC steps" "$(grep '^action: [cs]' "$R/out" | tr '\n' ';')" \
	    'action: chssys -s sendmail -a "-bd -q30m";action: startsrc -s sendmail;action: chrctcp -a sendmail (start line of /etc/rc.tcpip enabled);'
	expect "$B: plan makes no SRC call" "$(journal "$R")" ""
done

# sendmail -bv postmaster as part of verify (exec: a real SRC would have
# started the real sendmail): the real binary says it resolves; a binary
# that says "User unknown" fails the run and the files go back.
R=$(host exec bv active "-bd -q30m" -K 1)
run exec "$R" "$D" --verify-bv yes
expect "exec: verify with sendmail -bv exits 0" "$?" 0
check_grepF "exec: verify ran sendmail -bv" "$R/out" 'sendmail -bv postmaster resolves'
cat >"$S/sm-bv-fails" <<EOF2
#!/bin/sh
for a in "\$@"; do [ "\$a" = -bv ] && { echo "postmaster... User unknown"; exit 67; }; done
exec '$SBX' "\$@"
EOF2
chmod +x "$S/sm-bv-fails"
cp "$R/etc/mail/sendmail.cf" "$S/before.cf"
: >"$R/var/mailprov/src/journal"
$MP apply -f "$S/relay2.yaml" --root "$R" --sendmail "$S/sm-bv-fails" --src-backend exec \
    --src-bindir "$R/bin" --verify-port none --verify-bv yes >"$R/out" 2>&1
expect "exec: -bv failure exits 1" "$?" 1
check_grepF "exec: -bv failure: says what sendmail said" "$R/out" 'verify: sendmail -bv postmaster: postmaster... User unknown'
cmp -s "$R/etc/mail/sendmail.cf" "$S/before.cf" && pass "exec: -bv failure: sendmail.cf restored" ||
    fail "exec: -bv failure: sendmail.cf restored"
expect "exec: -bv failure: refresh, then refresh after the rollback" "$(journal "$R")" \
    "refresh -s sendmail;refresh -s sendmail;"

rm -rf "$S"
exit $((fails > 0))
