#!/bin/bash
# tests/fixture_test.sh -- check the sendmail.cf fixtures with the real
# sendmail binary (Debian sendmail-bin) and the m4 cf macros (sendmail-cf).
#
#   tests/fixtures/m4-aix.mc       built with tests/mkcf.sh, then loaded
#   tests/fixtures/m4-cyrus.mc,    local mail to cyrusv2 / dovecot mailers:
#   tests/fixtures/m4-dovecot.mc   built, loaded, the local route asked
#   tests/fixtures/aix-sendmail.cf hand-written, AIX-shaped; loaded as is and
#                                  in edited copies (DS, relay rule, AIX rule)
#
# One line per check: "PASS: name" or "FAIL: name (got X, want Y)".
# Exit status 1 if any check failed.  Needs root (see tests/smlib.sh).

set -u
. "$(dirname "$0")/testenv.sh"
mp_setup
here=$PWD/tests
# shellcheck source=tests/smlib.sh
. "$here/smlib.sh"

fx=$here/fixtures
aix=$fx/aix-sendmail.cf
export SM_HOSTNAME=dmspar02.example.net
unset SM_MAILDIR

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fixture_test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# check_has NAME LIST ITEM -- ITEM is one of the lines of LIST
check_has() {
	if printf '%s\n' "$2" | grep -qxF -- "$3"; then
		pass "$1"
	else
		fail "$1" "got '$(printf '%s' "$2" | tr '\n' ' ')', want a line '$3'"
	fi
}

# check_lint NAME CF -- sendmail loads CF without any diagnostic
check_lint() {
	local diag
	if diag=$(sm_lint "$2"); then
		pass "$1"
	else
		fail "$1" "got '$(printf '%s' "$diag" | tr '\n' '|')', want no diagnostics, exit 0"
	fi
}

# line_after CF REGEX -- the line that follows the first line matching REGEX
line_after() {
	awk -v re="$2" 'hit { print; exit } $0 ~ re { hit = 1 }' "$1"
}

TAB=$(printf '\t')

########################################################################
# m4-generated cf (tests/mkcf.sh + tests/fixtures/m4-aix.mc)
########################################################################

m4cf=$tmp/m4-aix.cf
if "$here/mkcf.sh" "$fx/m4-aix.mc" "$m4cf" 2>"$tmp/mkcf.err"; then
	rc=0
else
	rc=$?
fi
expect "m4: mkcf.sh exits 0" "$rc $(cat "$tmp/mkcf.err")" "0 "
expect "m4: output has the version line" "$(grep -m1 '^V' "$m4cf" 2>/dev/null)" "V10/Berkeley"
expect "m4: aix5 local mailer is bellmail" \
	"$(grep -m1 '^Mlocal,' "$m4cf" 2>/dev/null | sed 's/,.*P=/ /; s/,.*//')" "Mlocal /bin/bellmail"
expect "m4: Fw line is optional local-host-names" \
	"$(grep '^Fw' "$m4cf")" "Fw-o /etc/mail/local-host-names"
expect "m4: FR line is optional relay-domains" \
	"$(grep '^FR' "$m4cf")" "FR-o /etc/mail/relay-domains"
expect "m4: empty DS after the Smart relay host comment" \
	"$(line_after "$m4cf" '^# "Smart" relay host')" "DS"
expect "m4: AliasFile" "$(grep '^O AliasFile=' "$m4cf")" "O AliasFile=/etc/mail/aliases"

# a failing build leaves no output file behind
if SENDMAIL_CF_DIR=$tmp/nowhere "$here/mkcf.sh" "$fx/m4-aix.mc" "$tmp/none.cf" 2>"$tmp/mkcf.err"; then
	rc=0
else
	rc=$?
fi
expect "m4: mkcf.sh fails without the cf macros" \
	"$rc $(test -e "$tmp/none.cf" && echo written) $(grep -c 'install sendmail-cf' "$tmp/mkcf.err")" "1  1"

check_lint "m4: sendmail loads the generated cf" "$m4cf"
# Local mail through mailers not named "local" (realworld_test.sh).
for f in cyrus:cyrusv2 dovecot:dovecot; do
	"$here/mkcf.sh" "$fx/m4-${f%%:*}.mc" "$tmp/${f%%:*}.cf" 2>"$tmp/mkcf.err"
	expect "m4-${f%%:*}: mkcf.sh builds it" "$? $(cat "$tmp/mkcf.err")" "0 "
	check_lint "m4-${f%%:*}: sendmail loads it" "$tmp/${f%%:*}.cf"
	expect "m4-${f%%:*}: local users go to the ${f#*:} mailer" \
		"$(sm_parse "$tmp/${f%%:*}.cf" root@dmspar02.example.net)" "${f#*:} - root"
done
expect "m4: \$w is the short host name" "$(sm_macro "$m4cf" w)" "dmspar02"
expect "m4: \$j is the qualified host name" "$(sm_macro "$m4cf" j)" "dmspar02.example.net"
expect "m4: \$m is the domain" "$(sm_macro "$m4cf" m)" "example.net"
expect "m4: \$S (smart host) is empty" "$(v=$(sm_macro "$m4cf" S); echo "status $? value '$v'")" "status 0 value ''"
m4w=$(sm_class "$m4cf" w)
expect "m4: \$=w without local-host-names" "$(printf '%s\n' "$m4w" | tr '\n' ' ')" \
	"[127.0.0.1] dmspar02.example.net localhost "
mkdir "$tmp/maildir"
printf 'mail.example.net\n' >"$tmp/maildir/local-host-names"
printf 'example.org\n10.20.30\n' >"$tmp/maildir/relay-domains"
check_has "m4: \$=w reads /etc/mail/local-host-names (Fw-o)" \
	"$(SM_MAILDIR=$tmp/maildir sm_class "$m4cf" w)" "mail.example.net"
expect "m4: \$=R reads /etc/mail/relay-domains (FR-o)" \
	"$(SM_MAILDIR=$tmp/maildir sm_class "$m4cf" R | tr '\n' ' ')" "10.20.30 example.org "
expect "m4: remote address goes esmtp to its host" \
	"$(sm_parse "$m4cf" user@remote.example.org)" "esmtp remote.example.org user@remote.example.org"
expect "m4: root is local" "$(sm_parse "$m4cf" root)" "local - root"

########################################################################
# hand-written AIX-shaped cf (tests/fixtures/aix-sendmail.cf)
########################################################################

expect "aix: under 400 lines" "$([ "$(wc -l <"$aix")" -lt 400 ] && echo yes)" "yes"
expect "aix: version line" "$(grep '^V' "$aix")" "V10/Berkeley"
expect "aix: header says written for mailprov's tests" \
	"$(head -5 "$aix" | grep -ci "written for mailprov's tests")" "1"

# every R line (active or commented out): LHS TAB RHS [TAB comment], no
# empty field, and no run of spaces standing in for a TAB
nr=$(grep -c '^#\{0,1\}R' "$aix")
bad=$(grep '^#\{0,1\}R' "$aix" |
	awk -v re="^#?R[^${TAB}]*[^ ${TAB}]${TAB}[^ ${TAB}][^${TAB}]*(${TAB}[^${TAB}]*)?\$" \
		'$0 !~ re || /  / { n++ } END { print n + 0 }')
expect "aix: all $nr R lines are TAB-separated" "$bad bad of $([ "$nr" -ge 40 ] && echo 'many')" "0 bad of many"

expect "aix: commented example Dw line" "$(grep -c '^#Dw' "$aix")" "1"
expect "aix: commented example Dm line" "$(grep -c '^#Dm' "$aix")" "1"
expect "aix: Cwlocalhost line" "$(grep -x 'Cwlocalhost' "$aix")" "Cwlocalhost"
expect "aix: commented Fw line" "$(grep '^#Fw' "$aix")" "#Fw-o /etc/mail/local-host-names"
expect "aix: FR line" "$(grep '^FR' "$aix")" "FR-o /etc/mail/relay-domains"
expect "aix: empty DS after the Smart relay host comment" \
	"$(line_after "$aix" '^# "Smart" relay host')" "DS"
expect "aix: AliasFile" "$(grep '^O AliasFile=' "$aix")" "O AliasFile=/etc/mail/aliases"
expect "aix: commented forward-all rule after its comment" \
	"$(line_after "$aix" '^# uncomment to forward all mail to the relay host' | cut -f1,2)" \
	"#R\$* < @ \$* > \$*${TAB}\$#relay \$@ \$S \$: \$1 < @ \$2 > \$3"
expect "aix: active 'Added for AIX' esmtp rule for \$=m" \
	"$(awk '/^# Added for AIX/ { hit = 1 } hit && /^R/ { print; exit }' "$aix" | cut -f1,2)" \
	"R\$* < @ \$* . \$=m . > \$*${TAB}\$#esmtp \$@ \$2 . \$3 . \$: \$1 < @ \$2 . \$3 . > \$4"

check_lint "aix: sendmail loads it with no diagnostics" "$aix"
expect "aix: nothing at all on stderr" "$(sm_bt "$aix" </dev/null 2>&1 >/dev/null)" ""
expect "aix: \$w is the short host name" "$(sm_macro "$aix" w)" "dmspar02"
expect "aix: \$m is the domain" "$(sm_macro "$aix" m)" "example.net"
expect "aix: \$=m holds the domain" "$(sm_class "$aix" m)" "example.net"
expect "aix: \$S is defined and empty" "$(v=$(sm_macro "$aix" S); echo "status $? value '$v'")" "status 0 value ''"
expect "aix: \$=w" "$(sm_class "$aix" w | tr '\n' ' ')" "[127.0.0.1] dmspar02.example.net localhost "
expect "aix: \$=w ignores local-host-names while Fw is commented out" \
	"$(SM_MAILDIR=$tmp/maildir sm_class "$aix" w | grep -c mail.example.net)" "0"

expect "aix: remote address goes esmtp to its host" \
	"$(sm_parse "$aix" user@remote.example.org)" "esmtp remote.example.org. user@remote.example.org"
expect "aix: 'Name <addr>' form" \
	"$(sm_parse "$aix" 'Joe <joe@remote.example.org>')" "esmtp remote.example.org. joe@remote.example.org"
expect "aix: local-domain address goes esmtp to its host" \
	"$(sm_parse "$aix" user@otherhost.example.net)" "esmtp otherhost.example.net. user@otherhost.example.net"
expect "aix: root is local" "$(sm_parse "$aix" root)" "local - root"
expect "aix: root@\$j is local" "$(sm_parse "$aix" root@dmspar02.example.net)" "local - root"
expect "aix: root@localhost is local" "$(sm_parse "$aix" root@localhost)" "local - root"
expect "aix: root@[127.0.0.1] is local" "$(sm_parse "$aix" 'root@[127.0.0.1]')" "local - root"
expect "aix: no relaying through %" \
	"$(sm_parse "$aix" 'u%remote.example.org@localhost')" "local - u%remote.example.org"
expect "aix: missing host is an error" "$(sm_parse "$aix" 'user@')" '*error* 5.1.3 "553 Host name missing"'
expect "aix: unqualified host, no DS: direct" "$(sm_parse "$aix" user@otherbox)" "esmtp otherbox user@otherbox"

# not an open relay: check_rcpt
expect "aix: relaying denied to an outside client" \
	"$(sm_rules "$aix" '.D{client_addr}192.0.2.9' '.D{client_name}mx.example.com' 'check_rcpt user@remote.example.org')" \
	'$# error $@ 5 . 7 . 1 $: "550 Relaying denied"'
expect "aix: relaying allowed from 127.0.0.1" \
	"$(sm_rules "$aix" '.D{client_addr}127.0.0.1' 'check_rcpt user@remote.example.org')" "OK"
expect "aix: mail for us accepted from anyone" \
	"$(sm_rules "$aix" '.D{client_addr}192.0.2.9' 'check_rcpt root@dmspar02.example.net')" "OK"
expect "aix: relaying allowed from a relay-domains network" \
	"$(SM_MAILDIR=$tmp/maildir sm_rules "$aix" '.D{client_addr}10.20.30.4' 'check_rcpt user@remote.example.org')" "OK"

########################################################################
# edited copies of the AIX cf: is the fixture meaningful for editing tests?
########################################################################

relay_on="s/^#\(R\$\* < @ \$\* > \$\*${TAB}\$#relay \$@ \$S \)/\1/"
ds_set='s/^DS$/DS[smtprelay.example.net]/'
aix_off="s/^R\$\* < @ \$\* \. \$=m \. > /#&/"

sed -e "$ds_set" "$aix" >"$tmp/ds.cf"
sed -e "$relay_on" -e "$ds_set" "$aix" >"$tmp/relay.cf"
sed -e "$relay_on" -e "$ds_set" -e "$aix_off" "$aix" >"$tmp/relay-noaix.cf"
sed -e "$relay_on" "$aix" >"$tmp/relay-nods.cf"
sed -e 's/^#Fw/Fw/' "$aix" >"$tmp/fw.cf"

expect "edit: each sed changed exactly the intended lines" \
	"$(for f in ds relay relay-noaix relay-nods fw; do \
		diff "$aix" "$tmp/$f.cf" | grep -c '^>'; done | tr '\n' ' ')" "1 2 3 1 1 "

check_lint "edit: DS + relay rule: loads" "$tmp/relay.cf"
expect "edit: DS + relay rule: \$S" "$(sm_macro "$tmp/relay.cf" S)" "[smtprelay.example.net]"
expect "edit: DS + relay rule: remote goes to the relay host" \
	"$(sm_parse "$tmp/relay.cf" user@remote.example.org)" "relay [smtprelay.example.net] user@remote.example.org"
expect "edit: DS + relay rule: root stays local" "$(sm_parse "$tmp/relay.cf" root)" "local - root"
expect "edit: DS + relay rule: AIX rule keeps local domain direct" \
	"$(sm_parse "$tmp/relay.cf" user@otherhost.example.net)" "esmtp otherhost.example.net. user@otherhost.example.net"
expect "edit: DS + relay rule - AIX rule: local domain to the relay too" \
	"$(sm_parse "$tmp/relay-noaix.cf" user@otherhost.example.net)" "relay [smtprelay.example.net] user@otherhost.example.net"
expect "edit: DS alone: remote still goes direct" \
	"$(sm_parse "$tmp/ds.cf" user@remote.example.org)" "esmtp remote.example.org. user@remote.example.org"
expect "edit: DS alone: unqualified host goes to the relay" \
	"$(sm_parse "$tmp/ds.cf" user@otherbox)" "relay [smtprelay.example.net] user@otherbox"
expect "edit: relay rule without DS: loads but cannot route" \
	"$(sm_lint "$tmp/relay-nods.cf" >/dev/null && sm_parse "$tmp/relay-nods.cf" user@remote.example.org)" "*error* - "
check_has "edit: Fw uncommented: \$=w reads local-host-names" \
	"$(SM_MAILDIR=$tmp/maildir sm_class "$tmp/fw.cf" w)" "mail.example.net"
expect "edit: Fw uncommented: that name is local" \
	"$(SM_MAILDIR=$tmp/maildir sm_parse "$tmp/fw.cf" root@mail.example.net)" "local - root"

# the checker itself: spaces instead of the TAB in one R line must be caught
sed -e "s/^\(R\$\* < @ \$+ > \$\*\)$TAB\(\$#esmtp\)/\1    \2/" "$aix" >"$tmp/spaces.cf"
n=$(grep -n '^R\$\* < @ \$+ > \$\*    \$#esmtp' "$tmp/spaces.cf" | cut -d: -f1)
if diag=$(sm_lint "$tmp/spaces.cf"); then rc=0; else rc=$?; fi
expect "edit: spaces for a TAB: sendmail complains about that line" \
	"edited line ${n:-none}, lint status $rc, $(printf '%s\n' "$diag" | grep -c ": line ${n:-none}: ") complaints" \
	"edited line ${n:-none}, lint status 1, 5 complaints"

# ... but spaces for the TAB before a comment load silently: the comment
# words become part of the RHS.  Only a routing check (or the TAB check
# above) sees the damage.
sed -e "s/^\(R\\$\* < @ \\$+ \. > \\$\*${TAB}[^${TAB}]*\)${TAB}/\1   /" "$aix" >"$tmp/spaces2.cf"
if sm_lint "$tmp/spaces2.cf" >/dev/null; then rc=0; else rc=$?; fi
expect "edit: spaces for a comment TAB: loads silently, routing breaks" \
	"$(diff "$aix" "$tmp/spaces2.cf" | grep -c '^>') lines, lint status $rc, $(sm_parse "$tmp/spaces2.cf" user@remote.example.org)" \
	"2 lines, lint status 0, esmtp remote.example.org. user@remote.example.org.drop.the.trailing.dot"

exit $((fails > 0))
