#!/bin/bash
# fault_test.sh - fault injection at every call site of an apply that
# changes all four managed files (sendmail.cf, local-host-names,
# relay-domains, aliases).
#
# A counting run of `mailprov apply` under the LD_PRELOAD shim
# tests/faultinj.so lists every open (open, openat, mkstemp, mkdtemp),
# write, fsync and rename it makes under the test root.  Then, for each of
# them in turn, a fresh copy of the same root is applied with that one
# call failing (open: EACCES, write: ENOSPC, fsync: EIO, rename: EIO).
# Then each sendmail command the apply runs is made to hang in turn
# (--timeout 2).  After every fault: exit 1, a message naming the step
# and the file, every managed file byte-identical to before, no temporary
# file or check directory left, and the next apply converges to the same
# bytes as an apply that met no fault.  A fault in the retention of
# generations, which runs once the apply has settled, is a warning: exit
# 0, the files as desired, nothing left to do.
#
# FAULT_ONLY=KIND limits the run to one kind (open, write, fsync, rename,
# hang) when investigating.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup fault
SHIM=$PWD/tests/out/faultinj.so
# An ASan build checks that its runtime comes first; the shim only wraps.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

cc -shared -fPIC -O1 -o "$SHIM" tests/faultinj.c -ldl ||
    { echo "FAIL: cannot build the fault shim"; exit 1; }

MANAGED="etc/mail/sendmail.cf etc/mail/local-host-names etc/mail/relay-domains etc/mail/aliases"

# The pristine root: an m4-built cf, and all four files present with
# content the desired state changes.
P=$S/pristine
mkdir -p "$P/etc/mail"
sh tests/mkcf.sh tests/fixtures/m4-aix.mc "$P/etc/mail/sendmail.cf" || exit 1
printf 'localhost\nold.example.net\n' >"$P/etc/mail/local-host-names"
printf 'old.example.net\n' >"$P/etc/mail/relay-domains"
printf '# local aliases\npostmaster: root\nops: carol\nold: x\n' >"$P/etc/mail/aliases"
D=$S/desired.yaml
sed 's#^  config: /etc/mail/sendmail.cf#  config: /etc/mail/sendmail.cf#' conf/desired.yaml |
    awk '/^service:/ { skip = 1; next } /^[a-z]/ { skip = 0 } !skip' >"$D"
R=$S/run	# every run uses this path, so call sequences match

fresh() { rm -rf "$R" && cp -a "$P" "$R"; }
sums() { (cd "$1" && cksum $MANAGED 2>&1); }
leftovers() { (cd "$R" && find . \( -name '.*.mailprov.*' -o -name 'check.*' \) -print); }

# The reference: an apply that meets no fault.
fresh
$MP apply -f "$D" --root "$R" --sendmail "$SBX" >"$S/ref.out" 2>&1
expect "reference apply exits 0" "$?" 0
WANT=$(sums "$R")
BEFORE=$(sums "$P")
[ "$WANT" != "$BEFORE" ] && [ "$(printf '%s\n' "$WANT" | wc -l)" -eq 4 ] &&
    ! printf '%s\n' "$BEFORE" | grep -qxF -f <(printf '%s\n' "$WANT") &&
    pass "the reference apply changes all four files" ||
    fail "the reference apply changes all four files" "$WANT"

# The counting run.
fresh
rm -f "$S/calls"
FAULT_PREFIX=$R FAULT_LOG=$S/calls LD_PRELOAD=$SHIM \
    $MP apply -f "$D" --root "$R" --sendmail "$SBX" >"$S/count.out" 2>&1
expect "the counting run exits 0 (the shim alone changes nothing)" "$?" 0
expect "the counting run gives the reference result" "$(sums "$R")" "$WANT"

injected=0
survived=0
# one KIND N ERRNO MESSAGE-PATTERN
one() {
	local kind=$1 n=$2 err=$3 name out rc hit
	fresh
	rm -f "$S/hit"
	FAULT_PREFIX=$R FAULT_KIND=$kind FAULT_NTH=$n FAULT_ERRNO=$err \
	    FAULT_HIT=$S/hit LD_PRELOAD=$SHIM \
	    $MP apply -f "$D" --root "$R" --sendmail "$SBX" >"$S/one.out" 2>&1
	rc=$?
	hit=$(cat "$S/hit" 2>/dev/null)
	name="$kind #$n (${hit#* * })"
	injected=$((injected + 1))
	echo "--- $name: exit $rc" >>"$S/faults.log"
	cat "$S/one.out" >>"$S/faults.log"
	case $rc:$hit in
	0:*/var/mailprov/generations/*)
		check_settled "$name" "$S/one.out" ;;
	*)	check_after "$name" "$rc" "$S/one.out" "$4" ;;
	esac
}

# check_settled NAME OUTFILE: a fault in the retention, which reads the
# generations once the run has settled (its files written, its generation
# recorded, the marker gone), is not the run's: it exits 0 with the files
# as desired and says the cause as a warning, and nothing is deleted.
check_settled() {
	local name=$1 ok=1
	grep -q '^mailprov: recorded generation ' "$2" ||
	    { fail "$name: a fault after the record only" "$(tail -2 "$2" | tr '\n' ' ')"; ok=0; }
	grep -qE '^mailprov: .*/var/mailprov/generations/.*: (Permission denied|No space left on device|Input/output error); no kept bytes are deleted' "$2" ||
	    { fail "$name: the retention's fault is a warning naming the file" "$(tail -2 "$2" | tr '\n' ' ')"; ok=0; }
	[ "$(sums "$R")" = "$WANT" ] || { fail "$name: the files as desired" "$(sums "$R" | tr '\n' ' ')"; ok=0; }
	[ ! -e "$R/var/mailprov/applying" ] || { fail "$name: the run settled (no marker)"; ok=0; }
	[ -z "$(leftovers)" ] || { fail "$name: no temporary file left" "$(leftovers | tr '\n' ' ')"; ok=0; }
	[ "$(next_apply 2>&1)" = "mailprov: no changes" ] ||
	    { fail "$name: the next apply has nothing to do"; ok=0; }
	if [ $ok -eq 1 ]; then
		survived=$((survived + 1))
		pass "$name: after the run settled: a warning, files as desired"
	fi
	return 0
}

# check_after NAME RC OUTFILE PATTERN [OK]: the assertions every fault
# gets (OK 0: an extra check of the caller's failed already).  The next
# apply is `next_apply`, which must give the sums $CONVERGED.
next_apply() { $MP apply -f "$D" --root "$R" --sendmail "$SBX"; }
CONVERGED=$WANT
check_after() {
	local name=$1 ok=${5:-1} msg
	[ "$2" -eq 1 ] || { fail "$name: exit 1" "exit $2: $(tail -2 "$3" | tr '\n' ' ')"; ok=0; }
	msg=$(grep -E '^mailprov: apply: ' "$3" | head -1)
	if ! printf '%s\n' "$msg" | grep -qE "$4"; then
		fail "$name: the message names the step and file" "${msg:-$(tail -1 "$3")}"
		ok=0
	fi
	[ "$(sums "$R")" = "$BEFORE" ] || { fail "$name: managed files as before" "$(sums "$R" | tr '\n' ' ')"; ok=0; }
	[ -z "$(leftovers)" ] || { fail "$name: no temporary file left" "$(leftovers | tr '\n' ' ')"; ok=0; }
	next_apply >"$S/next.out" 2>&1 ||
	    { fail "$name: the next apply succeeds" "$(tail -2 "$S/next.out")"; ok=0; }
	[ "$(sums "$R")" = "$CONVERGED" ] || { fail "$name: the next apply converges" ""; ok=0; }
	if [ $ok -eq 1 ]; then
		survived=$((survived + 1))
		pass "$name: refused, files as before, next apply converges"
	fi
	return 0
}

# Each call site in turn, with the errno the issue names for its kind.
errno_of() { case $1 in open) echo 13 ;; write) echo 28 ;; fsync|rename) echo 5 ;; esac; }
text_of() { case $1 in open) echo 'Permission denied' ;; write) echo 'No space left on device' ;; *) echo 'Input/output error' ;; esac; }
STEP='(cannot read|cannot write|reading|writing|backing up|lock|check cop|check directory|rebuilding)'
FILE='(/etc/mail/(sendmail\.cf|local-host-names|relay-domains|aliases)|/var/mailprov|/etc/mailprov/mailprovd\.conf)'
: >"$S/faults.log"
for kind in open write fsync rename; do
	[ -n "${FAULT_ONLY:-}" ] && [ "$FAULT_ONLY" != "$kind" ] && continue
	total=$(grep -c "^$kind " "$S/calls")
	[ "$total" -gt 0 ] || fail "$kind: the counting run saw calls of this kind"
	for n in $(seq 1 "$total"); do
		one "$kind" "$n" "$(errno_of $kind)" "$STEP.*$FILE.*$(text_of $kind)|$FILE.*$STEP.*$(text_of $kind)"
	done
done

# Each sendmail command of an apply that also manages the service (mock
# SRC, -bv verification) hangs in turn: --timeout 2 ends it.  The wrapper
# counts its calls in a file: children get a clean environment.
Q=$S/svc-pristine
rm -rf "$Q" && cp -a "$P" "$Q"
mkdir -p "$Q/var/mailprov/src"
printf 'defined=1\nstate=active\npid=4242\ngroup=mail\npath=/usr/lib/sendmail\nargs=-bd -q30m\ncontact=-K\nboot=1\n' \
    >"$Q/var/mailprov/src/sendmail.rec"
DS=$S/desired-svc.yaml
sed 's/^  persist: true/  persist: false/' conf/desired.yaml >"$DS"
# hanger AT: a sendmail that hangs on its AT-th call (0: never).
hanger() {
	cat >"$S/sm-hang" <<EOF2
#!/bin/sh
n=\$((\$(cat '$S/sm-calls' 2>/dev/null || echo 0) + 1))
echo \$n >'$S/sm-calls'
echo "\$n \$*" >>'$S/sm-log'
[ \$n -eq $1 ] && { echo \$\$ >'$S/hung.pid'; exec sleep 300; }
exec '$SBX' "\$@"
EOF2
	chmod +x "$S/sm-hang"
	rm -f "$S/sm-calls" "$S/sm-log" "$S/hung.pid"
}
# hung_alive: the sleep the hanger became still runs (its own pid, so that
# other sleeps on the machine, other test runs' included, do not count).
hung_alive() {
	local p
	p=$(cat "$S/hung.pid" 2>/dev/null) || return 1
	[ "$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")" = "sleep 300 " ]
}
svc_apply() {
	$MP apply -f "$DS" --root "$R" --sendmail "$S/sm-hang" --src-backend mock \
	    --verify-bv yes --timeout 2 "$@"
}
rm -rf "$R" && cp -a "$Q" "$R"
hanger 0
svc_apply >"$S/svcref.out" 2>&1
expect "service reference apply exits 0" "$?" 0
SVCWANT=$(sums "$R")
calls=$(wc -l <"$S/sm-log")
grep -q -- '-bt$' "$S/sm-log" && grep -q -- ' -bi ' "$S/sm-log" && grep -q -- '-bv postmaster' "$S/sm-log" &&
    pass "the service apply runs sendmail -bt, -bi and -bv" || fail "the service apply runs sendmail -bt, -bi and -bv" "$(cat "$S/sm-log")"
next_apply() { hanger 0; svc_apply; }
CONVERGED=$SVCWANT
if [ -z "${FAULT_ONLY:-}" ] || [ "$FAULT_ONLY" = hang ]; then
	for n in $(seq 1 "$calls"); do
		what=$(sed -n "${n}p" "$S/sm-log" | grep -oE -- '-b[a-z]')
		rm -rf "$R" && cp -a "$Q" "$R"
		hanger "$n"
		start=$(date +%s)
		svc_apply >"$S/one.out" 2>&1
		rc=$?
		injected=$((injected + 1))
		name="hang of sendmail $what (call $n)"
		ok=1
		if hung_alive; then
			fail "$name: the hung command was killed"
			ok=0
			kill "$(cat "$S/hung.pid")"
		fi
		grep -q '^state=active' "$R/var/mailprov/src/sendmail.rec" ||
		    { fail "$name: the subsystem is back as it was" "$(cat "$R/var/mailprov/src/sendmail.rec")"; ok=0; }
		check_after "$name" "$rc" "$S/one.out" \
		    'sendmail -b[tiv]( postmaster)? did not finish within 2 s; it was killed' "$ok"
		echo "--- $name: exit $rc, $(($(date +%s) - start)) s" >>"$S/faults.log"
		cat "$S/one.out" >>"$S/faults.log"
	done
fi

echo "faults: $injected injected, $survived survived (details in $S/faults.log)"
expect "every injected fault was survived" "$survived" "$injected"
exit 0
