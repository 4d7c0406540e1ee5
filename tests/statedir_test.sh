#!/bin/bash
# statedir_test.sh - state_dir in mailprovd.conf moves every state file:
# the lock, the applying marker, the check directories, status.json, the
# report queue and the mock SRC's records; mailprov (plan, apply, status)
# finds them there by reading the daemon configuration, or by
# --state-dir.  Also: the run report of mailprov and the daemon's
# status.json are one JSON document (the same fields).
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup statedir

R=$S/root
mp_daemon_root "$R" || { fail "statedir: host set up"; exit 1; }
V=$R/var/lib/mp
mkdir -p "$V"
mv "$R/var/mailprov/src" "$V/src"
rm -rf "$R/var/mailprov"
printf 'state_dir: /var/lib/mp\n' >>"$R/etc/mailprov/mailprovd.conf"
nothing_old() {	# nothing_old NAME: no file was made at the default place
	if [ -e "$R/var/mailprov" ]; then
		fail "$1: nothing under /var/mailprov" "$(find "$R/var/mailprov" | head -5)"
	else
		pass "$1: nothing under /var/mailprov"
	fi
}

# An interrupted run's marker and check directory, in the moved state dir.
: >"$V/applying"
mkdir -m 0700 "$V/check.AbC123"
: >"$V/check.AbC123/sendmail.cf"
$MP plan --root "$R" --sendmail "$PWD/tests/sendmail-sandbox" >"$S/plan.out" 2>&1
expect "plan: exit 2 (changes)" "$?" 2
check_grep "plan: finds the marker under state_dir" "$S/plan.out" \
    "^note: an earlier apply was interrupted \($V/applying exists\)"
nothing_old "plan"

# The lock is state_dir/lock: held elsewhere, apply waits for no one.
python3 -c 'import fcntl,os,sys,time; f=open(sys.argv[1],"a"); fcntl.lockf(f,fcntl.LOCK_EX); open(sys.argv[2],"w").close(); time.sleep(20)' \
    "$V/lock" "$S/locked" &
holder=$!
wait_for 10 test -e "$S/locked"
$MP apply --root "$R" --sendmail "$PWD/tests/sendmail-sandbox" --lock-wait 0 >"$S/lock.out" 2>&1
expect "apply while state_dir/lock is held: exit 1" "$?" 1
check_grep "apply names the lock under state_dir" "$S/lock.out" "another mailprov \(pid $holder\) holds $V/lock"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

# apply: the stale check directory goes, the marker goes, the report is
# queued under state_dir (the collector cannot be reached).
$MP apply --root "$R" --sendmail "$PWD/tests/sendmail-sandbox" \
    --report-url https://127.0.0.1:9/report >"$S/apply.out" 2>&1
expect "apply: exit 0" "$?" 0
check_grep "apply: removed the stale check directory" "$S/apply.out" "removed 1 temporary file left by an interrupted run"
[ ! -e "$V/check.AbC123" ] && pass "apply: check directory under state_dir removed" ||
    fail "apply: check directory under state_dir removed"
[ ! -e "$V/applying" ] && pass "apply: marker under state_dir cleared" || fail "apply: marker under state_dir cleared"
check_grep "apply: SRC records under state_dir" "$V/src/journal" "^startsrc -s sendmail$"
report=$(ls "$V"/reports/*.json 2>/dev/null | head -1)
[ -n "$report" ] && pass "apply: report queued under state_dir" || fail "apply: report queued under state_dir"
nothing_old "apply"

# The daemon writes status.json under state_dir.
timeout 30 "$MPD" --root "$R" -d >"$S/mpd.out" 2>&1 &
mpd=$!
wait_for 20 test -s "$V/status.json"
kill -TERM "$mpd" 2>/dev/null; wait "$mpd" 2>/dev/null
check_grep "mailprovd: status.json under state_dir" "$V/status.json" '"outcome": "(converged|changed)"'
[ -d "$V/incoming" ] && pass "mailprovd: the incoming directory follows state_dir" ||
    fail "mailprovd: the incoming directory follows state_dir"
nothing_old "mailprovd"

# mailprov status follows: by the daemon configuration, or --state-dir.
$MP status --root "$R" >"$S/st1.out" 2>&1
expect "status --root: exit 0" "$?" 0
check_grep "status --root: reads the daemon's status" "$S/st1.out" "^mailprovd on .* pid [0-9]+"
check_grep "status --root: its outcome" "$S/st1.out" "^  outcome: +(converged|changed)$"
$MP status --state-dir "$V" >"$S/st2.out" 2>&1
expect "status --state-dir: exit 0" "$?" 0
cmp -s "$S/st1.out" "$S/st2.out" && pass "status --state-dir: the same status" ||
    fail "status --state-dir: the same status" "$(diff "$S/st1.out" "$S/st2.out")"
$MP status --state-dir "$S/nowhere" >"$S/st3.out" 2>&1
expect "status --state-dir without a status: exit 1" "$?" 1
check_grep "status --state-dir without a status: says where it looked" "$S/st3.out" "$S/nowhere/status.json: No such file"

# A broken daemon configuration: mailprov will not guess where the lock is.
cp "$R/etc/mailprov/mailprovd.conf" "$S/good.conf"
printf 'state_dir: relative/path\n' >"$R/etc/mailprov/mailprovd.conf"
$MP plan --root "$R" --sendmail "$PWD/tests/sendmail-sandbox" >"$S/bad.out" 2>&1
expect "bad mailprovd.conf: plan refuses" "$?" 1
check_grep "bad mailprovd.conf: the error at its place" "$S/bad.out" "mailprovd.conf:1:12: "
check_grep "bad mailprovd.conf: names the cure" "$S/bad.out" "give --state-dir"
$MP plan --root "$R" --state-dir "$V" --sendmail "$PWD/tests/sendmail-sandbox" >"$S/bad2.out" 2>&1
expect "bad mailprovd.conf, --state-dir given: plan runs (no changes)" "$?" 0
install -m 0600 "$S/good.conf" "$R/etc/mailprov/mailprovd.conf"

# One document: the report of mailprov apply and the daemon's status.json
# have the same fields, nested the same way.
python3 - "$report" "$V/status.json" >"$S/json.out" 2>&1 <<'EOF'
import json, sys
def shape(v):
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    return type(v).__name__
a, b = (json.load(open(p)) for p in sys.argv[1:3])
print("report:", a["program"], "status:", b["program"])
assert shape(a) == shape(b), (shape(a), shape(b))
assert a["program"] == "mailprov" and b["program"] == "mailprovd"
assert a["last_run"]["reason"] == "apply" and a["last_run"]["outcome"] == "changed"
assert "/etc/mail/sendmail.cf" in a["last_run"]["files_changed"]
EOF
expect "report and status.json: one document (same fields and types)" "$?" 0
[ "$fails" -eq 0 ] || cat "$S/json.out"

exit $((fails > 0))
