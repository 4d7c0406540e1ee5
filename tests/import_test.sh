#!/bin/bash
# import_test.sh - mailprov import on every fixture shape: the imported
# desired state validates, `mailprov plan` with it on the same host exits
# 0 with "no changes", and import writes nothing under the root.  Shapes:
# m4 with and without use_cw_file (with and without a local-host-names
# file), the AIX-shaped cf (as it is, with Dw/Dm set, with relay_all on,
# with the forward rule on but the AIX rule too), a cf with duplicate
# definitions, program / file / :include: aliases, LMTP (cyrus) and
# dovecot local mailers, STARTTLS with the access map and the relay port,
# the /usr/lib/sendmail link, SRC running and persisted, what the schema
# refuses (an alias loop, an open-relay entry), bytes YAML must escape
# (C1, U+0085, U+2028) or cannot hold (not UTF-8), more than 1,000 aliases
# (3 entries and a comment; --all-aliases: exact with all), -o and
# --force.  Needs root, unshare, m4 and sendmail-cf, openssl.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup import
. tests/tlslib.sh

# host NAME KIND: a root with a sendmail.cf of KIND (an .mc of
# tests/fixtures, or aix), small aliases, sendmail in the mock SRC
# (stopped, not persisted); prints its path.
host() {
	local r=$S/$1
	rm -rf "$r"
	mkdir -p "$r/etc/mail" "$r/var/mailprov/src"
	case $2 in
	aix)	cp tests/fixtures/aix-sendmail.cf "$r/etc/mail/sendmail.cf"
		ln -s mail/sendmail.cf "$r/etc/sendmail.cf" ;;
	/*)	sh tests/mkcf.sh "$2" "$r/etc/mail/sendmail.cf" || return 1 ;;
	*)	sh tests/mkcf.sh "tests/fixtures/$2" "$r/etc/mail/sendmail.cf" || return 1 ;;
	esac
	printf '# local aliases\npostmaster: root\nMAILER-DAEMON: postmaster\nops: carol,\n\tdave\n' \
	    >"$r/etc/mail/aliases"
	printf 'defined=1\nstate=inoperative\npid=0\ngroup=mail\npath=/usr/lib/sendmail\nargs=-bd -q30m\ncontact=-K\nboot=0\n' \
	    >"$r/var/mailprov/src/sendmail.rec"
	echo "$r"
}

# sums ROOT: every file and link under ROOT: name, inode, mtime, size, sum.
sums() {
	(cd "$1" && find . \( -type f -o -type l \) | sort | while read -r f; do
		if [ -L "$f" ]; then s=$(readlink "$f"); else s=$(cksum <"$f"); fi
		printf '%s %s %s\n' "$f" "$(stat -c '%i %Y %s' "$f")" "$s"
	done)
}

# roundtrip NAME ROOT [IMPORT-ARGS...]: import to $S/NAME.yaml; it
# validates, the plan on the same root says no changes, the root is as
# it was.
roundtrip() {
	local n=$1 r=$2 before
	shift 2
	before=$(sums "$r")
	rm -f "$S/$n.yaml"
	$MP import --root "$r" --sendmail "$SBX" --src-backend mock -o "$S/$n.yaml" "$@" \
	    >"$S/$n.import" 2>&1
	expect "$n: import exits 0" "$? $(head -c 300 "$S/$n.import")" "0 mailprov: wrote $S/$n.yaml"
	expect "$n: import changes nothing under the root" "$(sums "$r")" "$before"
	$MP validate -f "$S/$n.yaml" >"$S/$n.valid" 2>&1
	expect "$n: the imported file validates" "$? $(grep -v ': valid (version 1)' "$S/$n.valid" | head -3)" "0 "
	$MP plan -f "$S/$n.yaml" --root "$r" --sendmail "$SBX" --src-backend mock >"$S/$n.plan" 2>&1
	expect "$n: plan with it exits 0" "$? $(grep -v '^warning: ' "$S/$n.plan" | head -5)" "0 mailprov: no changes"
	check_grep "$n: plan says no changes" "$S/$n.plan" '^mailprov: no changes$'
}

# said NAME FILE ERE: the comments of FILE, joined as one text, say ERE.
said() {
	sed -n 's/^ *# *//p' "$2" | tr '\n' ' ' | tr -s ' ' >"$2.said"
	check_grep "$1" "$2.said" "$3"
}
# active NAME FILE KEY-LINE: the line is in FILE, not commented out.
active() { check_grep "$1" "$2" "^ *$3\$"; }
# commented NAME FILE KEY-LINE REASON-ERE: commented out, with the reason.
commented() {
	check_grep "$1 (commented out)" "$2" "^ *# $3\$"
	said "$1 (the reason)" "$2" "$4"
}

# ---- m4 with use_cw_file, no local-host-names file; SRC as stopped.
R=$(host m4 m4-aix.mc)
roundtrip m4 "$R"
Y=$S/m4.yaml
active "m4: smart_host as sendmail says (empty DS)" "$Y" 'smart_host: ""'
active "m4: relay_all false (remote mail goes direct)" "$Y" 'relay_all: false'
commented "m4: hostname shown, not managed (no Dw line)" "$Y" 'hostname: dmspar02' \
    'no Dw line \(sendmail works \$w out'
commented "m4: accept_names not managed (no file)" "$Y" 'accept_names: \[\]' \
    '/etc/mail/local-host-names does not exist'
said "m4: the comment quotes sendmail's \$=w" "$Y" "sendmail's \\\$=w: dmspar02.example.net, localhost"
active "m4: relay_domains from the missing FR file: empty" "$Y" 'relay_domains: \[\]'
active "m4: aliases merged" "$Y" 'mode: merge'
active "m4: a continued alias as a list" "$Y" 'ops: \[carol, dave\]'
active "m4: service stopped" "$Y" 'state: stopped'
active "m4: persisted (stored args, boot off, stopped)" "$Y" 'persist: true'
check_grep "m4: where SRC said it" "$Y" "lssrc -s sendmail says inoperative"

# ---- m4 with use_cw_file and a local-host-names file that lists the Cw names.
R=$(host m4lhn m4-aix.mc)
printf '# names\nlocalhost\ndmspar02.example.net\nmail.example.net\n' >"$R/etc/mail/local-host-names"
printf 'example.net\n10.20.30\n' >"$R/etc/mail/relay-domains"
roundtrip m4lhn "$R"
Y=$S/m4lhn.yaml
active "m4 + local-host-names: accept_names managed" "$Y" 'accept_names:'
active "m4 + local-host-names: with the file's names" "$Y" '- mail.example.net'
active "m4 + relay-domains: its entries" "$Y" '- "?10.20.30"?'

# ---- m4 with use_cw_file, a local-host-names file without localhost.
R=$(host m4nolh m4-aix.mc)
printf 'mail.example.net\n' >"$R/etc/mail/local-host-names"
roundtrip m4nolh "$R"
commented "m4, file lacks localhost: accept_names left out" "$S/m4nolh.yaml" 'accept_names:' \
    'also names Cw names that /etc/mail/local-host-names does not list'

# ---- m4 without use_cw_file.
R=$(host nocw m4-nocw.mc)
roundtrip nocw "$R"
commented "nocw: accept_names left out (no Fw line)" "$S/nocw.yaml" 'accept_names:' \
    'reads no file for class w \(no active Fw line\)'
check_grep "nocw: the proposal lists sendmail's names" "$S/nocw.yaml" '^  #   - localhost$'

# ---- AIX-shaped, as it is (an /etc/sendmail.cf link too).
R=$(host aix aix)
roundtrip aix "$R"
Y=$S/aix.yaml
commented "aix: hostname left out (the Dw line is commented)" "$Y" 'hostname: dmspar02' 'no Dw line'
active "aix: relay_all false (forward rule off, AIX rule on)" "$Y" 'relay_all: false'

# ---- AIX-shaped with Dw/Dm set and the forward-all rule on: identity,
#      smart host and relay_all all managed.
R=$(host aixset aix)
TAB=$(printf '\t')
sed -i -e 's/^#Dwmyhost$/Dwdmspar02/' -e 's/^#Dmexample.com$/Dmexample.net/' \
    -e 's/^DS$/DS[smtprelay.example.net]/' \
    -e "s/^#\(R\$\* < @ \$\* > \$\*${TAB}\$#relay \$@ \$S \)/\1/" \
    -e "s/^R\$\* < @ \$\* \. \$=m \. > /#&/" "$R/etc/mail/sendmail.cf"
roundtrip aixset "$R"
Y=$S/aixset.yaml
active "aix set: hostname managed" "$Y" 'hostname: dmspar02'
active "aix set: domain managed" "$Y" 'domain: example.net'
active "aix set: smart_host quoted" "$Y" 'smart_host: "\[smtprelay.example.net\]"'
active "aix set: relay_all true" "$Y" 'relay_all: true'

# ---- AIX-shaped, forward rule on but the AIX local-domain rule too:
#      relay_all cannot say it, so it is left out.
R=$(host aixmix aix)
sed -i -e 's/^DS$/DS[smtprelay.example.net]/' \
    -e "s/^#\(R\$\* < @ \$\* > \$\*${TAB}\$#relay \$@ \$S \)/\1/" "$R/etc/mail/sendmail.cf"
roundtrip aixmix "$R"
commented "aix mixed routing: relay_all left out" "$S/aixmix.yaml" 'relay_all: false' \
    'only remote mail goes to the smart host'

# ---- duplicate definitions (DS twice) and an alias defined twice.
R=$(host dup aix)
printf 'DSold.relay.example.net\n' >>"$R/etc/mail/sendmail.cf"
printf 'ops: eve\n' >>"$R/etc/mail/aliases"
roundtrip dup "$R"
commented "dup: smart_host left out" "$S/dup.yaml" 'smart_host: old.relay.example.net' \
    'defines \$S more than once'
said "dup: the alias defined twice is left out, with why" "$S/dup.yaml" \
    'left out: 2 entries whose name is defined more than once'
check_nogrep "dup: ops is not written" "$S/dup.yaml" '^ *ops:'

# ---- program, file and :include: aliases.
R=$(host prog m4-aix.mc)
cat >>"$R/etc/mail/aliases" <<'EOF'
bugs: "|/usr/local/bin/tracker --mail"
archive: /var/spool/mail-archive
staff: :include:/etc/mail/lists/staff
EOF
roundtrip prog "$R"
Y=$S/prog.yaml
active "prog: allow_programs true" "$Y" 'allow_programs: true'
active "prog: allow_files true" "$Y" 'allow_files: true'
said "prog: says why" "$Y" 'allow_programs: true, because 1 of the entries below run a program'
active "prog: the program target, quoted" "$Y" 'bugs: "\|/usr/local/bin/tracker --mail"'
active "prog: the :include: target" "$Y" 'staff: ":include:/etc/mail/lists/staff"'

# ---- local mail through LMTP to cyrus, and through dovecot.
for mc in cyrus dovecot; do
	R=$(host "$mc" "m4-$mc.mc")
	roundtrip "$mc" "$R"
done

# ---- what the schema refuses: an alias loop, an open-relay entry.
R=$(host refused m4-aix.mc)
printf 'loopa: loopb\nloopb: loopa\n' >>"$R/etc/mail/aliases"
printf 'example.net\n*\n' >"$R/etc/mail/relay-domains"
roundtrip refused "$R"
said "refused: the loop is commented out with the loader's message" "$S/refused.yaml" \
    'not managed: alias loop: loop[ab] -> loop[ab] -> loop[ab]'
said "refused: relay_domains commented out with why" "$S/refused.yaml" \
    "not managed: sendmail.relay_domains entry '\*'"

# ---- bytes YAML must escape or cannot hold: a Latin-1 comment, a C1
#      control, U+0085 and U+2028 (YAML line breaks) in values, UTF-8;
#      a Latin-1 value (not UTF-8) is left out, with why; with
#      --all-aliases too (exact would delete it: merge).
R=$(host bytes m4-aix.mc)
printf '# Verwaltung: J\xfcrgen M\xfcller\nlat: g\xe9h\nc1: e\xc2\x81f\nnel: a\xc2\x85b\nls: c\xe2\x80\xa8d\nutf: caf\xc3\xa9\n' \
    >>"$R/etc/mail/aliases"
roundtrip bytes "$R"
printf 'utf: "caf\xc3\xa9"' >"$S/bytes.utf"
check_grepF "bytes: UTF-8 kept (the schema refuses it: commented out)" "$S/bytes.yaml" "$(cat "$S/bytes.utf")"
check_grepF "bytes: the C1 control escaped" "$S/bytes.yaml" 'c1: "e\x81f"'
check_grepF "bytes: U+0085 escaped" "$S/bytes.yaml" 'nel: "a\Nb"'
check_grepF "bytes: U+2028 escaped" "$S/bytes.yaml" 'ls: "c\Ld"'
commented "bytes: the Latin-1 value left out" "$S/bytes.yaml" 'lat: "g[?]h"' \
    'not managed: it holds the byte 0xe9, which is not valid UTF-8: a YAML file cannot hold it'
roundtrip bytes-all "$R" --all-aliases
active "bytes --all-aliases: merge" "$S/bytes-all.yaml" 'mode: merge'
said "bytes --all-aliases: says why" "$S/bytes-all.yaml" 'merge, not exact: an entry cannot be written \(it holds the byte 0xe9'

# ---- SRC: running, persisted; the /usr/lib/sendmail link to sendmail_ssl.
R=$(host src m4-aix.mc)
sed -i 's/^state=.*/state=active/; s/^pid=.*/pid=77/; s/^boot=.*/boot=1/' "$R/var/mailprov/src/sendmail.rec"
mkdir -p "$R/usr/sbin" "$R/usr/lib"
printf '#!/bin/sh\n' >"$R/usr/sbin/sendmail_ssl"
chmod 0755 "$R/usr/sbin/sendmail_ssl"
ln -s /usr/sbin/sendmail_ssl "$R/usr/lib/sendmail"
roundtrip src "$R"
Y=$S/src.yaml
active "src: state running" "$Y" 'state: running'
active "src: args from lssrc -S" "$Y" 'args: "-bd -q30m"'
active "src: persist true (boot entry on)" "$Y" 'persist: true'
active "src: program from the link" "$Y" 'program: /usr/sbin/sendmail_ssl'
#      boot entry off while running: persist false, with the reason.
sed -i 's/^boot=.*/boot=0/' "$R/var/mailprov/src/sendmail.rec"
roundtrip src-noboot "$R"
active "src, boot off: persist false" "$S/src-noboot.yaml" 'persist: false'
said "src, boot off: says why" "$S/src-noboot.yaml" 'boot entry is disabled while the subsystem is running'

# ---- STARTTLS with the access map: a host set up by mailprov apply
#      (tls_test's shape), imported back.
C=$S/certs
tls_make_ca "$C" && tls_make_cert "$C" host "$TLS_CLIENT_NAME" && tls_ca_path "$C" >/dev/null
expect "tls: openssl makes the certificates" "$?" 0
{
	sed '/^MAILER(`local/d; /^MAILER(`smtp/d' tests/fixtures/m4-aix.mc
	echo "FEATURE(\`access_db', \`hash -T<TMPF> -o /etc/mail/access')dnl"
	echo 'MAILER(`local'"')dnl"
	echo 'MAILER(`smtp'"')dnl"
} >"$S/aix-access.mc"
R=$(host tls "$S/aix-access.mc")
mkdir -p "$R/etc/mail/tls/ca"
printf 'postmaster: root\nMAILER-DAEMON: postmaster\n' >"$R/etc/mail/aliases"
printf '# access map\nlocalhost\tRELAY\n' >"$R/etc/mail/access"
install -m 0644 "$C/host.crt" "$R/etc/mail/tls/host.crt"
install -m 0600 "$C/host.key" "$R/etc/mail/tls/host.key"
install -m 0644 "$C/ca.crt" "$R/etc/mail/tls/ca.pem"
cp -a "$C/capath/." "$R/etc/mail/tls/ca/"
printf 'version: 1\nsendmail:\n  smart_host: "[%s]"\n  smart_host_port: 587\n  tls:\n    cert: /etc/mail/tls/host.crt\n    key: /etc/mail/tls/host.key\n    ca_file: /etc/mail/tls/ca.pem\n    ca_path: /etc/mail/tls/ca\n    require_smart_host: encrypt\n' \
    "$TLS_SINK_NAME" >"$S/tls-set.yaml"
$MP apply -f "$S/tls-set.yaml" --root "$R" --sendmail "$SBX" --src-backend mock >"$S/tls-apply" 2>&1
expect "tls: the host is set up with STARTTLS by apply" "$?" 0
roundtrip tls "$R"
Y=$S/tls.yaml
active "tls: cert from O ServerCertFile" "$Y" 'cert: /etc/mail/tls/host.crt'
active "tls: ca_path from O CACertPath" "$Y" 'ca_path: /etc/mail/tls/ca'
check_nogrep "tls: no client pair (the same as the server's)" "$Y" '^ *client_cert:'
active "tls: require_smart_host from the access map" "$Y" 'require_smart_host: encrypt'
active "tls: the relay mailer's port" "$Y" 'smart_host_port: 587'
#      A TLS_Srv: value the schema cannot say: tls is left out.
sed -i 's/ENCR:112/ENCR:256/' "$R/etc/mail/access"
roundtrip tls-odd "$R"
said "tls, ENCR:256: tls left out, with the entry named" "$S/tls-odd.yaml" \
    'holds TLS_Srv:relay.example.test ENCR:256, which require_smart_host cannot'

# ---- more than 1,000 aliases: postmaster, MAILER-DAEMON, root and a
#      comment; --all-aliases: every entry, exact.
R=$(host many m4-aix.mc)
{ echo 'root: admin'; for i in $(seq 1 1500); do echo "user$i: u$i@example.net"; done; } >>"$R/etc/mail/aliases"
roundtrip many "$R"
Y=$S/many.yaml
check_grep "many: the three entries, merge" "$S/many.valid" '3 aliases \(merge\)'
said "many: says how many were left out and how to get them" "$Y" \
    '1501 of the 1504 entries are left out \(the file has more than 1000\): merge mode keeps'
said "many: ... names --all-aliases" "$Y" 'mailprov import --all-aliases writes every entry, in exact mode'
roundtrip many-all "$R" --all-aliases
check_grep "many --all-aliases: every entry, exact" "$S/many-all.valid" '1504 aliases \(exact\)'
#      --all-aliases without postmaster: merge, with why.
sed -i '/^postmaster:/d' "$R/etc/mail/aliases"
roundtrip many-nopm "$R" --all-aliases
active "--all-aliases without postmaster: merge" "$S/many-nopm.yaml" 'mode: merge'
said "--all-aliases without postmaster: says why" "$S/many-nopm.yaml" 'exact mode needs postmaster and MAILER-DAEMON'

# ---- -o: an existing file is kept without --force, replaced with it.
R=$S/m4
echo keep >"$S/exists.yaml"
$MP import --root "$R" --sendmail "$SBX" --src-backend mock -o "$S/exists.yaml" >"$S/exists.out" 2>&1
expect "-o an existing file: refused" "$?" 1
check_grepF "-o an existing file: says --force" "$S/exists.out" "exists; give --force to replace it"
expect "-o an existing file: left as it was" "$(cat "$S/exists.yaml")" keep
$MP import --root "$R" --sendmail "$SBX" --src-backend mock -o "$S/exists.yaml" --force >/dev/null 2>&1
expect "-o with --force: replaced" "$?:$(head -c 14 "$S/exists.yaml")" "0:# desired.yaml"
expect "-o: no temporary file left beside it" "$(ls "$S" | grep -c '^\.exists')" 0
$MP import --root "$R" --sendmail "$SBX" --src-backend mock >"$S/stdout.yaml" 2>"$S/stdout.err"
expect "without -o: the same text on stdout" "$?:$(cmp -s "$S/stdout.yaml" "$S/exists.yaml" && echo same)" "0:same"

exit $((fails > 0))
