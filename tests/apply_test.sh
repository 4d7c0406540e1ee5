#!/bin/bash
# apply_test.sh - mailprov plan and apply on sandbox roots holding real
# sendmail.cf files (generated with m4 at test time, and the AIX-shaped
# fixture), with the real sendmail as the oracle of the result.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup apply
. tests/smlib.sh

# mkroot NAME KIND: a root with /etc/mail/sendmail.cf of KIND (m4, nocw,
# aix) and a small aliases file; prints its path.
mkroot() {
	local r=$S/$1
	mkdir -p "$r/etc/mail"
	case $2 in
	m4) sh tests/mkcf.sh tests/fixtures/m4-aix.mc "$r/etc/mail/sendmail.cf" ;;
	nocw) sh tests/mkcf.sh tests/fixtures/m4-nocw.mc "$r/etc/mail/sendmail.cf" ;;
	aix)
		cp tests/fixtures/aix-sendmail.cf "$r/etc/mail/sendmail.cf"
		ln -s mail/sendmail.cf "$r/etc/sendmail.cf"
		;;
	esac
	printf '# local aliases\npostmaster: root\nMAILER-DAEMON: postmaster\nops: carol,\n\tdave\nold: x\n' \
	    >"$r/etc/mail/aliases"
	echo "$r"
}

# desired FILE CONFIG [extra yaml]: the README example pointed at CONFIG,
# without its service section (SRC has its own test: service_test.sh).
desired() {
	sed "s#^  config: /etc/mail/sendmail.cf#  config: $2#" conf/desired.yaml |
	    awk '/^service:/ { skip = 1; next } /^[a-z]/ { skip = 0 } !skip' >"$1"
	[ $# -gt 2 ] && printf '%s\n' "$3" >>"$1"
	return 0
}

# snapshot ROOT: inode, mtime, size and checksum of every file.
snapshot() {
	(cd "$1" && find etc ro -type f -o -type l 2>/dev/null | sort | while read -r f; do
		printf '%s %s\n' "$f" "$(stat -c '%i %Y %s' "$f") $(cksum <"$f")"
	done)
}

# oracle CF MAILDIR: sendmail's view of the result, one fact per line.
oracle() {
	SM_MAILDIR=$2
	export SM_MAILDIR
	echo "w=$(sm_macro "$1" w)"
	echo "m=$(sm_macro "$1" m)"
	echo "S=$(sm_macro "$1" S)"
	echo "classw=$(sm_class "$1" w | tr '\n' ' ')"
	echo "remote=$(sm_parse "$1" someone@remote.example)"
	echo "domain=$(sm_parse "$1" someone@mailhub.example.net)"
	echo "local=$(sm_parse "$1" root@dmspar02.example.net)"
	unset SM_MAILDIR
}

# masked CHANGED-LINES: what changed outside the managed lines.
unmanaged_changes() {
	diff "$1" "$2" | grep '^[<>]' |
	    grep -vE '^[<>] #?(D[wmjS]|F[wR]|Cw|R)' || true
}
tabs() { tr -cd '\t' <"$1" | wc -c; }
rlines() { grep -c "$(printf '^#*R[^\t]*\t')" "$1"; }

check_result() {	# check_result NAME ROOT CF ORIG
	local o
	o=$(oracle "$3" "$2/etc/mail")
	# says NAME LINE: LINE is one of the oracle's lines.
	says() { if printf '%s\n' "$o" | grep -qxF -- "$2"; then pass "$1"; else fail "$1" "$(printf '%s' "$o" | tr '\n' ';')"; fi; }
	says "$1: sendmail says \$w" "w=dmspar02"
	says "$1: sendmail says \$m" "m=example.net"
	says "$1: sendmail says \$S" "S=[smtprelay.example.net]"
	if printf '%s\n' "$o" | grep '^classw=' | grep -q 'mail.example.net' &&
	    printf '%s\n' "$o" | grep '^classw=' | grep -q 'dmspar02 '; then
		pass "$1: \$=w holds the accepted names"
	else fail "$1: \$=w holds the accepted names" "$(printf '%s' "$o" | grep classw)"; fi
	says "$1: remote mail goes to the smart host" "remote=relay [smtprelay.example.net] someone@remote.example"
	says "$1: local-domain mail goes to the smart host" "domain=relay [smtprelay.example.net] someone@mailhub.example.net"
	says "$1: root@host.domain stays local" "local=local - root"
	expect "$1: nothing changed outside managed lines" "$(unmanaged_changes "$4" "$3")" ""
	expect "$1: TAB characters kept" "$(tabs "$3")" "$(tabs "$4")"
	expect "$1: R lines with TABs kept" "$(rlines "$3")" "$(rlines "$4")"
}

for kind in m4 nocw aix; do
	R=$(mkroot "$kind" "$kind")
	D=$S/$kind.yaml
	if [ "$kind" = aix ]; then desired "$D" /etc/sendmail.cf; else desired "$D" /etc/mail/sendmail.cf; fi
	cp "$R/etc/mail/sendmail.cf" "$S/$kind.orig.cf"
	before=$(snapshot "$R")
	$MP plan -f "$D" --root "$R" >"$S/$kind.plan" 2>&1
	expect "$kind: plan exits 2 when there are changes" "$?" 2
	expect "$kind: plan writes nothing" "$(snapshot "$R")" "$before"
	grep -q '^--- a/etc/mail/sendmail.cf$' "$S/$kind.plan" &&
	    grep -q '^+++ b/etc/mail/sendmail.cf$' "$S/$kind.plan" &&
	    pass "$kind: plan shows a unified diff of the real file" ||
	    fail "$kind: plan shows a unified diff of the real file" "$(head -3 "$S/$kind.plan")"
	$MP apply -f "$D" --root "$R" --sendmail "$SBX" >"$S/$kind.apply" 2>&1
	expect "$kind: apply exits 0" "$?" 0
	check_grepF "$kind: apply asked sendmail first" "$S/$kind.apply" 'sendmail accepts the new configuration'
	check_result "$kind" "$R" "$R/etc/mail/sendmail.cf" "$S/$kind.orig.cf"
	expect "$kind: local-host-names holds the desired names" \
	    "$(tr '\n' ' ' <"$R/etc/mail/local-host-names")" \
	    "localhost dmspar02 dmspar02.example.net mail.example.net "
	expect "$kind: relay-domains holds the desired entries" \
	    "$(tr '\n' ' ' <"$R/etc/mail/relay-domains")" "example.net 10.20.30 "
	grep -q '^ops: alice, bob$' "$R/etc/mail/aliases" && grep -q '^old: x$' "$R/etc/mail/aliases" &&
	    grep -q '^# local aliases$' "$R/etc/mail/aliases" && ! grep -q dave "$R/etc/mail/aliases" &&
	    pass "$kind: aliases merged, others and comments kept" ||
	    fail "$kind: aliases merged, others and comments kept" "$(cat "$R/etc/mail/aliases")"
	[ -f "$R/etc/mail/aliases.db" ] && pass "$kind: alias database rebuilt" || fail "$kind: alias database rebuilt"
	n=$(ls "$R/etc/mail" | grep -cE '\.[0-9]{8}-[0-9]{6}$')
	expect "$kind: one backup per changed file that existed" "$n" 2
	cmp -s "$(ls "$R"/etc/mail/sendmail.cf.2* | head -1)" "$S/$kind.orig.cf" &&
	    pass "$kind: the backup holds the previous bytes" || fail "$kind: the backup holds the previous bytes"
	after=$(snapshot "$R")
	$MP apply -f "$D" --root "$R" --sendmail "$SBX" >"$S/$kind.again" 2>&1
	expect "$kind: second apply exits 0" "$?" 0
	expect "$kind: second apply says no changes" "$(cat "$S/$kind.again")" "mailprov: no changes"
	expect "$kind: second apply touches nothing (inode, mtime, no backup)" "$(snapshot "$R")" "$after"
	$MP plan -f "$D" --root "$R" >/dev/null 2>&1
	expect "$kind: plan after apply exits 0" "$?" 0
done

R=$S/aix
[ -L "$R/etc/sendmail.cf" ] && [ "$(readlink "$R/etc/sendmail.cf")" = mail/sendmail.cf ] &&
    pass "aix: /etc/sendmail.cf is still a symbolic link" || fail "aix: /etc/sendmail.cf is still a symbolic link"
grep -q 'enabled the rule that forwards all mail' "$S/aix.plan" &&
    grep -q 'commented out the rule that sends local-domain' "$S/aix.plan" &&
    pass "aix: plan says which rules it switched" || fail "aix: plan says which rules it switched"
check_grep "nocw: an Fw line is added" "$S/nocw.plan" '^\+Fw-o /etc/mail/local-host-names$' "$(grep Fw "$S/nocw.plan")"

# A managed line given twice is reduced to one active line.
R=$(mkroot dup aix)
printf 'DSold.relay.example.net\n' >>"$R/etc/mail/sendmail.cf"
desired "$S/dup.yaml" /etc/mail/sendmail.cf
$MP plan -f "$S/dup.yaml" --root "$R" >"$S/dup.plan" 2>&1
check_grep "duplicate DS: the plan says so" "$S/dup.plan" \
    '^note: DS was defined more than once: kept line 49, commented out line 235$' "$(grep note "$S/dup.plan")"
$MP apply -f "$S/dup.yaml" --root "$R" --sendmail "$SBX" >/dev/null 2>&1
expect "duplicate DS: one active DS line left" "$(grep -c '^DS' "$R/etc/mail/sendmail.cf")" 1

# relay_all on a file with no rule that can do it: an error at the key.
R=$(mkroot norule aix)
sed -i '/^#R\$\* < @ \$\* > \$\*.*\$#relay \$@ \$S/d' "$R/etc/mail/sendmail.cf"
desired "$S/norule.yaml" /etc/mail/sendmail.cf
before=$(snapshot "$R")
$MP apply -f "$S/norule.yaml" --root "$R" --sendmail "$SBX" >"$S/norule.out" 2>&1
expect "relay_all without a rule: exit 1" "$?" 1
check_grep "relay_all without a rule: path:line:col message" "$S/norule.out" \
    "^$S/norule.yaml:[0-9]+:14: sendmail.relay_all is true, but in /etc/mail/sendmail.cf no ruleset-0 rule"
expect "relay_all without a rule: nothing changed" "$(snapshot "$R")" "$before"

# A candidate the real sendmail rejects: nothing is written.
R=$(mkroot reject m4)
# An unmanaged line sendmail does not understand: it refuses the file.
printf 'Xthis is no configuration line\n' >>"$R/etc/mail/sendmail.cf"
desired "$S/reject.yaml" /etc/mail/sendmail.cf
before=$(snapshot "$R")
$MP apply -f "$S/reject.yaml" --root "$R" --sendmail "$SBX" >"$S/reject.out" 2>&1
expect "sendmail rejects the candidate: exit 1" "$?" 1
# The line is the admin's: already in the current file, not mailprov's edit.
n=$(wc -l <"$R/etc/mail/sendmail.cf")
check_grep "sendmail rejects the candidate: the message says so" "$S/reject.out" \
    "sendmail already rejects the current /etc/mail/sendmail\\.cf at line $n: Xthis: .=. expected \\(not mailprov's edit"
expect "sendmail rejects the candidate: nothing changed" "$(snapshot "$R")" "$before"
[ -z "$(find "$R" -name '.*.mailprov.*')" ] && pass "no temporary file left" || fail "no temporary file left"

# No sendmail binary: refuse unless --no-validate.
R=$(mkroot nosm m4)
before=$(snapshot "$R")
$MP apply -f "$S/reject.yaml" --root "$R" --sendmail /nonexistent/sendmail >"$S/nosm.out" 2>&1
expect "no sendmail: exit 1" "$?" 1
check_grepF "no sendmail: says how to go on" "$S/nosm.out" 'use --no-validate'
expect "no sendmail: nothing changed" "$(snapshot "$R")" "$before"

# A read-only directory: the first write fails, nothing changes.
R=$(mkroot ro m4)
before=$(snapshot "$R")
unshare -m sh -c "mount --bind '$R/etc/mail' '$R/etc/mail' && mount -o remount,ro,bind '$R/etc/mail' &&
    exec '$MP' apply -f '$S/reject.yaml' --root '$R' --sendmail '$SBX'" >"$S/ro.out" 2>&1
expect "read-only directory: exit 1" "$?" 1
check_grepF "read-only directory: the message names the cause" "$S/ro.out" 'Read-only file system'
expect "read-only directory: nothing changed" "$(snapshot "$R")" "$before"

# A failure after files were replaced: the cf's rename fails (its
# directory is read-only) after the list files and aliases were written:
# every replaced file is restored.
R=$(mkroot late m4)
mkdir -p "$R/ro"
mv "$R/etc/mail/sendmail.cf" "$R/ro/sendmail.cf"
ln -s ../../ro/sendmail.cf "$R/etc/mail/sendmail.cf"
printf 'old.example.net\n' >"$R/etc/mail/local-host-names"
before=$(cd "$R" && cksum etc/mail/aliases etc/mail/local-host-names ro/sendmail.cf)
unshare -m sh -c "mount --bind '$R/ro' '$R/ro' && mount -o remount,ro,bind '$R/ro' &&
    exec '$MP' apply -f '$S/reject.yaml' --root '$R' --no-validate --sendmail '$SBX'" >"$S/late.out" 2>&1
expect "late failure: exit 1" "$?" 1
grep -q '^mailprov: restored /etc/mail/local-host-names$' "$S/late.out" &&
    grep -q '^mailprov: restored /etc/mail/aliases$' "$S/late.out" &&
    grep -q '^mailprov: removed the new file /etc/mail/relay-domains$' "$S/late.out" &&
    pass "late failure: the replaced files are put back" || fail "late failure: the replaced files are put back" "$(cat "$S/late.out")"
expect "late failure: every file as before" "$(cd "$R" && cksum etc/mail/aliases etc/mail/local-host-names ro/sendmail.cf)" "$before"
[ ! -e "$R/etc/mail/relay-domains" ] && pass "late failure: the new file is gone" || fail "late failure: the new file is gone"

# The alias rebuild fails after the files were replaced (unchecked, so
# that it is the real rebuild that fails): the files go back too.
R=$(mkroot bi m4)
before=$(cd "$R" && find etc -type f | sort | xargs cksum)
$MP apply -f "$S/reject.yaml" --root "$R" --sendmail "$MP_TOP/tests/sendmail-fail-bi" --no-validate >"$S/bi.out" 2>&1
expect "rebuild failure: exit 1" "$?" 1
check_grepF "rebuild failure: the message names the step" "$S/bi.out" \
    'rebuilding the alias database (sendmail -bi) failed, exit 75: newaliases: cannot rebuild'
check_grep "rebuild failure: the files are put back" "$S/bi.out" '^mailprov: restored /etc/mail/aliases$'
expect "rebuild failure: managed files as before" \
    "$(cd "$R" && find etc -type f ! -name '*.2*' | sort | xargs cksum)" "$before"
# Checked first (the default), the same failure is found before a write.
R=$(mkroot bicheck m4)
before=$(cd "$R" && find etc -type f | sort | xargs cksum)
$MP apply -f "$S/reject.yaml" --root "$R" --sendmail "$MP_TOP/tests/sendmail-fail-bi" >"$S/bicheck.out" 2>&1
expect "rebuild failure, checked: exit 1" "$?" 1
check_grepF "rebuild failure, checked: found by the candidate check" "$S/bicheck.out" \
    'sendmail cannot build the alias database from the new /etc/mail/aliases: rebuilding the alias database (sendmail -bi) failed, exit 75: newaliases: cannot rebuild'
check_nogrep "rebuild failure, checked: nothing written" "$S/bicheck.out" '^mailprov: wrote '
expect "rebuild failure, checked: every file as before, no backup" \
    "$(cd "$R" && find etc -type f | sort | xargs cksum)" "$before"

# Two applies at once: the second waits, then gives up with the holder.
R=$(mkroot lock m4)
cat >"$S/sm-slow" <<EOF2
#!/bin/sh
sleep 3
exec '$SBX' "\$@"
EOF2
chmod +x "$S/sm-slow"
$MP apply -f "$S/reject.yaml" --root "$R" --sendmail "$S/sm-slow" >"$S/lock1.out" 2>&1 &
first=$!
sleep 1
$MP apply -f "$S/reject.yaml" --root "$R" --sendmail "$SBX" --lock-wait 0 >"$S/lock2.out" 2>&1
expect "concurrent apply: the second exits 1" "$?" 1
check_grepF "concurrent apply: names the holder" "$S/lock2.out" "another mailprov (pid $first) holds"
wait $first
expect "concurrent apply: the first still succeeds" "$?" 0

# Backups: only the newest backups.keep are kept.
R=$(mkroot keep m4)
for i in 1 2 3 4; do
	desired "$S/keep.yaml" /etc/mail/sendmail.cf
	sed -i -e "s/^      ops: \[alice, bob\]/      ops: [alice, bob, u$i]/" \
	    -e 's/^  keep: 10$/  keep: 2/' "$S/keep.yaml"
	$MP apply -f "$S/keep.yaml" --root "$R" --sendmail "$SBX" >/dev/null 2>&1 || fail "keep: apply $i"
	sleep 1
done
expect "backups.keep 2: two aliases backups left" "$(ls "$R/etc/mail" | grep -c '^aliases\.[0-9]')" 2

# A directory link pointing out of the root is followed inside the root.
R=$S/escape
mkdir -p "$R/etc" "$S/outside/mail"
cp tests/fixtures/aix-sendmail.cf "$S/outside/mail/sendmail.cf"
ln -s "$S/outside/mail" "$R/etc/mail"
desired "$S/escape.yaml" /etc/mail/sendmail.cf
before=$(cksum "$S/outside/mail/sendmail.cf")
$MP apply -f "$S/escape.yaml" --root "$R" --sendmail "$SBX" >"$S/escape.out" 2>&1
expect "link out of the root: exit 1" "$?" 1
check_grepF "link out of the root: the file is looked for inside" "$S/escape.out" "cannot read"
expect "link out of the root: the outside file is untouched" "$(cksum "$S/outside/mail/sendmail.cf")" "$before"
expect "link out of the root: nothing created outside" "$(ls "$S/outside/mail")" "sendmail.cf"

# Fw and FR naming one file: refused, not written twice.
R=$(mkroot samefile aix)
sed -i 's#^FR-o /etc/mail/relay-domains#FR-o /etc/mail/local-host-names#' "$R/etc/mail/sendmail.cf"
desired "$S/samefile.yaml" /etc/mail/sendmail.cf
before=$(snapshot "$R")
$MP plan -f "$S/samefile.yaml" --root "$R" >"$S/samefile.out" 2>&1
expect "Fw and FR on one file: exit 1" "$?" 1
check_grepF "Fw and FR on one file: says so" "$S/samefile.out" "are the same file, /etc/mail/local-host-names"
expect "Fw and FR on one file: nothing changed" "$(snapshot "$R")" "$before"

rm -rf "$S"
exit $((fails > 0))
