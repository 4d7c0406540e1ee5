#!/bin/bash
# audit_test.sh - adopting hosts without changing them, and seeing drift:
#   1. mailprov plan --json / apply --json: one JSON document on stdout
#      (checked with python3's json parser), the exit codes kept, the
#      diff, the files, the actions, the backups, errors as file:line:col
#   2. mailprovd in audit mode: a host away from the desired state is
#      reported (outcome drift, the diff, counted, mode audit in
#      status.json and `mailprov status`), and nothing is written and no
#      SRC call is made; an aliases file with a Latin-1 comment (old AIX
#      files are not UTF-8) in the diff: plan --json, status.json and
#      `mailprov status` still read it (the bytes as \u00XX)
#   3. mailprovd in enforce mode: a hand edit is repaired, the run says it
#      was drift, records the diff (current -> desired) and names the
#      backup that holds the hand-edited bytes
# The real sendmail checks every candidate (tests/sendmail-sandbox).
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup audit

# jget FILE EXPR: python3 parses FILE as JSON (the whole file: nothing
# else may be on stdout) and prints EXPR of it, d being the document.
jget() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
sums() { (cd "$1" && find etc -type f | sort | xargs md5sum); }

# ---- 1. --json ---------------------------------------------------------
R=$(mp_root cli)
D=$R/etc/mailprov/desired.yaml
$MP plan --json -f "$D" --root "$R" --sendmail "$SBX" >"$S/plan.json" 2>"$S/plan.err"
expect "plan --json: exit 2 (changes planned)" "$?" 2
python3 -m json.tool "$S/plan.json" >/dev/null 2>&1
expect "plan --json: stdout is one JSON document" "$?" 0
expect "plan --json: outcome" "$(jget "$S/plan.json" 'd["last_run"]["outcome"]')" "changes planned"
expect "plan --json: reason" "$(jget "$S/plan.json" 'd["last_run"]["reason"]')" "plan"
expect "plan --json: sendmail.cf among the files" \
    "$(jget "$S/plan.json" '"/etc/mail/sendmail.cf" in d["last_run"]["files_changed"]')" True
expect "plan --json: the diff sets DS" \
    "$(jget "$S/plan.json" '"+DS[smtprelay.example.net]" in d["last_run"]["diff"].splitlines()')" True
expect "plan --json: the SRC steps it would take" \
    "$(jget "$S/plan.json" 'any(a.startswith("startsrc -s sendmail") for a in d["last_run"]["src_actions"])')" True
expect "plan --json: the mock SRC journal stays empty" "$(cat "$R/var/mailprov/src/journal" 2>/dev/null)" ""

$MP apply --json -f "$D" --root "$R" --sendmail "$SBX" >"$S/apply.json" 2>"$S/apply.err"
expect "apply --json: exit 0" "$?" 0
python3 -m json.tool "$S/apply.json" >/dev/null 2>&1
expect "apply --json: stdout is one JSON document (progress on stderr)" "$?" 0
check_grepF "apply --json: progress went to stderr" "$S/apply.err" "mailprov: wrote /etc/mail/sendmail.cf"
expect "apply --json: outcome changed" "$(jget "$S/apply.json" 'd["last_run"]["outcome"]')" "changed"
expect "apply --json: the backup of sendmail.cf is named" \
    "$(jget "$S/apply.json" 'any("/etc/mail/sendmail.cf." in b for b in d["last_run"]["backups"])')" True
expect "apply --json: the SRC steps it ran" \
    "$(jget "$S/apply.json" '"startsrc -s sendmail" in d["last_run"]["src_actions"]')" True
$MP apply --json -f "$D" --root "$R" --sendmail "$SBX" >"$S/apply2.json" 2>/dev/null
expect "apply --json again: exit 0" "$?" 0
expect "apply --json again: converged, no diff" \
    "$(jget "$S/apply2.json" 'd["last_run"]["outcome"] + "/" + d["last_run"]["diff"]')" "converged/"
$MP plan --json -f "$D" --root "$R" --sendmail "$SBX" >"$S/plan2.json" 2>/dev/null
expect "plan --json on a converged host: exit 0, no changes" \
    "$?/$(jget "$S/plan2.json" 'd["last_run"]["outcome"]')" "0/no changes"

printf 'version: 1\nsendmail:\n  smart_hots: x\n' >"$S/bad.yaml"
$MP plan --json -f "$S/bad.yaml" --root "$R" >"$S/bad.json" 2>/dev/null
expect "plan --json, invalid desired state: exit 1" "$?" 1
expect "plan --json, invalid desired state: the error is file:line:col" \
    "$(jget "$S/bad.json" 'd["last_run"]["error"]')" \
    "$S/bad.yaml:3:3: unknown key 'smart_hots' in sendmail; did you mean 'smart_host'?"
expect "plan --json, invalid desired state: outcome failed" "$(jget "$S/bad.json" 'd["last_run"]["outcome"]')" failed
sed 's/^  smart_host: .*/  smart_host: "[dmspar02.example.net]"/' "$D" >"$S/loop.yaml"
$MP apply --json -f "$S/loop.yaml" --root "$R" --sendmail "$SBX" >"$S/loop.json" 2>/dev/null
expect "apply --json, refused: exit 1" "$?" 1
check_grep "apply --json, refused: the error names the key's line" "$S/loop.json" \
    "\"error\": \"$S/loop.yaml:[0-9]+:[0-9]+: "
$MP validate --json -f "$D" >"$S/val.out" 2>&1
expect "validate --json: refused" "$?" 1

# ---- 2. audit mode -----------------------------------------------------
R=$(mp_root audit)
echo 'mode: audit' >>"$R/etc/mailprov/mailprovd.conf"
printf '# Verwaltung: J\xfcrgen M\xfcller\npostmaster: root\nMAILER-DAEMON: postmaster\n' \
    >"$R/etc/mail/aliases"
$MP plan --json -f "$R/etc/mailprov/desired.yaml" --root "$R" --sendmail "$SBX" \
    >"$S/latin1.json" 2>"$S/latin1.err"
expect "Latin-1 in aliases: plan --json exits 2 (changes planned)" "$?" 2
expect "Latin-1 in aliases: plan --json is JSON" \
    "$(python3 -c 'import json,sys; json.loads(sys.stdin.buffer.read())' <"$S/latin1.json" >/dev/null 2>&1; echo $?)" 0
expect "Latin-1 in aliases: the diff holds the comment, each byte read as Latin-1" \
    "$(jget "$S/latin1.json" '" # Verwaltung: J\u00fcrgen M\u00fcller" in d["last_run"]["diff"].splitlines()')" True
sums "$R" >"$S/before"
timeout 30 "$MPD" --root "$R" -d >"$S/mpd-audit.out" 2>&1 &
mpd=$!
wait_for 20 test -s "$R/var/mailprov/status.json"
kill -TERM "$mpd" 2>/dev/null; wait "$mpd" 2>/dev/null
J=$R/var/mailprov/status.json
expect "audit: status.json is JSON" "$(python3 -m json.tool "$J" >/dev/null 2>&1; echo $?)" 0
expect "audit: mode audit" "$(jget "$J" 'd["mode"]')" audit
expect "audit: outcome drift" "$(jget "$J" 'd["last_run"]["outcome"]')" drift
expect "audit: counted" "$(jget "$J" 'd["drift_found"]')" 1
expect "audit: the diff is recorded" \
    "$(jget "$J" '"+DS[smtprelay.example.net]" in d["last_run"]["diff"].splitlines()')" True
expect "audit: last drift names sendmail.cf" \
    "$(jget "$J" '"/etc/mail/sendmail.cf" in d["last_drift"]["files"]')" True
sums "$R" >"$S/after"
cmp -s "$S/before" "$S/after"
expect "audit: no file under /etc changed" "$?" 0
expect "audit: no SRC call that changes anything" "$(cat "$R/var/mailprov/src/journal" 2>/dev/null)" ""
ls "$R/etc/mail" | grep -c '\.20[0-9]\{6\}-' >"$S/nb"
expect "audit: no backup made" "$(cat "$S/nb")" 0
check_grep "audit: one log line says what drifted" "$S/mpd-audit.out" \
    "drift: .*/etc/mail/sendmail.cf.* differ from the desired state \(audit mode: nothing changed"
$MP status --root "$R" >"$S/status-audit" 2>&1
expect "audit: mailprov status exits 0" "$?" 0
check_grep "audit: mailprov status says mode audit" "$S/status-audit" "mode: +audit"
check_grepF "audit: mailprov status shows the diff" "$S/status-audit" "+DS[smtprelay.example.net]"
check_grepF "audit: mailprov status shows the Latin-1 comment's line" "$S/status-audit" \
    " # Verwaltung: J"
expect "audit: status.json's diff holds the Latin-1 comment" \
    "$(jget "$J" '" # Verwaltung: J\u00fcrgen M\u00fcller" in d["last_run"]["diff"].splitlines()')" True

# ---- 3. enforce: a hand edit repaired, with its diff and backup ----------
R=$(mp_root enforce)
timeout 60 "$MPD" --root "$R" -d >"$S/mpd-enf.out" 2>&1 &
mpd=$!
J=$R/var/mailprov/status.json
wait_for 20 test -s "$J"
runs() { jget "$J" 'd["runs"]' 2>/dev/null; }
expect "enforce: the first run converges the host" "$(jget "$J" 'd["last_run"]["outcome"]')" changed
sed -i 's/^DS.*/DS[evil.example.org]/' "$R/etc/mail/sendmail.cf"
# The daemon watches sendmail.cf: the edit starts the run by itself (a
# SIGHUP as well could come twice, through timeout, and run twice).
wait_for 20 test "$(runs)" = 2
kill -TERM "$mpd" 2>/dev/null; wait "$mpd" 2>/dev/null
expect "enforce: the second run repaired it" "$(jget "$J" 'd["last_run"]["outcome"]')" changed
expect "enforce: it was drift (the same desired state)" \
    "$(jget "$J" 'str(d["last_run"]["drift"]) + "/" + str(d["drift_repairs"])')" "True/1"
expect "enforce: the diff shows the hand edit undone" \
    "$(jget "$J" '"-DS[evil.example.org]" in d["last_run"]["diff"].splitlines() and "+DS[smtprelay.example.net]" in d["last_run"]["diff"].splitlines()')" True
b=$(jget "$J" 'd["last_run"]["backups"][0]' 2>/dev/null)
check_grepF "enforce: the named backup holds the hand-edited bytes" "${b:-/nonexistent}" "DS[evil.example.org]"
check_grepF "enforce: the cf is repaired" "$R/etc/mail/sendmail.cf" "DS[smtprelay.example.net]"
check_grep "enforce: the log says drift repaired and where the old bytes are" "$S/mpd-enf.out" \
    "drift repaired; the hand-edited bytes are in /etc/mail/sendmail.cf\."
[ "$fails" -eq 0 ]
