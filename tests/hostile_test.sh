#!/bin/bash
# hostile_test.sh - the auditor's list: every hostile input mailprov and
# mailprovd must refuse, each run end to end through the real binaries
# (apply, with the real sendmail behind --sendmail, so that anything let
# through would really be written), each checked three ways:
#
#   1. the exit status (1 for mailprov; for mailprovd the file moved to
#      incoming/rejected/, or left alone, or the daemon not started);
#   2. the one-line refusal, compared whole: "path:line:col: what is wrong"
#      for the content of a desired state, "path: what is wrong" for the
#      file itself, "mailprov: apply: /file: what is wrong" for a managed
#      file;
#   3. nothing changed: every file, directory, link, FIFO and device under
#      the test root has the same type, inode, mode, owner, size, mtime,
#      ctime, link target and sha256 before and after (so no managed file
#      was rewritten, no backup and no temporary file was made, not even
#      one made and removed: the directories' mtimes would show it).  The
#      one exception is var/mailprov/lock, which every apply takes and
#      stamps with its pid: made beforehand, only its inode, mode and
#      owner are compared.
#
# Then the environment check (8): hostile variables given to mailprov must
# not reach the programs it runs.
#
# The count of refused hostile inputs is printed at the end.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup hostile
refused=0
T0=$(date +%s)

# mkroot NAME: a host under the scratch directory (mp_root: real m4-built
# sendmail.cf, aliases, desired state, mock SRC, daemon config), with all
# four managed files present and the lock file made; its path.
mkroot() {
	local r
	r=$(mp_root "$1") || return 1
	printf 'localhost\n' >"$r/etc/mail/local-host-names"
	printf 'example.net\n' >"$r/etc/mail/relay-domains"
	install -m 0600 /dev/null "$r/var/mailprov/lock"
	echo "$r"
}

# snapshot DIR: one line per entry, then the sha256 of each regular file.
snapshot() {
	(cd "$1" && {
		find . -path ./var/mailprov/lock -printf '%p %y %i %m %u:%g\n' -o \
		    -printf '%p %y %i %m %u:%g %s %T@ %C@ %l\n'
		find . -type f ! -path ./var/mailprov/lock -exec sha256sum {} +
	} | LC_ALL=C sort)
}

# unchanged NAME DIR BEFORE: one assertion that DIR is as BEFORE.
unchanged() {
	local now
	now=$(snapshot "$2")
	if [ "$now" = "$3" ]; then
		pass "$1: nothing changed (no write, no backup, no temporary file)"
		return 0
	fi
	fail "$1: nothing changed (no write, no backup, no temporary file)" \
	    "$(diff <(printf '%s\n' "$3") <(printf '%s\n' "$now") | head -20 | tr '\n' '|')"
	return 1
}

# refuse NAME ROOT WANT-LINE CMD...: run CMD (bounded: timeout 30 s) and
# check exit 1, stderr exactly WANT-LINE (one line), nothing on stdout,
# nothing changed under ROOT.  Counts the input as refused if all hold.
refuse() {
	local name=$1 root=$2 want=$3 before rc ok=1
	shift 3
	before=$(snapshot "$root")
	timeout 30 "$@" >"$S/out" 2>"$S/err"
	rc=$?
	if [ "$rc" -eq 1 ]; then pass "$name: exit 1"
	else fail "$name: exit 1" "got $rc"; ok=0; fi
	if [ "$(cat "$S/err")" = "$want" ] && [ ! -s "$S/out" ]; then
		pass "$name: says '${want#"$S/"}'"
	else
		fail "$name: says '${want#"$S/"}'" "stderr: $(head -c 400 "$S/err") stdout: $(head -c 200 "$S/out")"
		ok=0
	fi
	unchanged "$name" "$root" "$before" || ok=0
	[ $ok -eq 1 ] && refused=$((refused + 1))
}

# yml NAME: stdin into $S/NAME.yaml, root-owned 0600 (trusted); its path.
yml() {
	cat >"$S/$1.yaml" && chmod 0600 "$S/$1.yaml" && echo "$S/$1.yaml"
}

# apply_refused NAME FILE WANT-MESSAGE: mailprov apply of FILE on the main
# root must say "FILE:WANT-MESSAGE" (WANT-MESSAGE starts with line:col).
R=$(mkroot main) || { echo "FAIL: no root"; exit 1; }
apply_refused() {
	refuse "$1" "$R" "$2:$3" "$MP" apply -f "$2" --root "$R" \
	    --sendmail "$SBX" --src-backend mock
}

# ---------------------------------------------------------------------
# 1. Alias targets that run programs or touch files, without their flags.
# ---------------------------------------------------------------------
f=$(yml prog <<'Y'
version: 1
sendmail:
  aliases:
    entries:
      evil: "|/bin/sh"
Y
)
apply_refused "program alias |/bin/sh" "$f" "5:13: alias 'evil' target '|/bin/sh' runs a program; allowed only with sendmail.aliases.allow_programs: true"
f=$(yml progq <<'Y'
version: 1
sendmail:
  aliases:
    entries:
      evil: ['"|/usr/bin/id > /tmp/pwned"']
Y
)
apply_refused "quoted program alias" "$f" "5:14: alias 'evil' target '\"|/usr/bin/id > /tmp/pwned\"' runs a program; allowed only with sendmail.aliases.allow_programs: true"
f=$(yml progflag <<'Y'
version: 1
sendmail:
  aliases:
    allow_files: true
    entries:
      evil: [alice, "|/bin/sh"]
Y
)
apply_refused "program alias with only allow_files" "$f" "6:21: alias 'evil' target '|/bin/sh' runs a program; allowed only with sendmail.aliases.allow_programs: true"
f=$(yml passwd <<'Y'
version: 1
sendmail:
  aliases:
    entries:
      evil: /etc/passwd
Y
)
apply_refused "file alias /etc/passwd" "$f" "5:13: alias 'evil' target '/etc/passwd' writes to a file; allowed only with sendmail.aliases.allow_files: true"
f=$(yml tmpx <<'Y'
version: 1
sendmail:
  aliases:
    entries:
      evil: alice, /tmp/x
Y
)
apply_refused "file alias /tmp/x after a comma" "$f" "5:13: alias 'evil' target '/tmp/x' writes to a file; allowed only with sendmail.aliases.allow_files: true"
f=$(yml include <<'Y'
version: 1
sendmail:
  aliases:
    allow_programs: true
    entries:
      evil: ":include:/etc/shadow"
Y
)
apply_refused ":include: alias" "$f" "6:13: alias 'evil' target ':include:/etc/shadow' reads addresses from a file; allowed only with sendmail.aliases.allow_files: true"
f=$(yml includeuc <<'Y'
version: 1
sendmail:
  aliases:
    entries:
      evil: ":INCLUDE:/etc/shadow"
Y
)
apply_refused ":INCLUDE: alias (upper case)" "$f" "5:13: alias 'evil' target ':INCLUDE:/etc/shadow' reads addresses from a file; allowed only with sendmail.aliases.allow_files: true"
f=$(yml aliasnl <<'Y'
version: 1
sendmail:
  aliases:
    entries:
      evil: "alice\n|/bin/sh"
Y
)
apply_refused "alias target with a newline" "$f" "5:13: alias 'evil' target 'alice?|/bin/sh' holds a control character"

# ---------------------------------------------------------------------
# 2. relay_domains entries that would make an open relay; relay_all.
# ---------------------------------------------------------------------
relay_case() {	# relay_case NAME YAML-VALUE SHOWN WHY
	f=$(printf 'version: 1\nsendmail:\n  relay_domains: [example.net, %s]\n' "$2" | yml "relay-$1")
	apply_refused "relay_domains $3" "$f" "3:32: sendmail.relay_domains entry '$3' $4"
}
OPEN="matches every host: it would make an open relay"
relay_case star '"*"' '*' "$OPEN"
relay_case dot '"."' '.' "$OPEN"
relay_case wild '"*.example.net"' '*.example.net' "$OPEN"
relay_case empty '""' '' "is empty: it would let everyone relay"
relay_case tld 'com' 'com' "is a top-level domain alone: it would relay for every host under it"
relay_case tlddot 'com.' 'com.' "has an empty label (two dots, or a dot at an end)"
relay_case lead '.example.net' '.example.net' "starts with a dot; relay-domains matches subdomains without one"
relay_case zero '"0.0.0.0"' '0.0.0.0' "is an IP prefix in network 0, which no host uses"
relay_case zero1 '"0"' '0' "is an IP prefix in network 0, which no host uses"
relay_case cidr0 '"0.0.0.0/0"' '0.0.0.0/0' "matches every address: it would make an open relay"
relay_case v6all '"::/0"' '::/0' "matches every address: it would make an open relay"
relay_case v6empty '"IPv6:"' 'IPv6:' "matches every IPv6 address: it would make an open relay"
relay_case cidr '"10.0.0.0/8"' '10.0.0.0/8' "uses CIDR notation, which relay-domains does not understand; write the network as dotted octets (10.20.30)"
relay_case octet '"256.1"' '256.1' "is not an IP prefix of 1 to 4 octets, each 0 to 255"
f=$(yml relayall <<'Y'
version: 1
sendmail:
  relay_all: true
Y
)
apply_refused "relay_all without a smart_host" "$f" "3:14: sendmail.relay_all is true but sendmail.smart_host is not set: there is no relay to send the mail to"
f=$(yml relayallempty <<'Y'
version: 1
sendmail:
  smart_host: ""
  relay_all: true
Y
)
apply_refused "relay_all with an empty smart_host" "$f" "4:14: sendmail.relay_all is true but sendmail.smart_host is empty: there is no relay to send the mail to"
f=$(yml relayself <<'Y'
version: 1
sendmail:
  accept_names: [localhost, dmspar02.example.net]
  smart_host: "[dmspar02.example.net]"
  relay_all: true
Y
)
apply_refused "smart_host that is this host (mail loop)" "$f" "4:15: sendmail.smart_host 'dmspar02.example.net' is this host (it is an accepted name): mail would loop back to itself"

# ---------------------------------------------------------------------
# 3. service.args: shell metacharacters and the SRC length limit.
# ---------------------------------------------------------------------
SHELLY="may hold only letters, digits, spaces and - _ . / = , + @ %; no shell characters, no ':'"
args_case() {	# args_case NAME YAML-STRING SHOWN
	f=$(printf 'version: 1\nservice:\n  args: "%s"\n' "$2" | yml "args-$1")
	apply_refused "service.args with $1" "$f" "3:9: service.args '$3' $SHELLY"
}
args_case ';' '-bd -q30m; reboot' '-bd -q30m; reboot'
args_case '|' '-bd | sh' '-bd | sh'
args_case '$()' '-bd $(reboot)' '-bd $(reboot)'
args_case 'backquote' '-bd `reboot`' '-bd `reboot`'
args_case '&' '-bd & reboot' '-bd & reboot'
args_case '>' '-bd > /etc/passwd' '-bd > /etc/passwd'
args_case '<' '-bd < /etc/shadow' '-bd < /etc/shadow'
args_case 'newline' '-bd\nreboot' '-bd?reboot'
args_case 'quote' "-bd '-C/tmp/x'" "-bd '-C/tmp/x'"
# Flags that would point root's sendmail at other files.
flag_case() {	# flag_case YAML-STRING FLAG
	f=$(printf 'version: 1\nservice:\n  args: "%s"\n' "$1" | yml "flag${2:1:1}")
	apply_refused "service.args with $2" "$f" "3:9: service.args flag '$2' is not allowed: sendmail takes only -bd, -q[p][INTERVAL] and -LTAG here (others, such as -C, -X or -O, change the configuration it reads or the files it writes)"
}
flag_case '-bd -q30m -X/etc/passwd' '-X/etc/passwd'
flag_case '-bd -C/var/tmp/evil.cf' '-C/var/tmp/evil.cf'
flag_case '-bd -OQueueDirectory=/etc' '-OQueueDirectory=/etc'
flag_case '-bd -oA/etc/passwd' '-oA/etc/passwd'
flag_case '-bd -D/etc/passwd' '-D/etc/passwd'
flag_case '-bd -MSevil.example' '-MSevil.example'
long="-bd -q30m$(printf ' -v%.0s' $(seq 1 64))"	# 9 + 64 * 3 = 201
f=$(printf 'version: 1\nservice:\n  args: "%s"\n' "$long" | yml args-long)
apply_refused "service.args of ${#long} characters" "$f" "3:9: service.args '${long:0:60}' is longer than 199 characters, the SRC limit"

# ---------------------------------------------------------------------
# 4. The desired-state file itself: who may write it, what it is.
# ---------------------------------------------------------------------
TRUST="is not safe to trust: it and its directory must be owned by root and writable by nobody else"
file_case() {	# file_case NAME FILE WHY
	refuse "$1" "$R" "$2: $3" "$MP" apply -f "$2" --root "$R" \
	    --sendmail "$SBX" --src-backend mock
}
mkdir -p "$S/f"
install -m 0620 conf/desired.yaml "$S/f/groupw.yaml"
file_case "group-writable desired state" "$S/f/groupw.yaml" "$TRUST"
install -m 0602 conf/desired.yaml "$S/f/worldw.yaml"
file_case "world-writable desired state" "$S/f/worldw.yaml" "$TRUST"
install -m 0600 -o nobody conf/desired.yaml "$S/f/nobody.yaml"
file_case "desired state owned by nobody" "$S/f/nobody.yaml" "$TRUST"
mkdir -m 0775 "$S/groupdir"
install -m 0600 conf/desired.yaml "$S/groupdir/d.yaml"
file_case "desired state in a group-writable directory" "$S/groupdir/d.yaml" "$TRUST"
mkdir -m 0755 "$S/nobodydir" && chown nobody "$S/nobodydir"
install -m 0600 conf/desired.yaml "$S/nobodydir/d.yaml"
file_case "desired state in a directory owned by nobody" "$S/nobodydir/d.yaml" "$TRUST"
install -m 0600 conf/desired.yaml "$S/f/real.yaml"
ln -s "$S/f/real.yaml" "$S/f/link.yaml"
file_case "desired state that is a symbolic link" "$S/f/link.yaml" \
    "is a symbolic link; only a regular file is read"
mkfifo -m 0600 "$S/f/fifo.yaml"
NOTREG="is not a regular file (a FIFO or a device); only a regular file is read"
file_case "desired state that is a FIFO (no hang)" "$S/f/fifo.yaml" "$NOTREG"
file_case "desired state that is a device (/dev/zero)" /dev/zero "$NOTREG"
file_case "desired state that is a directory" "$S/f" "cannot read: Is a directory"

# ---------------------------------------------------------------------
# 6 and 9. Paths: ".." out of --root, links out of it, FIFOs and devices
# as managed files.  A second root per case (its sendmail.cf edited).
# ---------------------------------------------------------------------
D=$S/example.yaml
install -m 0600 conf/desired.yaml "$D"
f=$(yml cfdotdot <<'Y'
version: 1
sendmail:
  config: /etc/mail/../../../../../etc/shadow
Y
)
apply_refused "sendmail.config with .." "$f" "3:11: sendmail.config '/etc/mail/../../../../../etc/shadow' may not contain '..'"
f=$(yml cfrel <<'Y'
version: 1
sendmail:
  config: ../../etc/shadow
Y
)
apply_refused "sendmail.config relative" "$f" "3:11: sendmail.config '../../etc/shadow' must be an absolute path"
mkdir -p "$S/outside"
cp "$R/etc/mail/sendmail.cf" "$S/outside/sendmail.cf"
printf 'root: outside\n' >"$S/outside/aliases"
OUT_BEFORE=$(snapshot "$S/outside")
SHADOW_BEFORE=$(stat -c '%i %s %Y %Z' /etc/shadow; sha256sum /etc/shadow)

path_case() {	# path_case NAME SETUP-SHELL WANT-LINE: in a fresh root
	local r
	r=$(mkroot "p-$1") || return
	(cd "$r" && eval "$2")
	refuse "$1" "$r" "$3" "$MP" apply -f "$D" --root "$r" --sendmail "$SBX" \
	    --src-backend mock
}
path_case "Fw line naming a file through .." \
    "sed -i 's#^Fw-o /etc/mail/local-host-names#Fw-o /etc/mail/../../../../etc/shadow#' etc/mail/sendmail.cf" \
    "mailprov: apply: /etc/mail/../../../../etc/shadow: path may not contain '..'"
path_case "FR line naming a file through .." \
    "sed -i 's#^FR-o /etc/mail/relay-domains#FR-o /var/../../etc/passwd#' etc/mail/sendmail.cf" \
    "mailprov: apply: /var/../../etc/passwd: path may not contain '..'"
path_case "AliasFile through .." \
    "sed -i 's#^O AliasFile=/etc/mail/aliases#O AliasFile=/etc/../../../etc/shadow#' etc/mail/sendmail.cf" \
    "mailprov: apply: /etc/../../../etc/shadow: path may not contain '..'"
path_case "sendmail.cf an absolute link out of the root" \
    "ln -sfn '$S/outside/sendmail.cf' etc/mail/sendmail.cf" \
    "mailprov: apply: $S/outside/sendmail.cf: cannot read: No such file or directory"
path_case "sendmail.cf a relative link climbing out of the root" \
    "ln -sfn ../../../../../../../../../..$S/outside/sendmail.cf etc/mail/sendmail.cf" \
    "mailprov: apply: $S/outside/sendmail.cf: cannot read: No such file or directory"
path_case "sendmail.cf a link to /etc/shadow" \
    "ln -sfn /etc/shadow etc/mail/sendmail.cf" \
    "mailprov: apply: /etc/shadow: cannot read: No such file or directory"
path_case "/etc/mail an absolute link out of the root" \
    "mv etc/mail etc/mail.real && ln -s '$S/outside' etc/mail" \
    "mailprov: apply: $S/outside/sendmail.cf: cannot read: No such file or directory"
# Device nodes in a scratch directory on a nodev mount (/run, say) cannot
# be opened at all: then the refusal names that cause instead.
DEVERR="Invalid argument"
mknod "$S/devprobe" c 1 3 && { : <"$S/devprobe"; } 2>/dev/null || DEVERR="Permission denied"
rm -f "$S/devprobe"
path_case "aliases a FIFO" \
    "rm etc/mail/aliases && mkfifo -m 0600 etc/mail/aliases" \
    "mailprov: apply: /etc/mail/aliases: cannot read: Invalid argument"
path_case "aliases a character device" \
    "rm etc/mail/aliases && mknod -m 0600 etc/mail/aliases c 1 3" \
    "mailprov: apply: /etc/mail/aliases: cannot read: $DEVERR"
path_case "relay-domains a block device" \
    "rm etc/mail/relay-domains && mknod -m 0600 etc/mail/relay-domains b 7 0" \
    "mailprov: apply: /etc/mail/relay-domains: cannot read: $DEVERR"
path_case "local-host-names a link to /dev/zero, which the root has" \
    "mkdir dev && mknod -m 0666 dev/zero c 1 5 && ln -sfn /dev/zero etc/mail/local-host-names" \
    "mailprov: apply: /dev/zero: cannot read: $DEVERR"
path_case "sendmail.cf a directory" \
    "rm etc/mail/sendmail.cf && mkdir etc/mail/sendmail.cf" \
    "mailprov: apply: /etc/mail/sendmail.cf: cannot read: Is a directory"
expect "links out of the root: the files outside are untouched" "$(snapshot "$S/outside")" "$OUT_BEFORE"

# ---------------------------------------------------------------------
# 7. Parser bombs and bad bytes: refused, and in bounded time (each run
# is under timeout 30; no timing is asserted).
# ---------------------------------------------------------------------
python3 - "$S" <<'P'
import sys
s = sys.argv[1]
def w(name, data):
    open(s + '/' + name + '.yaml', 'wb').write(data)
# billion laughs: 10 levels of 9 aliases each
lol = 'version: 1\na0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n'
for i in range(1, 10):
    lol += 'a%d: &a%d [%s]\n' % (i, i, ','.join(['*a%d' % (i - 1)] * 9))
w('laughs', lol.encode())
w('aliasonly', b'version: 1\nsendmail: *x\n')
w('brackets', b'version: 1\nx: ' + b'[' * 10000 + b']' * 10000 + b'\n')
w('braces', b'version: 1\nx: ' + b'{a: ' * 10000 + b'1' + b'}' * 10000 + b'\n')
w('indent', b'version: 1\n' + b''.join(b' ' * i + b'k%d:\n' % i for i in range(100)))
w('nodes', b'version: 1\nx: [' + b','.join([b'a'] * 200000) + b']\n')
w('big', b'version: 1\n' + b'#' * (1 << 20) + b'\n')
w('nul', b'version: 1\nsendmail:\n  hostname: dms\x00par02\n')
w('utf8', b'version: 1\nsendmail:\n  hostname: dms\xff\xfepar02\n')
w('overlong', b'version: 1\nsendmail:\n  hostname: dms\xc0\xafpar02\n')
w('surrogate', b'version: 1\nsendmail:\n  hostname: dms\xed\xa0\x80par02\n')
w('tag', b'version: 1\nsendmail: !!python/object/apply:os.system ["id"]\n')
P
chmod 0600 "$S"/*.yaml
apply_refused "billion laughs (anchors and aliases)" "$S/laughs.yaml" "2:5: YAML anchors (&a0) are not allowed in desired state"
apply_refused "an alias without anchor" "$S/aliasonly.yaml" "2:11: YAML aliases (*x) are not allowed in desired state"
apply_refused "10,000 nested [" "$S/brackets.yaml" "2:35: nesting deeper than 32 levels; refusing the file"
apply_refused "10,000 nested {" "$S/braces.yaml" "2:128: nesting deeper than 32 levels; refusing the file"
apply_refused "100 indented mappings" "$S/indent.yaml" "34:33: nesting deeper than 32 levels; refusing the file"
apply_refused "200,000 nodes" "$S/nodes.yaml" "2:199995: more than 100000 YAML nodes; refusing the file"
refuse "file over 1 MiB" "$R" "$S/big.yaml: is larger than 1048576 bytes; refused" \
    "$MP" apply -f "$S/big.yaml" --root "$R" --sendmail "$SBX" --src-backend mock
apply_refused "NUL byte" "$S/nul.yaml" "3:16: NUL byte in file"
apply_refused "invalid UTF-8 (0xff)" "$S/utf8.yaml" "3:16: invalid UTF-8 byte 0xff; desired state must be UTF-8"
apply_refused "overlong UTF-8 (0xc0 0xaf)" "$S/overlong.yaml" "3:16: invalid UTF-8 byte 0xc0; desired state must be UTF-8"
apply_refused "UTF-8 surrogate (0xed 0xa0 0x80)" "$S/surrogate.yaml" "3:16: invalid UTF-8 byte 0xed; desired state must be UTF-8"
apply_refused "YAML tag (python/object)" "$S/tag.yaml" "2:11: YAML tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed in desired state"

T1=$(date +%s)
echo "hostile: mailprov cases took $((T1 - T0)) s"

# ---------------------------------------------------------------------
# 4 and 5. mailprovd: files dropped into the incoming directory.
# The root is converged first, so the daemon's start run writes nothing
# under etc/; then hostile files are dropped.  Each would change
# sendmail.cf (smart_host [evil.example.net]) if it were taken.
# ---------------------------------------------------------------------
DR=$(mkroot daemon) || exit 1
"$MP" apply --root "$DR" --sendmail "$SBX" --src-backend mock >"$S/converge.out" 2>&1 ||
    fail "daemon root converges first" "$(cat "$S/converge.out")"
IN=$DR/var/mailprov/incoming
EVIL=$S/evil-desired.yaml
sed 's/^  smart_host: .*/  smart_host: "[evil.example.net]"/' conf/desired.yaml >"$EVIL"
# A canary the links point at: a valid desired state with a secret in it.
CANARY="canary-$$-$(date +%s%N)"
{ cat "$EVIL"; echo "# $CANARY"; } >"$S/outside/canary.yaml"
chmod 0600 "$S/outside/canary.yaml"

# wait_log LOG PATTERN COUNT: until PATTERN matches COUNT lines (10 s).
log_has() {
	local c
	c=$(grep -cE -- "$2" "$1" 2>/dev/null)
	[ "${c:-0}" -ge "$3" ]
}
wait_log() { wait_for 10 log_has "$@"; }
# wait_file FILE: until it exists (10 s).
wait_file() { wait_for 10 test -e "$1"; }

"$MPD" --root "$DR" -d </dev/null 2>"$S/d1.log" &
dpid=$!
wait_log "$S/d1.log" 'run \(start\)' 1 || fail "mailprovd started" "$(cat "$S/d1.log")"
ETC_BEFORE=$(snapshot "$DR/etc")
# The drops: written aside (a dot name is never taken), renamed in.
drop_as() {	# drop_as NAME MODE OWNER: EVIL as incoming/NAME
	install -m "$2" -o "$3" "$EVIL" "$IN/.$1.tmp"
	mv "$IN/.$1.tmp" "$IN/$1"
}
ln -s /etc/shadow "$IN/shadow.yaml"
ln -s "$S/outside/canary.yaml" "$IN/canary.yaml"
ln -s ../../../../../../../../..$S/outside/canary.yaml "$IN/canary-rel.yaml"
drop_as groupw.yaml 0620 root
drop_as worldw.yaml 0602 root
drop_as nobody.yaml 0600 nobody
mkfifo -m 0600 "$IN/fifo.yaml"
printf 'version: 1\nsendmail:\n  aliases:\n    entries:\n      evil: "|/bin/sh"\n' >"$S/prog-drop.yaml"
install -m 0600 "$S/prog-drop.yaml" "$IN/.prog.tmp" && mv "$IN/.prog.tmp" "$IN/prog.yaml"
for n in shadow canary canary-rel groupw worldw nobody fifo prog; do
	wait_file "$IN/rejected/$n.yaml.err"
done
sleep 0.3
kill -TERM $dpid
wait $dpid
expect "mailprovd: exits 0 after the hostile drops" "$?" 0

# drop_refused NAME WANT-.err-LINE: moved to rejected/, .err exactly that.
drop_refused() {
	local ok=1 sep=": "
	case $2 in [0-9]*) sep=: ;; esac
	if [ -e "$IN/rejected/$1" ] || [ -L "$IN/rejected/$1" ]; then
		pass "drop $1: moved to rejected/"
	else fail "drop $1: moved to rejected/" "$(ls -la "$IN" "$IN/rejected" 2>&1 | tr '\n' '|')"; ok=0; fi
	if [ "$(cat "$IN/rejected/$1.err" 2>/dev/null)" = "$IN/$1$sep$2" ]; then
		pass "drop $1: .err says '$2'"
	else fail "drop $1: .err says '$2'" "$(cat "$IN/rejected/$1.err" 2>&1)"; ok=0; fi
	grep -qxF "mailprovd: incoming: rejected $1: $IN/$1$sep$2" "$S/d1.log" &&
	    pass "drop $1: logged" || { fail "drop $1: logged" "$(tail -5 "$S/d1.log")"; ok=0; }
	[ $ok -eq 1 ] && refused=$((refused + 1))
}
drop_refused shadow.yaml "is a symbolic link; only a regular file is read"
drop_refused canary.yaml "is a symbolic link; only a regular file is read"
drop_refused canary-rel.yaml "is a symbolic link; only a regular file is read"
drop_refused groupw.yaml "$TRUST"
drop_refused worldw.yaml "$TRUST"
drop_refused nobody.yaml "$TRUST"
drop_refused fifo.yaml "is not a regular file (a FIFO or a device); only a regular file is read"
drop_refused prog.yaml "5:13: alias 'evil' target '|/bin/sh' runs a program; allowed only with sendmail.aliases.allow_programs: true"
expect "drops: etc/ unchanged (managed files, desired state: inode, mtime, bytes)" \
    "$(snapshot "$DR/etc")" "$ETC_BEFORE"
expect "drops: incoming/ holds nothing left to take" \
    "$(cd "$IN" && find . -mindepth 1 -maxdepth 1 ! -name rejected | wc -l)" 0
expect "drops: no history of a new desired state" "$(ls "$DR/var/mailprov/history" 2>/dev/null | wc -l)" 0
# /etc/shadow and the canary: never read into anything the daemon writes.
leak=""
while IFS= read -r line; do
	[ -n "$line" ] || continue
	if find "$DR" "$S/d1.log" -type f -print0 | xargs -0 grep -lF -- "$line" >/dev/null 2>&1; then
		leak="a line of /etc/shadow"
		break
	fi
done </etc/shadow
if find "$DR" "$S/d1.log" -type f -print0 |
    xargs -0 grep -lF -- "$CANARY" >/dev/null 2>&1; then
	leak="${leak:+$leak, }the canary"
fi
expect "symlink drops: no line of /etc/shadow and no canary under the state dir, rejected/, status.json or the log" "$leak" ""
expect "symlink drops: /etc/shadow itself untouched" \
    "$(stat -c '%i %s %Y %Z' /etc/shadow; sha256sum /etc/shadow)" "$SHADOW_BEFORE"
[ -L "$IN/rejected/shadow.yaml" ] && [ "$(readlink "$IN/rejected/shadow.yaml")" = /etc/shadow ] &&
    pass "symlink drop: moved as a link, not copied" || fail "symlink drop: moved as a link, not copied"

# An incoming directory others may write to, or not root's: not scanned.
"$MPD" --root "$DR" -d </dev/null 2>"$S/d2.log" &
dpid=$!
wait_log "$S/d2.log" 'run \(start\)' 1 || fail "mailprovd restarted" "$(cat "$S/d2.log")"
ETC_BEFORE=$(snapshot "$DR/etc")
n=0
for how in "chmod 0770" "chmod 0777" "chmod 1777" "chown nobody"; do
	chmod 0700 "$IN" && chown root "$IN"
	$how "$IN"
	drop_as "untrusted-dir.yaml" 0600 root
	n=$((n + 1))
	ok=1
	wait_log "$S/d2.log" "$IN is writable by others or not owned by root: not scanned" $n ||
	    { fail "incoming dir after $how: the daemon says it is not scanned" "$(tail -3 "$S/d2.log")"; ok=0; }
	sleep 1.2	# past the settle time: would have been taken by now
	[ -f "$IN/untrusted-dir.yaml" ] && [ ! -e "$IN/rejected/untrusted-dir.yaml" ] &&
	    pass "incoming dir after $how: the file is not taken" ||
	    { fail "incoming dir after $how: the file is not taken"; ok=0; }
	expect "incoming dir after $how: etc/ unchanged" "$(snapshot "$DR/etc")" "$ETC_BEFORE" || ok=0
	[ $ok -eq 1 ] && refused=$((refused + 1))
	rm -f "$IN/untrusted-dir.yaml"
done
kill -TERM $dpid
wait $dpid
chmod 0700 "$IN" && chown root "$IN"

# The daemon's own files: a desired state or configuration others may
# write, and a configuration path with "..": nothing runs.
chmod 0620 "$DR/etc/mailprov/desired.yaml"
ETC_BEFORE=$(snapshot "$DR/etc")
"$MPD" --root "$DR" -d </dev/null 2>"$S/d3.log" &
dpid=$!
wait_log "$S/d3.log" 'run \(start\)' 1
kill -TERM $dpid
wait $dpid
if grep -qxF "mailprovd: run (start): no desired state: $DR/etc/mailprov/desired.yaml: $TRUST" "$S/d3.log"; then
	pass "daemon: a group-writable desired state is refused"
	unchanged "daemon: group-writable desired state" "$DR/etc" "$ETC_BEFORE" && refused=$((refused + 1))
else
	fail "daemon: a group-writable desired state is refused" "$(cat "$S/d3.log")"
fi
chmod 0600 "$DR/etc/mailprov/desired.yaml"

conf_case() {	# conf_case NAME WANT-LINE: mailprovd refuses to start
	local before rc
	before=$(snapshot "$DR")
	timeout 10 "$MPD" --root "$DR" </dev/null >"$S/out" 2>"$S/err"
	rc=$?
	expect "$1: mailprovd exits 1" "$rc" 1
	if [ "$(cat "$S/err")" = "$2" ]; then pass "$1: says so"
	else fail "$1: says so" "$(cat "$S/err")"; fi
	unchanged "$1" "$DR" "$before" && [ "$rc" -eq 1 ] &&
	    [ "$(cat "$S/err")" = "$2" ] && refused=$((refused + 1))
}
CONF=$DR/etc/mailprov/mailprovd.conf
cp "$CONF" "$S/conf.orig"
chmod 0666 "$CONF"
conf_case "world-writable mailprovd.conf (names the sendmail to run)" "mailprovd: $CONF: $TRUST"
chmod 0600 "$CONF" && chown nobody "$CONF"
conf_case "mailprovd.conf owned by nobody" "mailprovd: $CONF: $TRUST"
chown root "$CONF"
printf 'incoming: /var/../../../tmp/in\n' >>"$CONF"
conf_case "incoming path with .." "mailprovd: $CONF:5:11: incoming '/var/../../../tmp/in' may not contain '..'"
cp "$S/conf.orig" "$CONF"
printf 'sendmail: ../../tmp/sm\n' >>"$CONF"
sed -i '/^sendmail: \//d' "$CONF"
conf_case "relative sendmail path" "mailprovd: $CONF:4:11: sendmail '../../tmp/sm' must be an absolute path"
cp "$S/conf.orig" "$CONF" && chmod 0600 "$CONF"

T2=$(date +%s)
echo "hostile: mailprovd cases took $((T2 - T1)) s"

# ---------------------------------------------------------------------
# 8. A hostile environment does not reach the programs mailprov runs.
# mailprov is run with LD_PRELOAD (a real library that records every
# process it is loaded into), LD_LIBRARY_PATH, IFS, PATH (a directory of
# fake unshare/hostname/ip/mount/sh/sendmail that record being run),
# BASH_ENV and ENV (a script that records being sourced); --sendmail is a
# wrapper that records its environment and runs the sandboxed sendmail.
# ---------------------------------------------------------------------
ER=$(mkroot env) || exit 1
EV=$S/evil
mkdir -p "$EV"
cat >"$S/mark.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void
mark(void)
{
	char exe[512], line[600];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int fd, len;

	exe[n > 0 ? n : 0] = '\0';
	len = snprintf(line, sizeof(line), "%ld %s\n", (long)getpid(), exe);
	if ((fd = open(MARKER, O_WRONLY | O_CREAT | O_APPEND, 0600)) >= 0) {
		if (write(fd, line, (size_t)len) < 0)
			len = 0;
		close(fd);
	}
}
C
cc -shared -fPIC -DMARKER="\"$S/preload.marks\"" -o "$S/mark.so" "$S/mark.c" ||
    fail "build the LD_PRELOAD library"
for p in unshare hostname ip mount sh dash bash sendmail env; do
	printf '#!/bin/sh\necho "%s $*" >>%s/path.marks\nexit 1\n' "$p" "$S" >"$EV/$p"
	chmod 0755 "$EV/$p"
done
printf 'echo "sourced $0" >>%s/rc.marks\n' "$S" >"$EV/rc.sh"
cat >"$S/sm-env" <<W
#!/bin/sh
/usr/bin/env >>'$S/child.env'
echo ---- >>'$S/child.env'
exec '$SBX' "\$@"
W
chmod 0755 "$S/sm-env"
# (An ASan build insists that its runtime comes first unless told not to.)
timeout 60 /usr/bin/env LD_PRELOAD="$S/mark.so" LD_LIBRARY_PATH="$EV" IFS=/ \
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    PATH="$EV" BASH_ENV="$EV/rc.sh" ENV="$EV/rc.sh" \
    "$MP" apply --root "$ER" --sendmail "$S/sm-env" --src-backend mock \
    >"$S/env.out" 2>&1
expect "hostile environment: the apply still works" "$?" 0
[ -s "$S/child.env" ] && pass "hostile environment: the wrapper ran ($(grep -c -- ---- "$S/child.env") times)" ||
    fail "hostile environment: the wrapper ran" "$(cat "$S/env.out")"
for v in LD_PRELOAD LD_LIBRARY_PATH IFS BASH_ENV ENV; do
	expect "hostile environment: $v not passed to children" \
	    "$(grep -c "^$v=" "$S/child.env")" 0
done
expect "hostile environment: children get PATH=/usr/bin:/bin:/usr/sbin:/sbin" \
    "$(grep '^PATH=' "$S/child.env" | sort -u)" "PATH=/usr/bin:/bin:/usr/sbin:/sbin"
expect "hostile environment: nothing from the evil PATH ran" "$(cat "$S/path.marks" 2>/dev/null)" ""
expect "hostile environment: BASH_ENV / ENV never sourced" "$(cat "$S/rc.marks" 2>/dev/null)" ""
grep -q " $MP\$" "$S/preload.marks" 2>/dev/null &&
    pass "LD_PRELOAD: the library works (it loaded into mailprov itself)" ||
    fail "LD_PRELOAD: the library works (it loaded into mailprov itself)" "$(cat "$S/preload.marks" 2>&1)"
expect "LD_PRELOAD: loaded into no child (sh, unshare, sendmail)" \
    "$(grep -v " $MP\$" "$S/preload.marks" 2>/dev/null)" ""
check_grep "hostile environment: the aliases were rebuilt by the clean child" "$S/env.out" \
    '^mailprov: wrote /etc/mail/aliases'

T3=$(date +%s)
echo "hostile: environment case took $((T3 - T2)) s"
echo "hostile: $refused hostile inputs refused; total $((T3 - T0)) s"
rm -rf "$S"
exit $((fails > 0))
