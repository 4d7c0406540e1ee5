#!/bin/bash
# auth_test.sh - sendmail.auth (client AUTH to the smart host) through
# mailprov, with real parts: m4-built cfs, certificates made by openssl,
# the real sendmail and makemap checking every candidate.
#   1. apply writes AuthInfo:HOST "U:" "I:" "P:" "M:" into the access
#      file, rebuilds the map; both are 0600; a second apply changes
#      nothing; a new secret alone is a change
#   2. the secret is in no output: plan, apply, --json, status.json,
#      mailprov status, history, history ID, restore --dry-run; every
#      diff shows P:********; the history store is root's alone
#   3. each refusal with its message, nothing written: secret file rules,
#      PLAIN/LOGIN without TLS, no access map, FEATURE(authinfo)
#   4. auth left out: mailprov's entry goes, the admin's stays
#   5. a failed run leaves the old access file and its map
# The AUTH exchange itself with a real SASL sink: tests/auth_world_test.sh.
# Needs root, openssl, m4 and sendmail-cf, makemap.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup auth
. tests/tlslib.sh
C=$S/certs
SECRET='s3cr3t-Auth-Pa55'
SECRET2='n3w s3cr3t-Pa55'	# a blank inside: masked whole
tls_make_ca "$C" && tls_make_cert "$C" host "$TLS_CLIENT_NAME" &&
    tls_ca_path "$C" >/dev/null
expect "openssl makes the test certificates" "$?" 0

ACCESS_DB="FEATURE(\`access_db', \`hash -T<TMPF> -o /etc/mail/access')dnl"
tls_aix_mc "$S/access.mc" "$ACCESS_DB"
tls_aix_mc "$S/authinfo.mc" "$ACCESS_DB" "FEATURE(\`authinfo', \`hash -o /etc/mail/authinfo')dnl"

# host DIR [MC]: a root with an m4-built cf, TLS files, the secret file.
host() {
	local r=$1
	rm -rf "$r"
	tls_host "$r" "$C" "${2:-$S/access.mc}" || return 1
	(umask 077 && printf '%s\n' "$SECRET" >"$r/etc/mail/relay.secret")
}

# desired FILE REQUIRE [AUTH-LINES...]: tls with REQUIRE, then the lines.
desired() {
	local f=$1 req=$2
	shift 2
	{
		tls_desired "$req"
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$f"
}
AUTH=("  auth:" "    user: relayuser" "    secret_file: /etc/mail/relay.secret"
    "    mechanisms: [PLAIN, LOGIN]")
desired "$S/auth.yaml" encrypt "${AUTH[@]}"
desired "$S/noauth.yaml" encrypt

# no_secret NAME FILE...: the secrets appear in none of the files.
no_secret() {
	local n=$1
	shift
	if grep -lF -e "$SECRET" -e "$SECRET2" -e "${SECRET2#* }" -- "$@" >"$S/leak" 2>/dev/null; then
		fail "$n: the secret appears nowhere" "in $(tr '\n' ' ' <"$S/leak")"
	else
		pass "$n: the secret appears nowhere"
	fi
}

# ---- 1. apply, modes, idempotency ----------------------------------------
R=$S/host
host "$R"
expect "the test host is made" "$?" 0
$MP plan -f "$S/auth.yaml" --root "$R" --sendmail "$SBX" >"$S/plan1" 2>&1
expect "plan with auth exits 2" "$?" 2
check_grep "plan: the AuthInfo line, password masked" "$S/plan1" \
    "^\+AuthInfo:$TLS_SINK_NAME	\"U:relayuser\" \"I:relayuser\" \"P:\*{8}\" \"M:PLAIN LOGIN\"\$"
check_grepF "plan: the access file will be 0600" "$S/plan1" "# mode of /etc/mail/access: 0600"
check_grepF "plan: the access map is rebuilt" "$S/plan1" "rebuild the access map (makemap hash /etc/mail/access)"
$MP apply -f "$S/auth.yaml" --root "$R" --sendmail "$SBX" >"$S/apply1" 2>&1
expect "apply with auth exits 0" "$?" 0
check_grep "apply: the access file holds the entry with the secret" "$R/etc/mail/access" \
    "^AuthInfo:$TLS_SINK_NAME	\"U:relayuser\" \"I:relayuser\" \"P:$SECRET\" \"M:PLAIN LOGIN\"\$"
check_grepF "apply: the admin's entry stays" "$R/etc/mail/access" "localhost	RELAY"
check_grep "apply: and the TLS_Srv entry" "$R/etc/mail/access" "^TLS_Srv:$TLS_SINK_NAME	ENCR:112\$"
expect "apply: the access file is 0600 root" "$(stat -c '%a %u' "$R/etc/mail/access")" "600 0"
expect "apply: the access map is 0600" "$(stat -c '%a' "$R/etc/mail/access.db")" 600
makemap -u -C "$R/etc/mail/sendmail.cf" hash "$R/etc/mail/access" >"$S/map" 2>&1
check_grepF "apply: the map holds the entry (makemap -u)" "$S/map" "authinfo:$TLS_SINK_NAME"
$MP apply -f "$S/auth.yaml" --root "$R" --sendmail "$SBX" >"$S/apply2" 2>&1
expect "second apply exits 0" "$?" 0
check_grepF "second apply: no changes" "$S/apply2" "no changes"
# An access file made readable by others is rewritten 0600 (bytes alike);
# its backup, holding the secret, is 0600 too.
chmod 0644 "$R/etc/mail/access"
$MP plan -f "$S/auth.yaml" --root "$R" --sendmail "$SBX" >"$S/plan-mode" 2>&1
expect "access file 0644 with the secret: plan exits 2" "$?" 2
check_grepF "access file 0644: the plan says it becomes 0600" "$S/plan-mode" "# mode of /etc/mail/access: 0600"
$MP apply -f "$S/auth.yaml" --root "$R" --sendmail "$SBX" >"$S/apply-mode" 2>&1
expect "access file 0644: apply exits 0" "$?" 0
expect "access file 0644: now 0600" "$(stat -c '%a' "$R/etc/mail/access")" 600
ls -t "$R"/etc/mail/access.2* | head -1 | xargs stat -c '%a' >"$S/backup-mode"
expect "access file 0644: its backup is 0600" "$(cat "$S/backup-mode")" 600
# The map made readable by others (makemap keeps a map's mode when it
# rewrites it): a change, and the map 0600 again.
chmod 0644 "$R/etc/mail/access.db"
$MP plan -f "$S/auth.yaml" --root "$R" --sendmail "$SBX" >"$S/plan-dbmode" 2>&1
expect "access map 0644 with the secret: plan exits 2" "$?" 2
check_grepF "access map 0644: the plan says it becomes 0600" "$S/plan-dbmode" \
    "# mode of the map of /etc/mail/access: 0600"
$MP apply -f "$S/auth.yaml" --root "$R" --sendmail "$SBX" >"$S/apply-dbmode" 2>&1
expect "access map 0644: apply exits 0" "$?" 0
expect "access map 0644: now 0600" "$(stat -c '%a' "$R/etc/mail/access.db")" 600
$MP apply -f "$S/auth.yaml" --root "$R" --sendmail "$SBX" >"$S/apply-dbmode2" 2>&1
check_grepF "access map 0644: then no changes" "$S/apply-dbmode2" "no changes"
# A secret file that is a link into a world-writable directory: judged
# where it leads, refused (it could be swapped between check and read).
mkdir -p "$R/pub" && chmod 1777 "$R/pub"
(umask 077 && printf '%s\n' "$SECRET" >"$R/pub/relay.secret")
mv "$R/etc/mail/relay.secret" "$S/relay.secret.keep"
ln -s /pub/relay.secret "$R/etc/mail/relay.secret"
cp -p "$R/etc/mail/access" "$S/access.before-link"
$MP apply -f "$S/auth.yaml" --root "$R" --sendmail "$SBX" >"$S/apply-link" 2>&1
expect "secret file linked into a world-writable directory: refused" "$?" 1
check_grep "secret file linked: the directory is named" "$S/apply-link" "/pub.*(world|others)"
cmp -s "$S/access.before-link" "$R/etc/mail/access" && pass "secret file linked: the access file unchanged" ||
    fail "secret file linked: the access file unchanged"
rm -f "$R/etc/mail/relay.secret" && rm -rf "$R/pub"
mv "$S/relay.secret.keep" "$R/etc/mail/relay.secret"
# A new secret alone is a change, shown masked on both sides.
(umask 077 && printf '%s\n' "$SECRET2" >"$R/etc/mail/relay.secret")
$MP plan -f "$S/auth.yaml" --root "$R" --sendmail "$SBX" >"$S/plan-new" 2>&1
expect "a new secret: plan exits 2" "$?" 2
check_grep "a new secret: the old line, masked" "$S/plan-new" '^-AuthInfo:.*"P:\*{8}"'
check_grep "a new secret: the new line, masked" "$S/plan-new" '^\+AuthInfo:.*"P:\*{8}"'
$MP apply --json -f "$S/auth.yaml" --root "$R" --sendmail "$SBX" >"$S/apply-new.json" 2>"$S/apply-new.err"
expect "a new secret: apply exits 0" "$?" 0
check_grepF "a new secret: written" "$R/etc/mail/access" "\"P:$SECRET2\""
check_grepF "apply --json: the diff, masked" "$S/apply-new.json" 'P:********'
$MP apply -f "$S/auth.yaml" --root "$R" --sendmail "$SBX" >"$S/apply3" 2>&1
check_grepF "after the new secret: no changes" "$S/apply3" "no changes"

# import: the password is not written; tls is left out with the reason,
# and the imported state changes nothing (mailprov's entry stays).
$MP import --root "$R" --sendmail "$SBX" >"$S/import.yaml" 2>"$S/import.err"
expect "import of the host with AuthInfo: exits 0" "$?" 0
check_grepF "import: tls left out, saying it is for the AuthInfo: entry" "$S/import.yaml" \
    "the access map holds mailprov's AuthInfo:$TLS_SINK_NAME"
no_secret "import" "$S/import.yaml" "$S/import.err"
$MP plan -f "$S/import.yaml" --root "$R" --sendmail "$SBX" >"$S/import.plan" 2>&1
expect "import: plan with the imported state finds nothing to change" "$?" 0

# ---- 2. the secret in no output; the history store ----------------------
mkdir -p "$R/etc/mailprov"
install -m 0600 "$S/auth.yaml" "$R/etc/mailprov/desired.yaml"
printf 'interval: 60\nsettle: 1\nsrc_backend: mock\nsendmail: %s\n' "$SBX" \
    >"$R/etc/mailprov/mailprovd.conf"
chmod 0600 "$R/etc/mailprov/mailprovd.conf"
(umask 077 && printf '%s\n' "$SECRET" >"$R/etc/mail/relay.secret")
rm -f "$R/var/mailprov/status.json"
timeout 30 "$MPD" --root "$R" -d >"$S/mpd.out" 2>&1 &
mpd=$!
wait_for 20 test -s "$R/var/mailprov/status.json"
check_grepF "status.json: the daemon's diff, masked" "$R/var/mailprov/status.json" 'P:********'
# mailprovd watches the secret file: a new password alone is a run.
(umask 077 && printf '%s\n' "$SECRET2" >"$R/etc/mail/relay.secret")
wait_for 20 grep -qF "$SECRET2" "$R/etc/mail/access"
expect "mailprovd writes a new password within seconds (the secret file is watched)" "$?" 0
check_grepF "mailprovd: the run was for the secret file" "$S/mpd.out" "changed: /etc/mail/relay.secret"
kill -TERM "$mpd" 2>/dev/null; wait "$mpd" 2>/dev/null
$MP status --root "$R" >"$S/status" 2>&1
$MP plan --json -f "$S/auth.yaml" --root "$R" --sendmail "$SBX" >"$S/plan.json" 2>&1
$MP history --root "$R" >"$S/history" 2>&1
expect "history lists the generations" "$?" 0
$MP history --json --root "$R" >"$S/history.json" 2>&1
python3 - "$S/history.json" >"$S/history-json.out" 2>&1 <<'EOF2'
import json, sys
gens = json.load(open(sys.argv[1]))
acc = [f for g in gens for f in g["files"] if f["path"] == "/etc/mail/access"]
others = [f for g in gens for f in g["files"] if f["path"] != "/etc/mail/access"]
assert acc and all(f["before_sha256"] is None and f["after_sha256"] is None for f in acc), acc
assert others and all(len(f["after_sha256"]) in (1, 64) for f in others), others
print("ok", len(acc))
EOF2
check_grep "history --json: no sha256 of the access map's source (a guess check)" "$S/history-json.out" "^ok [0-9]"
: >"$S/history-ids"
# In enforce mode the old password cannot come back: mailprovd would
# write the secret file's again (the restore is planned against its
# bytes first).  The newest run is the one of the new secret alone.
$MP restore "$(awk 'NR == 1 {print $1}' "$S/history")" --before --dry-run --root "$R" \
    --sendmail "$SBX" >"$S/restore-old" 2>&1
expect "restore --before of the new secret: refused in enforce mode" "$?" 1
check_grepF "restore --before of the new secret: says why" "$S/restore-old" \
    "would change /etc/mail/access again (those bytes are not what it makes from this host today"
# In audit mode nothing undoes a restore: the dry runs show the diffs.
printf 'mode: audit\n' >>"$R/etc/mailprov/mailprovd.conf"
for id in $(awk '{print $1}' "$S/history"); do
	$MP history "$id" --root "$R" >>"$S/history-ids" 2>&1
	$MP restore "$id" --dry-run --root "$R" --sendmail "$SBX" >>"$S/restore-dry" 2>&1
	$MP restore "$id" --before --dry-run --root "$R" --sendmail "$SBX" >>"$S/restore-dry" 2>&1
done
sed -i '/^mode: audit$/d' "$R/etc/mailprov/mailprovd.conf"
check_grepF "history ID: the AuthInfo line, masked" "$S/history-ids" '+AuthInfo:relay.example.test	"U:relayuser" "I:relayuser" "P:********"'
check_grepF "restore --dry-run: the AuthInfo line, masked" "$S/restore-dry" '"P:********"'
# A restore writes the password root's alone too: the newest generation
# back over an access file made 0644 by hand.
newest=$(awk 'NR == 1 {print $1}' "$S/history")
chmod 0644 "$R/etc/mail/access"
$MP restore "$newest" --root "$R" --sendmail "$SBX" >"$S/restore" 2>&1
expect "restore of the newest generation exits 0" "$?" 0
expect "restore: the access file is 0600 again" "$(stat -c '%a' "$R/etc/mail/access")" 600
no_secret "every output" "$S"/restore "$S"/plan1 "$S"/apply* "$S"/plan-new "$S"/mpd.out \
    "$S"/status "$S"/plan.json "$S"/history "$S"/history.json "$S"/history-ids "$S"/restore-dry "$S"/restore-old \
    "$R"/var/mailprov/status.json
# The files that hold it are root's alone (the access file, its map and
# backups, the history's objects).
grep -rlF -e "$SECRET" -e "$SECRET2" "$R" >"$S/holders" 2>/dev/null
grep -v '/relay.secret$' "$S/holders" | while read -r f; do
	stat -c '%a %u %n' "$f"
done >"$S/holder-modes"
check_grep "the history store holds the access file" "$S/holder-modes" "/var/mailprov/"
if awk '$1 !~ /^[46]00$/ || $2 != 0' "$S/holder-modes" | grep -q .; then
	fail "every file holding the secret is 0600 or 0400, root's" "$(awk '$1 !~ /^[46]00$/ || $2 != 0' "$S/holder-modes" | head -3)"
else
	pass "every file holding the secret is 0600 or 0400, root's"
fi
find "$R/var/mailprov" -type d -perm /0077 >"$S/open-dirs"
check_nogrep "the history's directories are root's alone" "$S/open-dirs" "history|objects"

# ---- 3. refusals: nothing written, nothing shown --------------------------
# refused NAME SETUP MESSAGE [YAML [MC]]
refused() {
	local r=$S/rule
	host "$r" "${5-$S/access.mc}"
	cp -p "$r/etc/mail/access" "$S/rule.access"
	( cd "$r" && eval "$2" )
	$MP apply -f "${4-$S/auth.yaml}" --root "$r" --sendmail "$SBX" >"$S/rule.out" 2>&1
	expect "$1: apply exits 1" "$?" 1
	check_grepF "$1: says why" "$S/rule.out" "$3"
	cmp -s "$S/rule.access" "$r/etc/mail/access"
	expect "$1: the access file untouched" "$?" 0
	no_secret "$1" "$S/rule.out"
}
refused "secret 0640" "chmod 0640 etc/mail/relay.secret" \
    "auth.secret_file /etc/mail/relay.secret is group-readable"
refused "secret 0644" "chmod 0644 etc/mail/relay.secret" "/etc/mail/relay.secret is"
refused "secret owned by nobody" "chown 65534 etc/mail/relay.secret" "owned by"
desired "$S/auth-dir.yaml" encrypt "${AUTH[@]:0:2}" "    secret_file: /etc/mail/auth/relay.secret"
refused "secret in a world-writable directory" "mkdir -m 0777 etc/mail/auth; mv etc/mail/relay.secret etc/mail/auth/" \
    "auth.secret_file /etc/mail/auth/relay.secret" "$S/auth-dir.yaml"
check_grepF "... naming the directory's rule" "$S/rule.out" "writable"
refused "secret missing" "rm etc/mail/relay.secret" "/etc/mail/relay.secret"
refused "secret a directory" "rm etc/mail/relay.secret; mkdir -m 0700 etc/mail/relay.secret" "/etc/mail/relay.secret"
refused "secret empty" ": >etc/mail/relay.secret" "auth.secret_file /etc/mail/relay.secret is empty"
refused "secret of two lines" "printf '%s\nsecond\n' '$SECRET' >etc/mail/relay.secret" \
    "auth.secret_file /etc/mail/relay.secret has more than one line"
refused "secret with a quote" "printf 'a\"%s\n' '$SECRET' >etc/mail/relay.secret" \
    "auth.secret_file /etc/mail/relay.secret holds a '\"'"
refused "secret with a NUL" "printf 'a\\0%s\n' '$SECRET' >etc/mail/relay.secret" \
    "auth.secret_file /etc/mail/relay.secret holds a NUL byte"
desired "$S/auth-none.yaml" none "${AUTH[@]}"
refused "PLAIN without TLS to the smart host" : \
    "sendmail.auth: PLAIN or LOGIN sends the password in clear, and nothing makes sendmail use TLS to the smart host" \
    "$S/auth-none.yaml"
desired "$S/auth-nomech.yaml" none "${AUTH[@]:0:3}"
refused "no mechanisms without TLS" : "sendmail may choose PLAIN or LOGIN" "$S/auth-nomech.yaml"
desired "$S/auth-cram.yaml" none "${AUTH[@]:0:3}" "    mechanisms: [CRAM-MD5]"
refused "no access map" : "sendmail.auth needs the access map, and /etc/mail/sendmail.cf has no access map (no Kaccess line)" \
    "$S/auth-cram.yaml" tests/fixtures/m4-aix.mc
refused "an authinfo ruleset that does not read the access map" \
    "sed -i 's/^R\\(.*\\\$(access AuthInfo\\)/#R\\1/' etc/mail/sendmail.cf" \
    "has no authinfo ruleset that reads AuthInfo: from it" "$S/auth-cram.yaml"
refused "FEATURE(authinfo)" : "has an authinfo map (Kauthinfo" "$S/auth-cram.yaml" "$S/authinfo.mc"
# A smart host without brackets: a warning (MX hosts may not match).
sed 's/smart_host: "\[\(.*\)\]"/smart_host: "\1"/' "$S/auth-cram.yaml" >"$S/auth-mx.yaml"
r=$S/mx
host "$r"
$MP plan -f "$S/auth-mx.yaml" --root "$r" --sendmail "$SBX" >"$S/mx.out" 2>&1
expect "auth, smart host without brackets: plan exits 2" "$?" 2
check_grepF "... with a warning about MX hosts" "$S/mx.out" \
    "warning: sendmail.auth: smart_host $TLS_SINK_NAME has no brackets"
# CRAM-MD5 alone needs no TLS requirement.
r=$S/cram
host "$r"
$MP apply -f "$S/auth-cram.yaml" --root "$r" --sendmail "$SBX" >"$S/cram.out" 2>&1
expect "CRAM-MD5 without require_smart_host: apply exits 0" "$?" 0
check_grepF "CRAM-MD5: the entry has M:CRAM-MD5" "$r/etc/mail/access" '"M:CRAM-MD5"'

# ---- 4. auth left out: mailprov's entry goes, the admin's stays ----------
$MP plan -f "$S/noauth.yaml" --root "$R" --sendmail "$SBX" >"$S/remove.plan" 2>&1
check_grep "auth left out: the plan shows the removal, masked" "$S/remove.plan" '^-AuthInfo:.*"P:\*{8}"'
$MP apply -f "$S/noauth.yaml" --root "$R" --sendmail "$SBX" >"$S/remove.out" 2>&1
expect "auth left out: apply exits 0" "$?" 0
check_nogrep "auth left out: mailprov's AuthInfo entry goes" "$R/etc/mail/access" "^AuthInfo:"
no_secret "auth left out" "$S/remove.plan" "$S/remove.out"
r=$S/admin
host "$r"
printf 'AuthInfo:%s\t"U:admin" "P:%s" "M:PLAIN"\n' "$TLS_SINK_NAME" "$SECRET" >>"$r/etc/mail/access"
chmod 0600 "$r/etc/mail/access"
$MP apply -f "$S/noauth.yaml" --root "$r" --sendmail "$SBX" >"$S/admin.out" 2>&1
expect "the admin's AuthInfo entry, auth left out: apply exits 0" "$?" 0
check_grepF "the admin's AuthInfo entry stays" "$r/etc/mail/access" '"U:admin"'
check_grepF "... with a warning" "$S/admin.out" "AuthInfo:$TLS_SINK_NAME in /etc/mail/access is not a value mailprov writes: kept"
no_secret "the admin's entry" "$S/admin.out"

# ---- 5. a failed run leaves the old access file and its map --------------
r=$S/fail
host "$r"
makemap -C "$r/etc/mail/sendmail.cf" hash "$r/etc/mail/access" <"$r/etc/mail/access"
cp -p "$r/etc/mail/access" "$S/fail.access"
printf 'defined=1\nstate=active\npid=3342\ngroup=mail\npath=/usr/lib/sendmail\nargs=-bd -q30m\ncontact=-K\nboot=1\n' \
    >"$r/var/mailprov/src/sendmail.rec"
sh tests/fakeaix/mkfake.sh "$r/bin" "$r/var/mailprov/src"
printf 'start /usr/lib/sendmail "$src_running" "-bd -q${qpi}"\n' >"$r/etc/rc.tcpip"
echo refresh >"$r/var/mailprov/src/fail"
{ cat "$S/auth.yaml"; printf 'service:\n  state: running\n'; } >"$S/auth-svc.yaml"
$MP apply -f "$S/auth-svc.yaml" --root "$r" --sendmail "$SBX" --src-backend exec \
    --src-bindir "$r/bin" --verify-port none --verify-bv no >"$S/fail.out" 2>&1
expect "failing refresh: apply exits 1" "$?" 1
cmp -s "$S/fail.access" "$r/etc/mail/access"
expect "failing refresh: the old access file is back" "$?" 0
makemap -u -C "$r/etc/mail/sendmail.cf" hash "$r/etc/mail/access" >"$S/fail.map" 2>&1
check_nogrep "failing refresh: the map was rebuilt from the old file" "$S/fail.map" "authinfo:"
no_secret "failing refresh" "$S/fail.out"

[ "$fails" -eq 0 ]
