#!/bin/bash
# valgrind_test.sh - memcheck over real runs of mailprov and mailprovd.
#
# The binaries under test are built here, not taken from daemon/: a copy
# of the Makefile, lib/ and daemon/ in tests/out/vg/src is built with
# CFLAGS='-O1 -g -gdwarf-4' (valgrind 3.19 cannot read gcc 12's default
# DWARF 5) and without SANITIZE (ASan and valgrind do not mix).  So this
# test runs the same way under `make check` and `make check SANITIZE=1`,
# and never leaves objects of another kind in the tree.
#
# 1. mailprov under memcheck: an apply that changes all four files of an
#    m4-built sendmail.cf host, the no-op apply after it, plan, validate
#    of two bad files (unknown key, broken YAML), two rollbacks (the alias
#    rebuild fails; the port check after a refresh fails), a candidate
#    sendmail rejects, the SRC steps with the mock and the exec backends,
#    and status.
# 2. mailprovd under memcheck, not under SRC (-d): a soak of N reconciles
#    (SIGHUP refreshes, new intent in desired.yaml, drift repaired on
#    disk, good and bad files dropped in incoming/), then SIGTERM; and a
#    short run under tests/srcmstr (status, refresh, trace, stop).
#
# Each run must end with no memcheck error, no definitely lost block and
# no descriptor left open that it did not inherit; the soak must count
# exactly N runs, the expected drift repairs and intent changes, no
# failure, and as many open descriptors after the last run as after the
# first.  Children (sendmail, the fake AIX commands) are not traced; the
# logs of forked children before their exec are checked like the rest.
#
# No suppression file: with libyaml, glibc and the libcrypto the digest
# child loads, memcheck reports nothing to suppress on Debian 12.
#
# N is 50 by default; LONG=1 (environment or `make check LONG=1`) makes
# it 1000; VG_RECONCILES=N sets it outright.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup
N=50
[ "${LONG:-0}" = 1 ] && N=1000
N=${VG_RECONCILES:-$N}

command -v valgrind >/dev/null 2>&1 || { fail "valgrind is installed" "run tests/deps.sh"; exit 1; }
S=$(mp_scratch valgrind) || { echo "FAIL: no scratch directory"; exit 1; }
t0=$(date +%s)

# -------------------------------------------------------------- build
B=$PWD/tests/out/vg
rm -rf "$B"
mkdir -p "$B/src/lib/compat" "$B/src/daemon"
cp Makefile "$B/src/"
cp lib/*.[ch] "$B/src/lib/"
cp lib/compat/*.[ch] "$B/src/lib/compat/"
cp daemon/*.c "$B/src/daemon/"
# A clean environment for the inner make: no SANITIZE, CFLAGS or the like
# from an outer `make check ...` (it passes them in MAKEFLAGS and the
# environment).
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE -u CFLAGS -u LDFLAGS \
    make -C "$B/src" -s -j2 CFLAGS='-O1 -g -gdwarf-4' SANITIZE= \
    daemon/mailprov daemon/mailprovd >"$S/build.log" 2>&1; then
	pass "valgrind build: -O1 -g -gdwarf-4, not sanitized"
else
	fail "valgrind build: -O1 -g -gdwarf-4, not sanitized" "$(tail -5 "$S/build.log")"
	exit 1
fi
MP=$B/src/daemon/mailprov
MPD=$B/src/daemon/mailprovd

VGOPTS="--tool=memcheck --error-exitcode=99 --leak-check=full
 --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-fds=yes
 --num-callers=30"
L=$S/logs
mkdir -p "$L"

# vgcheck NAME: the memcheck logs of run NAME (one per process); prints
# what is wrong, nothing when all is well.
vgcheck() {
	local f bad= pids ppid fds
	set -- "$L/$1".*.log
	[ -e "$1" ] || { echo "no valgrind log"; return; }
	grep -l 'ERROR SUMMARY: ' "$@" >/dev/null ||
	    { echo "no process ran to its end under valgrind"; return; }
	pids=" $(sed -n 's/^==\([0-9]*\)== Command: .*/\1/p' "$@" | tr '\n' ' ')"
	for f in "$@"; do
		if grep -qE '== (Invalid (read|write|free)|Conditional jump|Use of uninitialised|Syscall param|Mismatched free|Source and destination overlap|Argument .* of function)' "$f" ||
		    grep -qE 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]' "$f"; then
			bad="$bad $(basename "$f"): $(grep -E '== [A-Z]|lost:' "$f" | head -8 | tr '\n' ' ')"
		fi
		# Every descriptor open at exit must be one the process inherited;
		# not asked of a forked child that ends without exec (it holds
		# copies of its parent's, which the parent's own log accounts for).
		ppid=$(sed -n 's/^==[0-9]*== Parent PID: \([0-9]*\)$/\1/p' "$f")
		case $pids in *" $ppid "*) continue ;; esac
		fds=$(awk '/== Open (file descriptor|AF_[A-Z0-9]+ socket)/ { p = $0; next }
		    p != "" { if ($0 !~ /inherited from parent/) print p; p = "" }' "$f")
		[ -n "$fds" ] && bad="$bad $(basename "$f") leaks: $(echo "$fds" | head -3 | tr '\n' ' ')"
	done
	[ -n "$bad" ] && echo "$bad" | cut -c1-1500
}

# vgsum NAME: the figures of run NAME's own process (not its children).
vgsum() {
	local f pids ppid e d u a
	pids=" $(sed -n 's/^==\([0-9]*\)== Command: .*/\1/p' "$L/$1".*.log | tr '\n' ' ')"
	for f in "$L/$1".*.log; do
		ppid=$(sed -n 's/^==[0-9]*== Parent PID: \([0-9]*\)$/\1/p' "$f")
		case $pids in *" $ppid "*) continue ;; esac
		e=$(sed -n 's/^==[0-9]*== ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$f" | tail -1)
		d=$(sed -n 's/^==[0-9]*==  *definitely lost: \([0-9,]*\) bytes.*/\1/p' "$f" | tail -1)
		u=$(sed -n 's/^==[0-9]*==  *in use at exit: \([0-9,]*\) bytes.*/\1/p' "$f" | tail -1)
		a=$(sed -n 's/^==[0-9]*==  *total heap usage: \([0-9,]*\) allocs.*/\1/p' "$f" | tail -1)
		printf 'errors %s, definitely lost %s bytes, in use at exit %s bytes, %s allocations, ' \
		    "${e:-?}" "${d:-0}" "${u:-?}" "${a:-?}"
	done
	echo "$(ls "$L/$1".*.log | wc -l) processes logged"
}

# vg NAME WANT CMD...: run CMD under memcheck (output in $S/NAME.out) and
# report one PASS/FAIL line for its memcheck result and exit status.
vg() {
	local name=$1 want=$2 why
	shift 2
	rm -f "$L/$name".*.log
	valgrind $VGOPTS --log-file="$L/$name.%p.log" "$@" >"$S/$name.out" 2>&1
	rc=$?
	why=$(vgcheck "$name")
	[ "$rc" = "$want" ] || why="exit $rc, want $want${why:+; $why}; $(tail -3 "$S/$name.out" | tr '\n' ' ')"
	if [ -z "$why" ]; then pass "memcheck: $name"; else fail "memcheck: $name" "$why"; fi
}

# ------------------------------------------------------ mailprov apply
# mkroot NAME: an m4-built sendmail.cf and a small aliases file.
mkroot() {
	local r=$S/$1
	mkdir -p "$r/etc/mail" "$r/var/mailprov/src"
	sh tests/mkcf.sh tests/fixtures/m4-aix.mc "$r/etc/mail/sendmail.cf" || return 1
	printf '# local aliases\npostmaster: root\nMAILER-DAEMON: postmaster\nops: carol,\n\tdave\nold: x\n' \
	    >"$r/etc/mail/aliases"
	printf 'defined=1\nstate=inoperative\npid=0\ngroup=mail\npath=/usr/lib/sendmail\nargs=\ncontact=-K\nboot=0\n' \
	    >"$r/var/mailprov/src/sendmail.rec"
	echo "$r"
}
# The README example without its service section, and with it.
D=$S/desired.yaml
awk '/^service:/ { skip = 1; next } /^[a-z]/ { skip = 0 } !skip' conf/desired.yaml >"$D"
DS=$S/service.yaml
cp conf/desired.yaml "$DS"
printf 'version: 1\nsendmail:\n  smart_hots: x\n' >"$S/badkey.yaml"
printf 'version: 1\nsendmail:\n  smart_host: [unclosed\n  relay: {\n' >"$S/badyaml.yaml"

R=$(mkroot apply)
vg plan-changes 2 "$MP" plan -f "$D" --root "$R"
check_grep "plan: shows a diff of sendmail.cf" "$S/plan-changes.out" '^\+\+\+ b/etc/mail/sendmail.cf$'
vg apply-all-four 0 "$MP" apply -f "$D" --root "$R" --sendmail "$SBX"
expect "apply: wrote all four files" "$(grep -cE '^mailprov: wrote /etc/mail/(sendmail.cf|local-host-names|relay-domains|aliases) ' "$S/apply-all-four.out")" 4
vg apply-noop 0 "$MP" apply -f "$D" --root "$R" --sendmail "$SBX"
expect "no-op apply: no changes" "$(cat "$S/apply-noop.out")" "mailprov: no changes"
vg plan-converged 0 "$MP" plan -f "$D" --root "$R"
vg validate-good 0 "$MP" validate -f "$D"
vg validate-unknown-key 1 "$MP" validate -f "$S/badkey.yaml"
check_grep "validate: unknown key reported at its place" "$S/validate-unknown-key.out" "badkey.yaml:3:3: unknown key 'smart_hots'"
vg validate-broken-yaml 1 "$MP" validate -f "$S/badyaml.yaml"
check_grep "validate: broken YAML reported" "$S/validate-broken-yaml.out" 'badyaml.yaml:[0-9]+:[0-9]+:'

# Rollback: the alias rebuild fails after the files were replaced.
R=$(mkroot rollback)
before=$(cd "$R" && find etc -type f | sort | xargs cksum)
vg apply-rollback-bi 1 "$MP" apply -f "$D" --root "$R" --sendmail "$MP_TOP/tests/sendmail-fail-bi" --no-validate
check_grep "rollback: files restored" "$S/apply-rollback-bi.out" '^mailprov: restored /etc/mail/aliases$'
expect "rollback: managed files as before" \
    "$(cd "$R" && find etc -type f ! -name '*.2*' | sort | xargs cksum)" "$before"

# A candidate the real sendmail refuses: nothing is written.
R=$(mkroot reject)
printf 'Xthis is no configuration line\n' >>"$R/etc/mail/sendmail.cf"
vg apply-sendmail-rejects 1 "$MP" apply -f "$D" --root "$R" --sendmail "$SBX"
check_grep "sendmail rejects: says so" "$S/apply-sendmail-rejects.out" \
    "sendmail already rejects the current /etc/mail/sendmail\\.cf at line $(wc -l <"$R/etc/mail/sendmail.cf"): Xthis"

# SRC steps, mock backend: first apply starts sendmail; then a port check
# that fails rolls the files back and refreshes again.
R=$(mkroot svc)
vg service-mock-start 0 "$MP" apply -f "$DS" --root "$R" --sendmail "$SBX" --src-backend mock
check_grep "mock SRC: startsrc journaled" "$R/var/mailprov/src/journal" '^startsrc -s sendmail$'
sed 's/^  smart_host: .*/  smart_host: "[relay2.example.net]"/' "$DS" >"$S/relay2.yaml"
cp "$R/etc/mail/sendmail.cf" "$S/svc.before.cf"
vg service-mock-verify-fails 1 "$MP" apply -f "$S/relay2.yaml" --root "$R" --sendmail "$SBX" \
    --src-backend mock --verify-port 127.0.0.1:1
check_grep "verify failure: rolled back" "$S/service-mock-verify-fails.out" 'rolling back the files this run changed'
cmp -s "$R/etc/mail/sendmail.cf" "$S/svc.before.cf" && pass "verify failure: sendmail.cf restored" ||
    fail "verify failure: sendmail.cf restored"

# SRC steps, exec backend with the fake AIX commands and rc.tcpip.
R=$(mkroot exec)
sh tests/fakeaix/mkfake.sh "$R/bin" "$R/var/mailprov/src"
printf '# rc.tcpip (test copy)\nqpi=30m\n#start /usr/lib/sendmail "$src_running" "-bd -q${qpi}"\n' >"$R/etc/rc.tcpip"
vg service-exec 0 "$MP" apply -f "$DS" --root "$R" --sendmail "$SBX" --src-backend exec \
    --src-bindir "$R/bin" --verify-port none --verify-bv no
check_grep "exec SRC: startsrc called" "$R/var/mailprov/src/calls" '^startsrc \[-s\] \[sendmail\]$'

# ------------------------------------------------------ mailprovd soak
# status_field NAME: a number from status.json.
R=$(mp_root soak) || { fail "daemon root"; exit 1; }
sed -i -e 's/^interval: .*/interval: 86400/' -e 's/^settle: .*/settle: 0/' \
    "$R/etc/mailprov/mailprovd.conf"
SJ=$R/var/mailprov/status.json
sfield() { sed -n "s/^  \"$1\": \([0-9]*\),*$/\1/p" "$SJ" 2>/dev/null; }
# wait_field FIELD VALUE: until status.json says so (60 s at most), as
# long as the daemon lives.
wait_field() {
	local i=0
	while [ "$(sfield "$1")" != "$2" ]; do
		i=$((i + 1))
		[ $i -gt 3000 ] && return 1
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.02
	done
}
fdcount() { ls "/proc/$pid/fd" | wc -l; }
drop() {	# drop FILE NAME: written aside, renamed in
	install -m 0600 "$1" "$R/var/mailprov/incoming/.$2.tmp"
	mv "$R/var/mailprov/incoming/.$2.tmp" "$R/var/mailprov/incoming/$2"
}
cp "$R/etc/mailprov/desired.yaml" "$S/drop.yaml"

ts=$(date +%s)
rm -f "$L"/soak.*.log
valgrind $VGOPTS --log-file="$L/soak.%p.log" "$MPD" --root "$R" -d </dev/null \
    >"$S/soak.out" 2>"$S/soak.log" &
pid=$!
ok=1 drift=0 intent=1 rejected=0 why=
# run 1 is the start (it changes the host: new intent against nothing)
wait_field runs 1 || { ok=0 why="the start run never ended"; }
fd1=$(fdcount)
k=1
while [ $ok = 1 ] && [ $k -lt "$N" ]; do
	k=$((k + 1))
	case $((k % 4)) in
	0)	# refresh, nothing to do
		kill -HUP "$pid" ;;
	1)	# new intent in desired.yaml
		sed -i "s/^      ops: .*/      ops: [alice, bob, u$k]/" "$R/etc/mailprov/desired.yaml"
		intent=$((intent + 1))
		kill -HUP "$pid" ;;
	2)	# drift on disk, repaired at the refresh
		if [ $((k % 8)) = 2 ]; then
			echo "evil$k.example" >>"$R/etc/mail/relay-domains"
		else
			sed -i 's/^DS.*/DS[drift.example.net]/' "$R/etc/mail/sendmail.cf"
		fi
		drift=$((drift + 1))
		kill -HUP "$pid" ;;
	3)	# a file dropped in incoming/, every other time after a bad one
		if [ $((k % 8)) = 3 ]; then
			rejected=$((rejected + 1))
			drop "$S/badkey.yaml" "bad$k.yaml"
			wait_field incoming_rejected $rejected || { ok=0 why="bad drop $k not rejected"; break; }
		fi
		sed "s/^      ops: .*/      ops: [alice, bob, d$k]/" "$R/etc/mailprov/desired.yaml" >"$S/drop.yaml"
		intent=$((intent + 1))
		drop "$S/drop.yaml" "good$k.yaml" ;;
	esac
	wait_field runs $k || { ok=0 why="reconcile $k did not end: $(tail -2 "$S/soak.log" | tr '\n' ' ')"; }
done
fdN=$(fdcount)
got="runs $(sfield runs) drift $(sfield drift_repairs) intent $(sfield intent_changes) failures $(sfield failures) rejected $(sfield incoming_rejected)"
kill -TERM "$pid"
wait "$pid"
rc=$?
te=$(date +%s)
[ $ok = 1 ] && pass "soak: $N reconciles answered" || fail "soak: $N reconciles answered" "$why"
expect "soak: status.json counts" "$got" "runs $N drift $drift intent $intent failures 0 rejected $rejected"
expect "soak: open descriptors after run $N as after run 1" "$fdN" "$fd1"
expect "soak: run lines logged" "$(grep -c 'run (.*): \(changed\|converged\)$' "$S/soak.log")" "$N"
why=$(vgcheck soak)
[ "$rc" = 0 ] || why="exit $rc${why:+; $why}"
if [ -z "$why" ]; then pass "memcheck: mailprovd soak of $N reconciles"; else fail "memcheck: mailprovd soak of $N reconciles" "$why"; fi
echo "soak: $N reconciles in $((te - ts)) s under memcheck: $(vgsum soak)"
echo "soak: status.json: $got; descriptors $fd1 after run 1, $fdN after run $N"
vg status-after-soak 0 "$MP" status --root "$R"

# ------------------------------------------------ mailprovd under SRC
R=$(mp_daemon_root "$S/src" && echo "$S/src") || { fail "daemon root"; exit 1; }
rm -f "$L"/srcmstr.*.log
printf 'sleep 4000\nstatus\nrefresh\nrefresh\ntrace on\nbogus\nstart\nstatus\nstop\nwait\n' |
    timeout 60 ./tests/srcmstr valgrind $VGOPTS --log-file="$L/srcmstr.%p.log" "$MPD" --root "$R" \
    >"$S/srcmstr.out" 2>"$S/srcmstr.log"
check_grep "under SRC: status answered" "$S/srcmstr.out" '^ mailprovd +[0-9]+ +active$'
expect "under SRC: two refreshes replied OK" "$(grep -c '^reply 0$' "$S/srcmstr.out")" 4
check_grep "under SRC: exit 0 after stop" "$S/srcmstr.out" '^exit 0$'
why=$(vgcheck srcmstr)
if [ -z "$why" ]; then pass "memcheck: mailprovd under SRC"; else fail "memcheck: mailprovd under SRC" "$why"; fi

echo "valgrind_test: $(($(date +%s) - t0)) s in all"
# The logs stay for a look when something failed.
[ "$fails" = 0 ] && rm -rf "$S"
exit $((fails > 0))
