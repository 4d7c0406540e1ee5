#!/bin/bash
# drift_test.sh - mailprovd notices a change to what it manages within
# seconds (issue 14, "Drift noticed within seconds"), through the srcmstr
# harness as daemon_test.sh runs it:
#
#   1. an edit of an unrelated file in /etc/mail or /etc/mailprov starts
#      nothing
#   2. a hand edit of sendmail.cf, vi-style (a new file renamed over it),
#      is repaired within 5 s, counted as a drift repair, with the file as
#      the run's reason
#   3. the same for an `echo >>` edit (the file written in place)
#   4. an edit of the desired-state file is applied within 5 s, counted as
#      new intent; a broken one fails its run and fixing it runs again
#   5. mailprov's own repairs start no second run: after all of the above
#      the daemon ran exactly once per change
#   6. an interval tick with every file as the last run left it neither
#      reads nor plans (quick_checks in status.json; strace sees a stat of
#      sendmail.cf and no open of it)
#   7. with full_interval as short as the interval, the tick plans in full
#   8. in audit mode a hand edit is reported, with its diff, within 5 s,
#      and left as it is
#   9. a hand edit made while a run is in progress (after the plan read
#      the file, a file the run does not rewrite) starts a run after it:
#      the stamps are taken before the run reads, not after it ends
#
# 6, 7 and 9 run side by side while 6 and 7 wait for one 10 s interval
# (the shortest there is).  Waits poll for a condition (wait_for); the only fixed
# sleeps are the ones that must outlast watch_settle to show that
# nothing was started.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup drift
SRCMSTR=$PWD/tests/srcmstr
SETTLE=2	# watch_settle's default, which world 1 keeps

# jnum ROOT KEY: a number of ROOT's status.json ("" when not there).
jnum() {
	sed -n "s/^  \"$2\": \([0-9]*\),\{0,1\}$/\1/p" "$1/var/mailprov/status.json" 2>/dev/null
}
# jstr ROOT KEY: a string of it (the first one of that name).
jstr() {
	sed -n "s/^ *\"$2\": \"\(.*\)\",\{0,1\}$/\1/p" "$1/var/mailprov/status.json" 2>/dev/null | head -1
}
num_is() { [ "$(jnum "$1" "$2")" = "$3" ]; }
num_atleast() { local v; v=$(jnum "$1" "$2"); [ -n "$v" ] && [ "$v" -ge "$3" ]; }
# settled ROOT N: the Nth run has ended (status.json is written after it).
settled() { num_is "$1" runs "$2" && [ "$(jstr "$1" outcome)" != running ]; }

# start FD NAME ROOT: mailprovd under srcmstr for ROOT, its commands
# written to descriptor FD (a FIFO), its output in $S/NAME.out and .log.
# Nothing started may hold another's FIFO open (3 to 6): srcmstr ends at
# the end of its input.
start() {
	mkfifo "$S/$2.ctl"
	SRCMSTR_SAFETY=300 "$SRCMSTR" "$MPD" --root "$3" -d <"$S/$2.ctl" \
	    >"$S/$2.out" 2>"$S/$2.log" 3>&- 4>&- 5>&- 6>&- &
	eval "P$1=\$!; exec $1>\"\$S/\$2.ctl\""
}
# finish FD: stop it, wait for srcmstr to end.
finish() {
	printf 'status\nstop\nwait\n' >&"$1"
	eval "exec $1>&-; wait \$P$1"
}

# ------------------------------------------------------------- world 1
R=$(mp_root enforce)
CF=$R/etc/mail/sendmail.cf
WANT_DS='^DS\[smtprelay\.example\.net\]$'
start 3 enforce "$R"
wait_for 30 settled "$R" 1 || fail "start: first run" "$(tail -3 "$S/enforce.log")"
check_grep "start: sendmail.cf has the desired smart host" "$CF" "$WANT_DS"
check_grepF "status.json: sendmail.cf is watched" "$R/var/mailprov/status.json" "\"$CF\""
check_grepF "status.json: the desired state is watched" "$R/var/mailprov/status.json" \
    "\"$R/etc/mailprov/desired.yaml\""
check_grepF "status.json: local-host-names is watched" "$R/var/mailprov/status.json" \
    "\"$R/etc/mail/local-host-names\""
check_nogrep "status.json: mailprovd.conf is not" "$R/var/mailprov/status.json" '"[^"]*mailprovd\.conf"'
drift0=$(jnum "$R" drift_repairs)
intent0=$(jnum "$R" intent_changes)

# 1. Unrelated files: nothing may start (counted in 5).
echo "hello" >"$R/etc/mail/unrelated.txt"
echo "# note" >>"$R/etc/mail/unrelated.txt"
cp "$CF" "$R/etc/mail/sendmail.cf.save"
sed -i 's/^DS.*/DSnot.watched.example/' "$R/etc/mail/sendmail.cf.save"
echo "# a comment" >"$R/etc/mailprov/notes"
sleep $((SETTLE + 2))	# longer than watch_settle: a run would be counted
expect "unrelated edits: no run" "$(jnum "$R" runs)" 1

# 2. vi-style: a new file, renamed over sendmail.cf.
sed 's/^DS.*/DSvi.example.com/' "$CF" >"$R/etc/mail/.sendmail.cf.swp"
mv "$R/etc/mail/.sendmail.cf.swp" "$CF"
if wait_for 5 grep -q "$WANT_DS" "$CF"; then
	pass "vi-style edit: repaired within 5 s"
else
	fail "vi-style edit: repaired within 5 s" "$(grep '^DS' "$CF")"
fi
wait_for 5 settled "$R" 2
expect "vi-style edit: one run" "$(jnum "$R" runs)" 2
expect "vi-style edit: counted as a drift repair" "$(jnum "$R" drift_repairs)" $((drift0 + 1))
expect "vi-style edit: the run says why" "$(jstr "$R" reason)" "changed: /etc/mail/sendmail.cf"
check_grepF "vi-style edit: sendmail.cf listed as changed" "$R/var/mailprov/status.json" \
    '"files_changed": ["/etc/mail/sendmail.cf"]'

# 3. echo >>: written in place (same inode), a second smart host line.
ino=$(stat -c %i "$CF")
echo "DSecho.example.com" >>"$CF"
if wait_for 5 settled "$R" 3 && ! grep -q '^DSecho' "$CF"; then
	pass "echo >> edit: repaired within 5 s"
else
	fail "echo >> edit: repaired within 5 s" "$(grep -n 'DS' "$CF")"
fi
[ "$ino" != "$(stat -c %i "$CF")" ] && pass "echo >> edit: mailprov replaced the file" ||
    fail "echo >> edit: mailprov replaced the file"
expect "echo >> edit: counted as a drift repair" "$(jnum "$R" drift_repairs)" $((drift0 + 2))
expect "echo >> edit: the run says why" "$(jstr "$R" reason)" "changed: /etc/mail/sendmail.cf"

# 4. The desired state edited: a new smart host, applied.
sed -i 's/^  smart_host: .*/  smart_host: "[relay3.example.net]"/' "$R/etc/mailprov/desired.yaml"
if wait_for 5 grep -q '^DS\[relay3\.example\.net\]$' "$CF"; then
	pass "desired state edited: applied within 5 s"
else
	fail "desired state edited: applied within 5 s" "$(grep '^DS' "$CF")"
fi
wait_for 5 settled "$R" 4
expect "desired state edited: counted as new intent" "$(jnum "$R" intent_changes)" $((intent0 + 1))
expect "desired state edited: the run says why" "$(jstr "$R" reason)" "changed: /etc/mailprov/desired.yaml"
expect "desired state edited: not a drift repair" "$(jnum "$R" drift_repairs)" $((drift0 + 2))
# ... broken, then fixed: the failed run keeps the files watched.
cp "$R/etc/mailprov/desired.yaml" "$S/good.yaml"
sed -i 's/^  smart_host: /  smart_hots: /' "$R/etc/mailprov/desired.yaml"
wait_for 5 num_is "$R" failures 1 && pass "broken desired state: its run fails" ||
    fail "broken desired state: its run fails" "$(jstr "$R" error)"
grep -q '^DS\[relay3\.example\.net\]$' "$CF" && pass "broken desired state: nothing changed" ||
    fail "broken desired state: nothing changed"
cat "$S/good.yaml" >"$R/etc/mailprov/desired.yaml"
wait_for 5 settled "$R" 6 && [ "$(jstr "$R" outcome)" = converged ] &&
    pass "fixed desired state: runs again, converged" ||
    fail "fixed desired state: runs again, converged" "$(jstr "$R" outcome)"

# 5. Our own writes started nothing: one run per change, no more.
sleep $((SETTLE + 2))	# longer than watch_settle
expect "own repairs: no second run" "$(jnum "$R" runs)" 6
finish 3
check_fact "lssrc -l: the watched files" "$S/enforce.out" "^Watched: .*/etc/mailprov/desired\.yaml"
check_grep "lssrc -l: the quick checks" "$S/enforce.out" "^Quick-checks: 0 "
check_grep "stop: exit 0" "$S/enforce.out" "^exit 0$"
expect "log: one run per sendmail.cf edit" \
    "$(grep -c 'run (changed: /etc/mail/sendmail.cf): changed$' "$S/enforce.log")" 2
expect "log: no other run for sendmail.cf" "$(grep -c 'run (changed: /etc/mail/sendmail.cf)' "$S/enforce.log")" 2

# ------------------------------------------------------- the audit world
# Audit mode: a hand edit is reported with its diff within 5 s, and stays.
A=$(mp_root audit)
echo 'mode: audit' >>"$A/etc/mailprov/mailprovd.conf"
start 3 audit "$A"
wait_for 30 settled "$A" 1 || fail "audit: first run"
expect "audit: the first run finds the host away" "$(jstr "$A" outcome)" drift
sed 's/^DS.*/DSaudit.example.com/' "$A/etc/mail/sendmail.cf" >"$A/etc/mail/.sendmail.cf.swp"
mv "$A/etc/mail/.sendmail.cf.swp" "$A/etc/mail/sendmail.cf"
wait_for 5 settled "$A" 2 && pass "audit: a hand edit is looked at within 5 s" ||
    fail "audit: a hand edit is looked at within 5 s" "$(jnum "$A" runs)"
expect "audit: the run says why" "$(jstr "$A" reason)" "changed: /etc/mail/sendmail.cf"
expect "audit: reported as drift, counted" "$(jstr "$A" outcome)/$(jnum "$A" drift_found)" drift/2
expect "audit: the diff shows the hand edit" "$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print("-DSaudit.example.com" in d["last_run"]["diff"].splitlines())' "$A/var/mailprov/status.json")" True
check_grep "audit: the edit stays" "$A/etc/mail/sendmail.cf" '^DSaudit\.example\.com$'
sleep $((SETTLE + 2))	# longer than watch_settle
expect "audit: one run for the edit" "$(jnum "$A" runs)" 2
finish 3

# ------------------------------------------------------- worlds 2, 3, 4
Q=$(MP_INTERVAL=10 mp_root quick)
F=$(MP_INTERVAL=10 mp_root full)
echo "full_interval: 10" >>"$F/etc/mailprov/mailprovd.conf"
# World 4: its sendmail waits while $S/race.hold is there, after saying
# so in $S/race.inrun: a run held in its check, after the plan read.
W=$(mp_root race)
cat >"$S/slowsm" <<EOF
#!/bin/sh
if [ -e "$S/race.hold" ]; then
	: >"$S/race.inrun"
	n=0
	while [ -e "$S/race.hold" ] && [ \$n -lt 600 ]; do sleep 0.1; n=\$((n + 1)); done
fi
exec "$SBX" "\$@"
EOF
chmod 0755 "$S/slowsm"
sed -i "s|^sendmail: .*|sendmail: $S/slowsm|" "$W/etc/mailprov/mailprovd.conf"
start 4 quick "$Q"
start 5 full "$F"
start 6 race "$W"
wait_for 30 settled "$Q" 1 || fail "quick: first run"
wait_for 30 settled "$F" 1 || fail "full: first run"
wait_for 30 settled "$W" 1 || fail "race: first run"
pid=$(sed -n 's/^  "pid": \([0-9]*\),$/\1/p' "$Q/var/mailprov/status.json")
strace -f -e trace=%file -o "$S/quick.strace" -p "$pid" 2>/dev/null 4>&- 5>&- 6>&- &
tpid=$!
# 9. sendmail.cf edited: a run, held in its check; aliases edited then.
: >"$S/race.hold"
sed -i 's/^DS.*/DSrace.example.com/' "$W/etc/mail/sendmail.cf"
wait_for 30 test -e "$S/race.inrun" || fail "race: the run is held" "$(jnum "$W" runs)"
sed -i 's/^postmaster:.*/postmaster: mallory/' "$W/etc/mail/aliases"
rm -f "$S/race.hold"
wait_for 30 settled "$W" 2 || fail "race: the held run ends" "$(jnum "$W" runs)"
expect "race: the held run was for sendmail.cf" "$(jstr "$W" reason)" "changed: /etc/mail/sendmail.cf"
check_grep "race: the edit during the run is there after it" "$W/etc/mail/aliases" '^postmaster: mallory$'
if wait_for 20 settled "$W" 3; then
	pass "race: the edit during the run starts a run after it"
else
	fail "race: the edit during the run starts a run after it" \
	    "runs $(jnum "$W" runs), quick checks $(jnum "$W" quick_checks)"
fi
expect "race: that run's reason" "$(jstr "$W" reason)" "changed: /etc/mail/aliases"
check_grep "race: aliases repaired" "$W/etc/mail/aliases" '^postmaster: root$'
# 6. The tick: a stat per file, nothing read, nothing planned.
wait_for 25 num_atleast "$Q" quick_checks 1 && pass "quick: the interval tick is a quick check" ||
    fail "quick: the interval tick is a quick check" "$(jnum "$Q" quick_checks)"
kill "$tpid" 2>/dev/null
wait "$tpid" 2>/dev/null
expect "quick: no run" "$(jnum "$Q" runs)" 1
check_grepF "quick: sendmail.cf was stat'ed" "$S/quick.strace" "$Q/etc/mail/sendmail.cf\""
check_nogrep "quick: sendmail.cf was not opened" "$S/quick.strace" "open[a-z]*\(.*$Q/etc/mail/sendmail\.cf\""
check_nogrep "quick: the desired state was not opened" "$S/quick.strace" \
    "open[a-z]*\(.*$Q/etc/mailprov/desired\.yaml\""
check_nogrep "quick: nothing was run" "$S/quick.strace" "execve"
# 7. full_interval due: a full plan at the tick.
wait_for 25 num_atleast "$F" runs 2 && pass "full_interval: the tick plans in full" ||
    fail "full_interval: the tick plans in full" "$(jnum "$F" runs)"
expect "full_interval: the run's reason" "$(jstr "$F" reason)" interval
expect "full_interval: no quick check" "$(jnum "$F" quick_checks)" 0
finish 4
finish 5
finish 6
check_grep "quick: stop: exit 0" "$S/quick.out" "^exit 0$"
check_grep "full: stop: exit 0" "$S/full.out" "^exit 0$"
check_grep "race: stop: exit 0" "$S/race.out" "^exit 0$"

rm -rf "$S"
exit $((fails > 0))
