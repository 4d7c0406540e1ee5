#!/bin/bash
# ansible_test.sh - the role conf/ansible/roles/mailprov with the real
# ansible-playbook (Debian's ansible package: sh tests/deps.sh pkg),
# -c local against localhost, on a sandbox root (mp_root: m4-built
# sendmail.cf, the mock SRC backend, the sendmail sandbox).  Without
# ansible-playbook, or not root, it prints SKIP.
#
# First run: changed.  Second: ok, changed=0.  A drifted root in check
# mode (--check --diff): changed, plan's diff shown, nothing written.  A
# bad desired state: failed with mailprov's file:line:col, nothing
# written.  A marker in the desired state never appears in any output.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup ansible

command -v ansible-playbook >/dev/null 2>&1 || {
	echo "SKIP: ansible_test needs ansible-playbook (Debian: sh tests/deps.sh pkg installs ansible)"
	exit 0
}
[ "$(id -u)" = 0 ] || { echo "SKIP: ansible_test needs root (the sandbox sendmail)"; exit 0; }
t0=$(date +%s)

R=$(mp_root host) || { fail "sandbox root"; exit 1; }
SECRET=mp-never-print-7f3a91
cp conf/desired.yaml "$S/desired.yaml"
printf '# auth secret_file for the relay: %s\n' "$SECRET" >>"$S/desired.yaml"
printf 'version: 1\nsendmail:\n  smart_hots: x\n# %s\n' "$SECRET" >"$S/bad.yaml"

export ANSIBLE_ROLES_PATH=$PWD/conf/ansible/roles ANSIBLE_NOCOLOR=1 \
    ANSIBLE_LOCAL_TEMP=$S/ansible-local ANSIBLE_REMOTE_TEMP=$S/ansible-remote \
    ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
    ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0 \
    ANSIBLE_HOME=$S/ansible-home
# play FILE: a playbook applying the role with FILE as the desired state.
play() {
	cat >"$S/play.yml" <<EOP
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    mailprov_desired_file: $1
    mailprov_bin: $MP
    mailprov_root: $R
    mailprov_src_backend: mock
    mailprov_sendmail: $SBX
  roles:
    - mailprov
EOP
}
# run NAME [ARGS...]: ansible-playbook; $S/NAME.out, $rc, $recap
run() {
	local n=$1
	shift
	ansible-playbook -i localhost, -c local "$S/play.yml" "$@" >"$S/$n.out" 2>&1
	rc=$?
	recap=$(sed -n 's/^localhost *: *\(ok=[0-9]* *changed=[0-9]* *unreachable=[0-9]* *failed=[0-9]*\).*/\1/p' "$S/$n.out" | tr -s ' ')
}
# snap: every file under the root with its content and mode (the lock
# file's pid aside), to show that nothing was written.
snap() {
	(cd "$R" && find . -type f ! -name lock -printf '%p %m ' -exec sha256sum {} \; | sort)
}

play "$S/desired.yaml"
run first
expect "first run exits 0" "$rc" 0
expect "first run: changed" "$recap" "ok=3 changed=1 unreachable=0 failed=0"
check_grepF "first run: the outcome is mailprov's" "$S/first.out" "mailprov: changed"
cmp -s "$R/etc/mailprov/desired.yaml" "$S/desired.yaml" && pass "first run: the desired state placed" ||
    fail "first run: the desired state placed"
expect "first run: mode 0600, root" "$(stat -c %a:%u "$R/etc/mailprov/desired.yaml")" 600:0
check_grep "first run: sendmail.cf now sends to the smart host" "$R/etc/mail/sendmail.cf" '^DS\[?smtprelay\.example\.net'

run second
expect "second run exits 0" "$rc" 0
expect "second run: ok, changed=0" "$recap" "ok=3 changed=0 unreachable=0 failed=0"
check_grepF "second run: converged" "$S/second.out" "mailprov: converged"

# Drift: a hand edit; check mode reports it and writes nothing.
printf 'drifted.example.org\n' >>"$R/etc/mail/relay-domains"
before=$(snap)
run check --check --diff
expect "check mode exits 0" "$rc" 0
expect "check mode on a drifted root: changed" "$recap" "ok=3 changed=1 unreachable=0 failed=0"
check_grep "check mode --diff: plan's diff of relay-domains" "$S/check.out" '^-drifted\.example\.org$'
check_grepF "check mode --diff: the file named" "$S/check.out" "relay-domains"
expect "check mode wrote nothing under the root" "$(snap)" "$before"

# A bad desired state: failed, mailprov's message, nothing written.
play "$S/bad.yaml"
run bad
expect "bad desired state: ansible-playbook exits 2" "$rc" 2
expect "bad desired state: failed=1" "$recap" "ok=1 changed=0 unreachable=0 failed=1"
check_grepF "bad desired state: mailprov's file:line:col" "$S/bad.out" "bad.yaml:3:3: unknown key 'smart_hots' in sendmail"
expect "bad desired state: nothing written" "$(snap)" "$before"
run badcheck --check
expect "bad desired state in check mode: failed too" "$recap" "ok=1 changed=0 unreachable=0 failed=1"

# Secrets: the desired state's text appears in no output, even -vvv.
play "$S/desired.yaml"
run verbose -vvv --diff
expect "verbose run exits 0 (drift repaired)" "$rc" 0
expect "verbose run: changed" "$recap" "ok=3 changed=1 unreachable=0 failed=0"
leaks=$(grep -l "$SECRET" "$S"/*.out 2>/dev/null | tr '\n' ' ')
expect "the desired state's text is never printed (-vvv, --diff, errors)" "$leaks" ""
grep -q "$SECRET" "$R/etc/mailprov/desired.yaml" && pass "the marker is in the placed file (so the search could find it)" ||
    fail "the marker is in the placed file (so the search could find it)"
echo "ansible_test: $(( $(date +%s) - t0 )) s"
exit $((fails > 0))
