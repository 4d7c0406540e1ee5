#!/bin/bash
# survive_test.sh - mailprovd survives faults of its surroundings.
#
# Each scenario runs the daemon under tests/srcmstr (as daemon_test.sh
# does), injects a fault while it runs, and then checks: the process is
# still there and answers an SRC status, status.json is valid JSON and
# tells the truth (the last run's outcome and error), no managed file was
# half-written, and once the fault is gone the daemon converges (by itself
# or on a refresh).
#
#   1. the desired-state file missing, a directory, a FIFO, empty; then
#      two versions renamed over it in a loop while refreshes come in
#   2. the incoming directory removed, moved away, recreated with mode
#      0777 and fixed: later drops are still taken
#   3. a full state directory (a 64 KiB tmpfs, in a private mount
#      namespace: the whole scenario runs under unshare -m)
#   4. a sendmail that hangs on -bt, with timeout: 2
#   5. a burst of files dropped into incoming at once: the newest valid
#      one wins, the invalid ones are rejected, incoming ends empty, and
#      the daemon's descriptor count and RSS are flat (a leak check)
#
# Environment:
#   LONG=1    scenario 5 drops 5000 files instead of 1000
#   SURVIVE_ONLY=N     run scenario N only (when investigating)
#
# Measured on a 2-core machine: the whole script about 47-55 s with the
# default 1000-file burst (the burst itself 6-14 s); scenario 5 alone with
# LONG=1 about 22-50 s (the burst 13-44 s; fsync-bound, so it
# varies with the disk).
#
# Needs root (namespaces, tmpfs).  No assertion is about timing: waits
# poll for a condition up to a generous deadline only so as not to hang.
set -u
. "$(dirname "$0")/testenv.sh"
# Scenario 3 re-enters this script inside its own mount namespace.
if [ "${1:-}" = --full-inner ]; then
	mp_setup
	S=$2
else
	mp_setup survive
fi
SRCMSTR=$PWD/tests/srcmstr
ONLY=${SURVIVE_ONLY:-}

drop() {	# drop ROOT FILE NAME: written aside, renamed in
	install -m 0600 "$2" "$1/var/mailprov/incoming/.$3.tmp" &&
	    mv "$1/var/mailprov/incoming/.$3.tmp" "$1/var/mailprov/incoming/$3"
}
# Checks made inside a { ... } | srcmstr block run in a subshell whose
# stdout is srcmstr's input: they are noted in a file and reported after.
bnote() { echo "$1" >>"$S/notes"; }
bcheck() {	# bcheck NAME COMMAND...
	local n=$1
	shift
	if "$@"; then bnote "PASS: $n"; else bnote "FAIL: $n"; fi
}
flush_notes() {
	local l
	[ -f "$S/notes" ] || return 0
	while IFS= read -r l; do
		case $l in
		PASS:\ *) pass "${l#PASS: }" ;;
		FAIL:\ *) fail "${l#FAIL: }" ;;
		esac
	done <"$S/notes"
	rm -f "$S/notes"
}
# ask OUT: a status request; returns when its reply is in OUT.
ask() {
	local n
	n=$(grep -c '^END$' "$1" 2>/dev/null)
	echo status
	wait_for 40 ends_above "$1" "${n:-0}"
}
ends_above() { [ "$(grep -c '^END$' "$1" 2>/dev/null)" -gt "$2" ]; }
# block OUT N: the Nth status reply (0 first) in srcmstr's output OUT.
# Long values go on in lines that start with a blank: joined here.
block() {
	awk -v want="$2" 'BEGIN { n = 0 }
	    /^END$/ { if (n == want && l != "") print l; n++; k = 0; l = ""; next }
	    n != want { next }
	    /^ Subsystem / { k = 0; l = "" }
	    { k++ }
	    k > 2 && /^ / { l = l substr($0, 2); next }
	    { if (l != "") print l; l = $0 }' "$1"
}
# alive NAME OUT N: status reply N shows the daemon active.
alive() {
	block "$2" "$3" >"$S/blk"
	check_grep "$1" "$S/blk" "^ mailprovd +[0-9]+ +active$"
}
# jget FILE EXPR: a field of a JSON file (EXPR in Python, d the document).
jget() {
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}
json_ok() {	# json_ok NAME FILE
	if python3 -m json.tool "$2" >/dev/null 2>&1; then pass "$1"; else
		fail "$1" "$(head -c 300 "$2" 2>&1)"; fi
}
jexpect() {	# jexpect NAME FILE EXPR WANT-ERE
	local got
	got=$(jget "$2" "$3")
	if printf '%s\n' "$got" | grep -qE -- "$4"; then pass "$1"; else
		fail "$1" "$3 = '$got', want /$4/"; fi
}
MANAGED="etc/mail/sendmail.cf etc/mail/aliases etc/mail/local-host-names etc/mail/relay-domains"
sums() { (cd "$1" && cksum $MANAGED 2>&1); }
leftovers() { find "$1" \( -name '.*.mailprov.*' -o -name 'check.*' \) -print; }
no_leftovers() {	# no_leftovers NAME ROOT
	local l
	l=$(leftovers "$2")
	if [ -z "$l" ]; then pass "$1"; else fail "$1" "$l"; fi
}
# converged NAME ROOT DESIRED: nothing left to do for DESIRED.
converged() {
	$MP plan -f "$3" --root "$2" --sendmail "$SBX" --src-backend mock >"$S/plan.out" 2>&1
	expect "$1" "$?" 0
}
variant() {	# variant HOST OUT: the example desired state, smart host HOST
	sed "s/^  smart_host: .*/  smart_host: \"[$1]\"/" conf/desired.yaml >"$2"
}
want() {	# want SCENARIO-NUMBER: is it to run?
	[ -z "$ONLY" ] || [ "$ONLY" = "$1" ]
}

variant relay2.example.net "$S/v2.yaml"
variant relay3.example.net "$S/v3.yaml"
printf 'version: 1\nsendmail:\n  smart_hots: x\n' >"$S/bad.yaml"

# ------------------------------------------------------------------ 3
# Runs in its own mount namespace: see below for the outer part.
full_inner() {
	local R V T
	R=$(mp_root full) || exit 1
	V=$R/var/mailprov
	T=$S/full-tmp
	mkdir -p "$T"
	# The state directory (and incoming, which lies in it) on a small
	# tmpfs, with what mp_daemon_root put there.  Room for a run when
	# not filled (a check copy of sendmail.cf alone is 41 KiB).
	cp -a "$V" "$S/full-var"
	mount -t tmpfs -o size=256k,mode=0700 mpstate "$V" || { echo "FAIL: full: mount tmpfs"; exit 1; }
	cp -a "$S/full-var/." "$V/"
	fill() {	# every last byte
		dd if=/dev/zero of="$V/filler$1" bs=4096 2>/dev/null
		dd if=/dev/zero of="$V/filler$1.b" bs=1 2>/dev/null
	}
	{
		ask "$S/full.out"					# 0
		cp "$R/etc/mailprov/desired.yaml" "$T/desired0.yaml"
		sums "$R" >"$T/sums0"
		# A drop while full: written before, renamed in after.
		install -m 0600 "$S/v2.yaml" "$V/incoming/.good.tmp"
		fill 1
		df -k "$V" | tail -1 >"$T/df"
		mv "$V/incoming/.good.tmp" "$V/incoming/good.yaml"
		sleep 2.5
		ask "$S/full.out"					# 1
		bcheck "full: the drop is kept back, not rejected" \
		    test -e "$V/incoming/good.yaml" -a ! -e "$V/incoming/rejected/good.yaml"
		bcheck "full: the desired state stays as it was" \
		    cmp -s "$R/etc/mailprov/desired.yaml" "$T/desired0.yaml"
		# A refresh while full: its status.json cannot be written.
		fill 2
		echo refresh
		ask "$S/full.out"					# 2
		cp "$V/status.json" "$T/during.json"
		sums "$R" >"$T/sums1"
		# Space again: the drop is taken without being asked.
		rm -f "$V"/filler*
		bcheck "full: freed: the drop is taken by itself" \
		    wait_for 30 test ! -e "$V/incoming/good.yaml"
		wait_for 30 grep -q "$(sha256sum "$S/v2.yaml" | cut -c1-64)" "$V/status.json"
		ask "$S/full.out"					# 3
		cp "$V/status.json" "$T/after.json"
		cp -a "$V/history" "$T/history" 2>/dev/null
		ls -A "$V/incoming" | grep -v '^rejected$' >"$T/incoming-left"
		echo stop
		echo wait
	} | timeout 60 "$SRCMSTR" "$MPD" --root "$R" -d >"$S/full.out" 2>"$S/full.log"
	# Whatever the tmpfs holds goes away with this namespace.
	find "$V" -name '.*.mailprov.*' >"$T/leftovers"
	umount "$V"
}
if [ "${1:-}" = --full-inner ]; then
	full_inner
	exit 0
fi

# ------------------------------------------------------------------ 1
if want 1; then
R=$(mp_root desired)
D=$R/etc/mailprov/desired.yaml
O=$S/desired.out
rm -f "$S/notes"
{
	ask "$O"							# 0
	sums "$R" >"$S/d-sums0"
	cp "$D" "$S/d-orig.yaml"
	# a. gone
	rm -f "$D"
	echo refresh
	ask "$O"							# 1
	cp "$R/var/mailprov/status.json" "$S/d-gone.json"
	sums "$R" >"$S/d-sums1"
	# b. a directory in its place
	mkdir "$D"
	echo refresh
	ask "$O"							# 2
	cp "$R/var/mailprov/status.json" "$S/d-dir.json"
	# c. a FIFO: nobody writes it, so an open without O_NONBLOCK hangs
	rmdir "$D"
	mkfifo -m 0600 "$D"
	echo refresh
	ask "$O"							# 3
	cp "$R/var/mailprov/status.json" "$S/d-fifo.json"
	# d. empty
	rm -f "$D"
	: >"$D"
	chmod 0600 "$D"
	echo refresh
	ask "$O"							# 4
	cp "$R/var/mailprov/status.json" "$S/d-empty.json"
	sums "$R" >"$S/d-sums2"
	# e. back
	install -m 0600 "$S/d-orig.yaml" "$D"
	echo refresh
	ask "$O"							# 5
	cp "$R/var/mailprov/status.json" "$S/d-back.json"
	# f. two versions renamed over it in a loop, refreshes meanwhile
	(
		end=$((SECONDS + 4))
		while [ $SECONDS -lt $end ]; do
			cp "$S/v2.yaml" "$D.a" && mv "$D.a" "$D"
			cp "$S/v3.yaml" "$D.b" && mv "$D.b" "$D"
		done
	) >/dev/null 2>&1 &
	loop=$!
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		echo refresh
		sleep 0.25
	done
	wait $loop
	install -m 0600 "$S/v3.yaml" "$D"
	echo refresh
	ask "$O"							# 6
	cp "$R/var/mailprov/status.json" "$S/d-loop.json"
	echo stop
	echo wait
} | timeout 120 "$SRCMSTR" "$MPD" --root "$R" -d >"$O" 2>"$S/desired.log"
flush_notes
alive "desired: running at start" "$O" 0
for c in 1:gone:"No such file or directory" 2:dir:"Is a directory" \
    3:fifo:"" 4:empty:"file is empty"; do
	n=${c%%:*}; r=${c#*:}; w=${r%%:*}; why=${r#*:}
	alive "desired $w: daemon alive, answers status" "$O" "$n"
	block "$O" "$n" >"$S/blk"
	check_grep "desired $w: status says no usable desired state" "$S/blk" \
	    "^Outcome: (no desired state|invalid desired state)$"
	check_fact "desired $w: status names the file${why:+ and the cause}" "$S/blk" \
	    "^Last-error: .*desired.yaml.*${why}"
	json_ok "desired $w: status.json is JSON" "$S/d-$w.json"
	jexpect "desired $w: status.json has the outcome" "$S/d-$w.json" \
	    'd["last_run"]["outcome"]' "^(no desired state|invalid desired state)$"
	jexpect "desired $w: status.json has the error" "$S/d-$w.json" \
	    'd["last_run"]["error"]' "desired.yaml.*${why}"
done
cmp -s "$S/d-sums0" "$S/d-sums1" && cmp -s "$S/d-sums0" "$S/d-sums2" &&
    pass "desired gone/dir/fifo/empty: managed files untouched" ||
    fail "desired gone/dir/fifo/empty: managed files untouched" "$(diff "$S/d-sums0" "$S/d-sums2")"
check_nogrep "desired: no request went unanswered" "$O" "^timeout$"
alive "desired restored: alive" "$O" 5
jexpect "desired restored: converged again" "$S/d-back.json" 'd["last_run"]["outcome"]' '^(converged|changed)$'
jexpect "desired restored: no error" "$S/d-back.json" 'd["last_run"]["error"]' '^$'
jexpect "desired restored: sha256 of the file" "$S/d-back.json" 'd["desired_sha256"]' \
    "^$(sha256sum "$S/d-orig.yaml" | cut -c1-64)$"
alive "desired renamed in a loop: alive" "$O" 6
n=$(grep -c '^reply ' "$O")
bad=$(grep '^reply ' "$O" | grep -v '^reply 0$' | grep -vc 'desired.yaml')
[ "$n" -ge 21 ] && [ "$bad" -eq 0 ] && pass "desired renamed in a loop: every refresh answered, no failed run" ||
    fail "desired renamed in a loop: every refresh answered, no failed run" "$n replies: $(grep '^reply ' "$O" | sort | uniq -c | head -5)"
json_ok "desired renamed in a loop: status.json is JSON" "$S/d-loop.json"
jexpect "desired renamed in a loop: the last version is in force" "$S/d-loop.json" \
    'd["desired_sha256"] + " " + d["last_run"]["outcome"]' \
    "^$(sha256sum "$S/v3.yaml" | cut -c1-64) (converged|changed)$"
grep -qx 'DS\[relay3.example.net\]' "$R/etc/mail/sendmail.cf" &&
    pass "desired renamed in a loop: sendmail.cf follows the last version" ||
    fail "desired renamed in a loop: sendmail.cf follows the last version" "$(grep '^DS' "$R/etc/mail/sendmail.cf")"
converged "desired renamed in a loop: nothing left to do" "$R" "$S/v3.yaml"
no_leftovers "desired: no temporary file left" "$R"
check_grep "desired: clean exit" "$O" "^exit 0$"
fi

# ------------------------------------------------------------------ 2
if want 2; then
R=$(mp_root incoming)
I=$R/var/mailprov/incoming
O=$S/incoming.out
rm -f "$S/notes"
for k in 1 2 3 4 5 6; do variant "in$k.example.net" "$S/in$k.yaml"; done
taken() { [ ! -e "$I/$1" ] && cmp -s "$R/etc/mailprov/desired.yaml" "$2"; }
{
	ask "$O"							# 0
	# removed, recreated at once, several times
	for k in 1 2 3; do
		rm -rf "$I"
		mkdir -p "$I"
		chmod 0700 "$I"
		sleep 0.3
		drop "$R" "$S/in$k.yaml" in$k.yaml
		bcheck "incoming removed and recreated ($k): the next drop is taken" \
		    wait_for 30 taken in$k.yaml "$S/in$k.yaml"
	done
	# removed and left for the daemon to make again
	rm -rf "$I"
	wait_for 30 test -d "$I"
	bcheck "incoming removed: the daemon makes it again, 0700" \
	    test "$(stat -c %a "$I" 2>/dev/null)" = 700
	drop "$R" "$S/in4.yaml" in4.yaml
	bcheck "incoming remade by the daemon: the next drop is taken" \
	    wait_for 30 taken in4.yaml "$S/in4.yaml"
	# moved away, recreated with mode 0777: nothing taken until fixed
	mv "$I" "$I.old"
	mkdir -p "$I"
	chmod 0777 "$I"
	sleep 0.5
	chmod 0777 "$I"
	drop "$R" "$S/in5.yaml" in5.yaml
	sleep 2.5
	bcheck "incoming recreated 0777: nothing taken from it" \
	    test -e "$I/in5.yaml"
	bcheck "incoming recreated 0777: the desired state stays" \
	    cmp -s "$R/etc/mailprov/desired.yaml" "$S/in4.yaml"
	ask "$O"							# 1
	chmod 0700 "$I"
	sleep 1.2
	drop "$R" "$S/in6.yaml" in6.yaml
	bcheck "incoming fixed to 0700: the older drop is taken" \
	    wait_for 30 test ! -e "$I/in5.yaml"
	bcheck "incoming fixed to 0700: the newer drop wins" \
	    wait_for 30 taken in6.yaml "$S/in6.yaml"
	ask "$O"							# 2
	cp "$R/var/mailprov/status.json" "$S/in.json"
	echo stop
	echo wait
} | timeout 120 "$SRCMSTR" "$MPD" --root "$R" -d >"$O" 2>"$S/incoming.log"
flush_notes
alive "incoming 0777: daemon alive" "$O" 1
alive "incoming: daemon alive at the end" "$O" 2
block "$O" 2 >"$S/blk"
check_grep "incoming: status counts the six drops" "$S/blk" "^Incoming: accepted 6, rejected 0"
check_grep "incoming 0777: refusal logged" "$S/incoming.log" "writable by others or not owned by root: not scanned"
json_ok "incoming: status.json is JSON" "$S/in.json"
jexpect "incoming: status.json counts the six drops" "$S/in.json" 'd["incoming_accepted"]' '^6$'
jexpect "incoming: status.json: the last run converged" "$S/in.json" 'd["last_run"]["outcome"]' '^(changed|converged)$'
grep -qx 'DS\[in6.example.net\]' "$R/etc/mail/sendmail.cf" &&
    pass "incoming: sendmail.cf follows the last drop" ||
    fail "incoming: sendmail.cf follows the last drop" "$(grep '^DS' "$R/etc/mail/sendmail.cf")"
converged "incoming: nothing left to do" "$R" "$S/in6.yaml"
check_grep "incoming: clean exit" "$O" "^exit 0$"
fi

# ------------------------------------------------------------------ 3
if want 3; then
rm -rf "$S/full" "$S/full-var" "$S/full-tmp" "$S/notes"
unshare -m --propagation private bash "$0" --full-inner "$S"
flush_notes
T=$S/full-tmp
O=$S/full.out
R=$S/full
[ -s "$T/df" ] && [ "$(awk '{ print $4 }' "$T/df")" -eq 0 ] && pass "full: the state directory was full" ||
    fail "full: the state directory was full" "$(cat "$T/df" 2>/dev/null)"
alive "full: daemon alive while full" "$O" 1
check_grep "full: the kept-back drop is logged" "$S/full.log" \
    "incoming: kept good.yaml for the next scan: cannot keep the previous desired state in the history: No space left on device"
alive "full: daemon alive after a refresh while full" "$O" 2
block "$O" 2 >"$S/blk"
check_fact "full: status: status.json could not be written" "$S/blk" \
    "^Status-file: cannot write .*status.json: No space left on device$"
check_grep "full: status.json failure is logged" "$S/full.log" "cannot write .*status.json: No space left on device"
json_ok "full: status.json stays whole while full" "$T/during.json"
cmp -s "$T/sums0" "$T/sums1" && pass "full: managed files untouched while full" ||
    fail "full: managed files untouched while full" "$(diff "$T/sums0" "$T/sums1")"
alive "full: alive after space was freed" "$O" 3
block "$O" 3 >"$S/blk"
check_grep "full: freed: status: status.json written again" "$S/blk" "^Status-file: written$"
check_grep "full: freed: status: the drop was taken" "$S/blk" "^Incoming: accepted 1, rejected 0"
json_ok "full: freed: status.json is JSON" "$T/after.json"
jexpect "full: freed: status.json: converged on the dropped desired state" "$T/after.json" \
    'd["desired_sha256"] + " " + d["last_run"]["outcome"] + " [" + d["last_run"]["error"] + "]"' \
    "^$(sha256sum "$S/v2.yaml" | cut -c1-64) (changed|converged) \[\]$"
cmp -s "$R/etc/mailprov/desired.yaml" "$S/v2.yaml" && pass "full: freed: the drop is the desired state" ||
    fail "full: freed: the drop is the desired state"
h=$(ls "$T/history" 2>/dev/null | tail -1)
[ -n "$h" ] && cmp -s "$T/history/$h" "$T/desired0.yaml" &&
    pass "full: freed: the previous desired state is in the history" ||
    fail "full: freed: the previous desired state is in the history" "$(ls -la "$T/history" 2>&1)"
[ ! -s "$T/incoming-left" ] && pass "full: freed: incoming is empty" ||
    fail "full: freed: incoming is empty" "$(cat "$T/incoming-left")"
grep -qx 'DS\[relay2.example.net\]' "$R/etc/mail/sendmail.cf" &&
    pass "full: freed: sendmail.cf follows the drop" ||
    fail "full: freed: sendmail.cf follows the drop" "$(grep '^DS' "$R/etc/mail/sendmail.cf")"
[ ! -s "$T/leftovers" ] && no_leftovers "full: no temporary file left" "$R" ||
    fail "full: no temporary file left" "$(cat "$T/leftovers")"
check_grep "full: clean exit" "$O" "^exit 0$"
fi

# ------------------------------------------------------------------ 4
if want 4; then
R=$(mp_root hang)
O=$S/hang.out
C=$R/etc/mailprov/mailprovd.conf
H=$S/hang-sendmail
# -bt hangs, with a grandchild, so a kill of the child alone would leave one.
cat >"$H" <<EOF
#!/bin/sh
for a; do [ "\$a" = -bt ] && { sleep 7919; exit 0; }; done
exec $SBX "\$@"
EOF
chmod 0755 "$H"
cp "$C" "$S/hang-good.conf"
sed "s#^sendmail: .*#sendmail: $H#" "$C" >"$S/hang-bad.conf"
echo 'timeout: 2' >>"$S/hang-bad.conf"
rm -f "$S/notes"
{
	ask "$O"							# 0
	install -m 0600 "$S/hang-bad.conf" "$C"
	echo refresh
	ask "$O"							# 1
	sums "$R" >"$S/h-sums0"
	cp "$R/etc/mailprov/desired.yaml" "$S/h-desired0.yaml"
	drop "$R" "$S/v2.yaml" v2.yaml
	wait_for 20 pgrep -f 'sleep 7919' >/dev/null
	bcheck "hang: the hanging -bt runs" pgrep -f 'sleep 7919'
	ask "$O"							# 2: during
	wait_for 20 test ! -e "$R/var/mailprov/incoming/v2.yaml"
	ask "$O"							# 3: after
	pid=$(jget "$R/var/mailprov/status.json" 'd["pid"]')
	bcheck "hang: no sendmail left running" test -z "$(pgrep -f 'sleep 7919')"
	bcheck "hang: the daemon has no child left" test -z "$(pgrep -P "$pid")"
	cp "$R/var/mailprov/status.json" "$S/h-after.json"
	sums "$R" >"$S/h-sums1"
	install -m 0600 "$S/hang-good.conf" "$C"
	echo refresh
	ask "$O"							# 4
	cp "$R/var/mailprov/status.json" "$S/h-fixed.json"
	echo stop
	echo wait
} | timeout 120 "$SRCMSTR" "$MPD" --root "$R" -d >"$O" 2>"$S/hang.log"
flush_notes
check_nogrep "hang: no request went unanswered" "$O" "^timeout$"
for n in 2 3; do alive "hang: daemon alive, answers status ($n)" "$O" $n; done
block "$O" 3 >"$S/blk"
check_grep "hang: status: the run failed" "$S/blk" "^Outcome: failed$"
check_fact "hang: status: did not finish within 2 s" "$S/blk" "^Last-error: .*did not finish within 2 s"
json_ok "hang: status.json is JSON" "$S/h-after.json"
jexpect "hang: status.json: failed, with the reason" "$S/h-after.json" \
    'd["last_run"]["outcome"] + ": " + d["last_run"]["error"]' "^failed: .*did not finish within 2 s"
cmp -s "$S/h-sums0" "$S/h-sums1" && pass "hang: managed files unchanged" ||
    fail "hang: managed files unchanged" "$(diff "$S/h-sums0" "$S/h-sums1")"
cmp -s "$R/etc/mailprov/desired.yaml" "$S/v2.yaml" && pass "hang: the dropped desired state is kept" ||
    fail "hang: the dropped desired state is kept"
alive "hang fixed: alive" "$O" 4
jexpect "hang fixed: refresh converges" "$S/h-fixed.json" \
    'd["last_run"]["outcome"] + " [" + d["last_run"]["error"] + "]"' '^(changed|converged) \[\]$'
grep -qx 'DS\[relay2.example.net\]' "$R/etc/mail/sendmail.cf" &&
    pass "hang fixed: sendmail.cf follows the drop" ||
    fail "hang fixed: sendmail.cf follows the drop" "$(grep '^DS' "$R/etc/mail/sendmail.cf")"
converged "hang fixed: nothing left to do" "$R" "$S/v2.yaml"
no_leftovers "hang: no temporary file left" "$R"
check_grep "hang: clean exit" "$O" "^exit 0$"
fi

# ------------------------------------------------------------------ 5
if want 5; then
N=1000
[ "${LONG:-0}" = 1 ] && N=5000
R=$(mp_root burst)
I=$R/var/mailprov/incoming
G=$R/var/mailprov/stage	# same file system as incoming: mv is a rename
O=$S/burst.out
rm -f "$S/notes"
# N files, file i with mtime base + i microseconds (all in one second, so
# only the nanoseconds order them), named in a shuffled order so that the
# name order is not the mtime order.  Every ninth and the newest are
# invalid: the winner is the newest valid one.
mkdir -m 0700 "$G"
python3 - "$G" "$N" "$S" conf/desired.yaml <<'PY' || fail "burst: files made"
import os, sys, time
g, n, s, tmpl = sys.argv[1], int(sys.argv[2]), sys.argv[3], open(sys.argv[4]).read()
base = (int(time.time()) - 100) * 10**9
order, bad = [], []
for i in range(1, n + 1):
    name = "f%04d.yaml" % ((i * 7919) % n)
    invalid = i % 9 == 4 or i == n
    text = ("version: 1\nsendmail:\n  smart_hots: b%d\n" % i if invalid else
        tmpl.replace('"[smtprelay.example.net]"', '"[b%d.example.net]"' % i))
    with open(os.path.join(g, name), "w") as f:
        f.write(text)
    os.chmod(os.path.join(g, name), 0o600)
    os.utime(os.path.join(g, name), ns=(base + i * 1000, base + i * 1000))
    order.append(name)
    if invalid:
        bad.append(name)
    else:
        win, wintext = i, text
open(os.path.join(s, "burst-winner.yaml"), "w").write(wintext)
open(os.path.join(s, "burst-win"), "w").write("%d\n" % win)
open(os.path.join(s, "burst-order"), "w").write("\n".join(order) + "\n")
open(os.path.join(s, "burst-bad"), "w").write("\n".join(bad) + "\n")
PY
NBAD=$(grep -c . "$S/burst-bad")
WIN=$(cat "$S/burst-win")
variant pre.example.net "$S/pre.yaml"
settled() { [ -z "$(ls -A "$I" | grep -v '^rejected$')" ] &&
    [ "$(jget "$R/var/mailprov/status.json" 'd["incoming_accepted"] + d["incoming_rejected"]')" = "$((N + 1))" ]; }
{
	ask "$O"							# 0
	# One drop first, so that everything a drop touches has been used.
	drop "$R" "$S/pre.yaml" pre.yaml
	wait_for 30 test ! -e "$I/pre.yaml"
	ask "$O"							# 1
	pid=$(jget "$R/var/mailprov/status.json" 'd["pid"]')
	ls "/proc/$pid/fd" | wc -l >"$S/fd0"
	awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" >"$S/rss0"
	t0=$(date +%s.%N)
	(cd "$G" && xargs -a "$S/burst-order" mv -t "$I")
	t1=$(date +%s.%N)
	bcheck "burst: all $N files processed" wait_for 300 settled
	t2=$(date +%s.%N)
	ask "$O"							# 2
	ls "/proc/$pid/fd" | wc -l >"$S/fd1"
	awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" >"$S/rss1"
	echo "$t0 $t1 $t2" >"$S/burst-times"
	cp "$R/var/mailprov/status.json" "$S/burst.json"
	echo stop
	echo wait
} | SRCMSTR_SAFETY=400 timeout 420 "$SRCMSTR" "$MPD" --root "$R" -d >"$O" 2>"$S/burst.log"
flush_notes
read -r t0 t1 t2 <"$S/burst-times"
echo "# burst of $N files ($NBAD invalid): dropped in $(echo "$t1 - $t0" | bc) s, all processed $(echo "$t2 - $t0" | bc) s after the first"
alive "burst: daemon alive after the burst" "$O" 2
cmp -s "$R/etc/mailprov/desired.yaml" "$S/burst-winner.yaml" &&
    pass "burst: the newest valid file (by mtime, not name) is the desired state" ||
    fail "burst: the newest valid file (by mtime, not name) is the desired state" \
    "$(grep smart_host "$R/etc/mailprov/desired.yaml")"
grep -qx "DS\[b$WIN.example.net\]" "$R/etc/mail/sendmail.cf" &&
    pass "burst: sendmail.cf follows the winner" ||
    fail "burst: sendmail.cf follows the winner" "$(grep '^DS' "$R/etc/mail/sendmail.cf")"
missing=0
while read -r f; do
	[ -f "$I/rejected/$f" ] && [ -s "$I/rejected/$f.err" ] || missing=$((missing + 1))
done <"$S/burst-bad"
expect "burst: every invalid file is in rejected/ with its .err" "$missing" 0
expect "burst: nothing else is in rejected/" "$(ls "$I/rejected" | grep -vc '\.err$')" "$NBAD"
expect "burst: incoming is empty" "$(ls -A "$I" | grep -v '^rejected$' | wc -l)" 0
block "$O" 2 >"$S/blk"
check_grep "burst: status counts them" "$S/blk" "^Incoming: accepted $((N + 1 - NBAD)), rejected $NBAD "
json_ok "burst: status.json is JSON" "$S/burst.json"
jexpect "burst: status.json: converged on the winner" "$S/burst.json" \
    'd["desired_sha256"] + " " + d["last_run"]["outcome"]' \
    "^$(sha256sum "$S/burst-winner.yaml" | cut -c1-64) (changed|converged)$"
[ "$(ls "$R/var/mailprov/history" | wc -l)" -le 20 ] && pass "burst: the history is pruned to 20" ||
    fail "burst: the history is pruned to 20" "$(ls "$R/var/mailprov/history" | wc -l)"
fd0=$(cat "$S/fd0"); fd1=$(cat "$S/fd1"); rss0=$(cat "$S/rss0"); rss1=$(cat "$S/rss1")
echo "# burst: descriptors $fd0 before, $fd1 after; VmRSS $rss0 kB before, $rss1 kB after"
expect "burst: no descriptor leaked" "$fd1" "$fd0"
# Under ASan freed memory sits in its quarantine, so RSS says nothing
# about leaks there (LeakSanitizer and valgrind_test.sh check those).
if nm -D "$MPD" 2>/dev/null | grep -q __asan_init || ldd "$MPD" 2>/dev/null | grep -q libasan; then
	echo "# burst: RSS bound not checked in an ASan build"
else
	[ -n "$rss0" ] && [ -n "$rss1" ] && [ "$rss1" -le $((rss0 + 2048)) ] &&
	    pass "burst: RSS flat (within 2 MiB)" || fail "burst: RSS flat (within 2 MiB)" "$rss0 kB -> $rss1 kB"
fi
converged "burst: nothing left to do" "$R" "$S/burst-winner.yaml"
no_leftovers "burst: no temporary file left" "$R"
check_grep "burst: clean exit" "$O" "^exit 0$"
fi

[ -n "$ONLY" ] || rm -rf "$S"
exit $((fails > 0))
