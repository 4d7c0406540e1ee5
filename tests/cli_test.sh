#!/bin/bash
# cli_test.sh - mailprov and mailprovd as an admin runs them: exit codes,
# the one-line "path:line:col: message" errors, file refusals, install.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# check NAME WANT_RC CMD...: run, keep stdout/stderr in $T/out $T/err.
check() {
	local name=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then pass "$name exits $want"
	else fail "$name exits $want" "got $rc: $(head -c 300 "$T/err")"; fi
}

check "validate example" 0 $MP validate -f conf/desired.yaml
check_grep "validate example says valid" "$T/out" '^conf/desired.yaml: valid \(version 1\)'
[ -s "$T/err" ] && fail "validate example is silent on stderr" "$(cat "$T/err")" ||
	pass "validate example is silent on stderr"

cat >"$T/bad.yaml" <<'Y'
version: 1
sendmail:
  smart_hots: "[relay.example.net]"
  hostname: dmspar02.example.net
  domain: example.net
  relay_domains: ["*", example.net]
service:
  args: "-bd; reboot"
Y
cp "$T/bad.yaml" "$T/bad.before"
check "validate bad file" 1 $MP validate -f "$T/bad.yaml"
n=$(wc -l <"$T/err")
[ "$n" -eq 4 ] && pass "four errors, one line each" || fail "four errors, one line each" "got $n: $(cat "$T/err")"
bad=$(grep -cvE "^$T/bad.yaml:[0-9]+:[0-9]+: [^ ]" "$T/err")
[ "$bad" -eq 0 ] && pass "every error is path:line:col: message" || fail "every error is path:line:col: message" "$(cat "$T/err")"
check_grep "hint for smart_hots" "$T/err" "bad.yaml:3:3: unknown key 'smart_hots' in sendmail; did you mean 'smart_host'\?"
check_grep "open relay refused" "$T/err" "bad.yaml:6:19: .*open relay"
check_grep "shell in args refused" "$T/err" "bad.yaml:8:9: service.args .*no shell characters"
[ -s "$T/out" ] && fail "nothing on stdout for a bad file" || pass "nothing on stdout for a bad file"
cmp -s "$T/bad.yaml" "$T/bad.before" && pass "validate changes nothing" || fail "validate changes nothing"

check "missing file" 1 $MP validate -f "$T/none.yaml"
check_grep "missing file message" "$T/err" "^$T/none.yaml: cannot read: No such file"
ln -s "$PWD/conf/desired.yaml" "$T/link.yaml"
check "symbolic link refused" 1 $MP validate -f "$T/link.yaml"
check_grep "symbolic link message" "$T/err" "link.yaml: is a symbolic link"
check "directory refused" 1 $MP validate -f "$T"
cp conf/desired.yaml "$T/open.yaml"; chmod 0666 "$T/open.yaml"
check "a world-writable desired state is refused" 1 $MP validate -f "$T/open.yaml"
check_grep "world-writable message" "$T/err" "open.yaml: is not safe to trust"
cp conf/desired.yaml "$T/theirs.yaml"; chown nobody "$T/theirs.yaml"
check "a desired state owned by another user is refused" 1 $MP validate -f "$T/theirs.yaml"
mkdir -m 0777 "$T/opendir"; cp conf/desired.yaml "$T/opendir/d.yaml"
check "a desired state in a world-writable directory is refused" 1 $MP validate -f "$T/opendir/d.yaml"
mkfifo "$T/fifo.yaml"
check "FIFO refused without hanging" 1 timeout 10 $MP validate -f "$T/fifo.yaml"
head -c 1048577 /dev/zero | tr '\0' '#' >"$T/big.yaml"
check "file over 1 MiB refused" 1 $MP validate -f "$T/big.yaml"
check_grep "size message" "$T/err" "larger than 1048576 bytes"
printf 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n' >"$T/bomb.yaml"
check "alias bomb refused" 1 timeout 10 $MP validate -f "$T/bomb.yaml"
check_grep "alias bomb message" "$T/err" "bomb.yaml:1:4: YAML anchors"
: >"$T/empty.yaml"
check "empty file refused" 1 $MP validate -f "$T/empty.yaml"
check_grep "empty file message" "$T/err" "empty.yaml:1:1: file is empty"

mkdir -p "$T/root/etc/mailprov"
cp conf/desired.yaml "$T/root/etc/mailprov/desired.yaml"
check "--root finds the default file" 0 $MP validate --root "$T/root"
check_grep "--root path shown" "$T/out" "^$T/root/etc/mailprov/desired.yaml: valid"

check "no command" 1 $MP
check "unknown command" 1 $MP frobnicate -f conf/desired.yaml
check "unknown option" 1 $MP validate --frob
check "-f without value" 1 $MP validate -f
check "--help" 0 $MP --help
check_grep "--help shows usage" "$T/out" "^usage: mailprov validate\|plan\|apply\|status"
check "--version" 0 $MP --version
check_grep "--version" "$T/out" "^mailprov [0-9]+\.[0-9]+\.[0-9]+$"
check "status before mailprovd ever ran" 1 $MP status --root "$T/root"
check_grep "status says why" "$T/err" "status.json: No such file or directory \(has mailprovd run\?\)"
check "plan with an invalid file" 1 $MP plan -f "$T/bad.yaml"
check_grep "plan reports the file's errors" "$T/err" "bad.yaml:3:3: unknown key"
check "apply with an invalid file" 1 $MP apply -f "$T/bad.yaml"
check "--lock-wait needs seconds" 1 $MP apply --lock-wait soon
check "--timeout 0 is refused" 1 $MP apply --timeout 0
check_grep "--timeout message" "$T/err" "--timeout takes seconds \\(1 to 3600\\), not '0'"
check "--verify-port with a bad port" 1 $MP apply -f conf/desired.yaml --root "$T/root" --verify-port 127.0.0.1:25x
check_grep "--verify-port message" "$T/err" "--verify-port takes HOST:PORT or none, not '127.0.0.1:25x'"
printf 'verify:\n  port: "127.0.0.1:99999"\n' >"$T/port.conf"
check "mailprovd refuses a bad verify port" 1 timeout 10 $MPD -c "$T/port.conf" --src-backend mock
check_grep "verify port error at its place" "$T/err" "port.conf:2:9: verify.port '127.0.0.1:99999' must be HOST:PORT \\(port 1 to 65535\\) or none"
check "--root that does not exist" 1 $MP plan --root "$T/nowhere"
check_grep "--root message" "$T/err" "nowhere: No such file"
check "plan without the sendmail.cf" 1 $MP plan --root "$T/root"
check_grep "plan names the missing cf" "$T/err" "/etc/mail/sendmail.cf: cannot read: No such file"

check "mailprovd --help" 0 $MPD --help
check "mailprovd bad backend" 1 $MPD --src-backend ssh
check_grep "mailprovd backend message" "$T/err" "must be exec or mock"
check "mailprovd unknown option" 1 $MPD -x
printf 'interval: 5\nbogus: 1\n' >"$T/bad.conf"
check "mailprovd refuses a bad configuration" 1 timeout 10 $MPD -c "$T/bad.conf" --src-backend mock
check_grep "mailprovd configuration error is path:line:col" "$T/err" "bad.conf:1:11: interval 5 is out of range"
check_grep "mailprovd reports every error" "$T/err" "bad.conf:2:1: unknown key 'bogus'"
printf 'timeout: 0\n' >"$T/tmo.conf"
check "mailprovd refuses timeout 0" 1 timeout 10 $MPD -c "$T/tmo.conf" --src-backend mock
check_grep "mailprovd timeout message" "$T/err" "tmo.conf:1:10: timeout 0 is out of range: 1 to 3600"
check "mailprovd -c of a missing file" 1 timeout 10 $MPD -c "$T/none.conf"

# Install into a staging root twice: an edited desired.yaml survives.
D="$T/dest"
make -s install DESTDIR="$D" PREFIX=/usr >"$T/inst" 2>&1 &&
	pass "make install" || fail "make install" "$(tail -5 "$T/inst")"
for f in usr/sbin/mailprov usr/sbin/mailprovd etc/mailprov/desired.yaml \
    etc/mailprov/desired.yaml.example usr/share/man/man5/mailprov.yaml.5 \
    usr/share/man/man8/mailprov.8 usr/share/man/man8/mailprovd.8 \
    etc/mailprov/mailprovd.conf usr/share/mailprov/srcdef/mkssys.sh \
    usr/share/mailprov/srcdef/rmssys.sh usr/share/mailprov/srcdef/common.sh \
    usr/share/mailprov/nim/mailprov-push.sh; do
	[ -f "$D/$f" ] && pass "installed $f" || fail "installed $f"
done
[ -x "$D/usr/sbin/mailprov" ] && pass "mailprov is executable" || fail "mailprov is executable"
check_grepF "installed mkssys.sh names the installed daemon" "$D/usr/share/mailprov/srcdef/mkssys.sh" /usr/sbin/mailprovd
[ -d "$D/var/mailprov" ] && [ "$(stat -c %a "$D/var/mailprov")" = 700 ] &&
	pass "/var/mailprov created 0700" || fail "/var/mailprov created 0700"
echo "# edited by the admin" >>"$D/etc/mailprov/desired.yaml"
cp "$D/etc/mailprov/desired.yaml" "$T/edited"
make -s install DESTDIR="$D" PREFIX=/usr >"$T/inst" 2>&1
cmp -s "$D/etc/mailprov/desired.yaml" "$T/edited" &&
	pass "second install keeps desired.yaml" || fail "second install keeps desired.yaml"

# Man pages render with no warnings.
for m in conf/mailprov.yaml.5 daemon/mailprov.8 daemon/mailprovd.8; do
	w=$(LC_ALL=C.UTF-8 groff -man -ww -z -t "$m" 2>&1)
	[ -z "$w" ] && pass "man page $m renders cleanly" || fail "man page $m renders cleanly" "$w"
done

exit $((fails > 0))
