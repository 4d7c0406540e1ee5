#!/bin/bash
# nim_test.sh - conf/nim/mailprov-push.sh, the NIM script resource, run as
# NIM would run it on a client, but against a temporary directory: the
# staging file is in it, MAILPROV_INCOMING points into it and REFRESH is
# a fake that logs its argv.  Under sh, and again under ksh (AIX's
# /bin/sh is a ksh) when one is installed.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
PUSH=$PWD/conf/nim/mailprov-push.sh

mkdir -p "$T/bin"
cat >"$T/bin/refresh" <<EOF
#!/bin/sh
{ printf 'refresh'; for a in "\$@"; do printf ' [%s]' "\$a"; done; echo; } >>'$T/refresh.log'
if [ -e '$T/refresh.fail' ]; then
	echo "0513-004 The Subsystem or Group, mailprovd, is currently inoperative." >&2
	exit 1
fi
echo "0513-095 The request for subsystem refresh was completed successfully."
EOF
chmod 0755 "$T/bin/refresh"
export REFRESH=$T/bin/refresh
# No validation unless a scenario asks for it (a mailprov installed on
# this machine must not change the results).
export MAILPROV=$T/no-such-mailprov

ST=$T/nim/desired.yaml	# the staging file, as the file_res leaves it
IN=$T/var/incoming	# the incoming directory, made by the script
export MAILPROV_INCOMING=$IN

# push [ARG...]: run the script under $SH; $T/out, $T/err, $rc.
push() {
	$SH "$PUSH" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
refreshes() { cat "$T/refresh.log" 2>/dev/null; }
listing() { (cd "$IN" 2>/dev/null && ls -A | tr '\n' ' '); }
# refused NAME MESSAGE: exit 1, one line naming why, no refresh, the
# incoming directory as it was.
refused() {
	expect "$1: exits 1" "$rc" 1
	expect "$1: one line on stderr" "$(wc -l <"$T/err" | tr -d ' ')" 1
	check_grepF "$1: says why" "$T/err" "$2"
	expect "$1: refresh not run" "$(refreshes)" ""
	expect "$1: incoming directory unchanged" "$(listing)" "$before"
	if [ -e "$IN/desired.yaml" ]; then
		cmp -s "$IN/desired.yaml" "$T/good" && pass "$1: installed file unchanged" ||
		    fail "$1: installed file unchanged"
	fi
}
fresh() { rm -rf "${T:?}/nim" "${T:?}/var" "$T/other" "$T/refresh.log" "$T/refresh.fail"; mkdir -p "$T/nim"; }

SHELLS='sh'
for k in ksh ksh93 mksh; do
	command -v "$k" >/dev/null 2>&1 && { SHELLS="$SHELLS $k"; break; }
done

for SH in $SHELLS; do
	p="[$SH]"
	fresh
	cp conf/desired.yaml "$ST"
	cp conf/desired.yaml "$T/good"

	push "$ST"
	expect "$p push exits 0" "$rc" 0
	[ -f "$IN/desired.yaml" ] && pass "$p the file lands in incoming" ||
	    fail "$p the file lands in incoming" "$(cat "$T/err")"
	expect "$p mode 0600" "$(stat -c %a "$IN/desired.yaml" 2>/dev/null)" 600
	expect "$p owned by root" "$(stat -c %u:%g "$IN/desired.yaml" 2>/dev/null)" 0:0
	cmp -s "$IN/desired.yaml" "$ST" && pass "$p content identical" ||
	    fail "$p content identical"
	expect "$p no temporary file left" "$(listing)" "desired.yaml "
	expect "$p refresh once with -s mailprovd" "$(refreshes)" "refresh [-s] [mailprovd]"
	expect "$p incoming directory made 0700 root" \
	    "$(stat -c %a:%u "$IN" 2>/dev/null)" 700:0
	expect "$p five lines of progress" "$(wc -l <"$T/out" | tr -d ' ')" 5
	check_grepF "$p says what it installed" "$T/out" "installed $IN/desired.yaml (root, mode 0600)"
	check_grepF "$p says refresh answered" "$T/out" "refresh -s mailprovd: 0513-095"
	[ -s "$T/err" ] && fail "$p nothing on stderr" "$(cat "$T/err")" ||
	    pass "$p nothing on stderr"
	[ -f "$ST" ] && pass "$p staging file left for the next push" ||
	    fail "$p staging file left for the next push"

	# A second push replaces the file, and so does one over a file
	# that has the wrong owner and mode.
	echo "# second push" >>"$ST"
	cp "$ST" "$T/good"
	chown nobody "$IN/desired.yaml"
	chmod 0644 "$IN/desired.yaml"
	push "$ST"
	expect "$p second push exits 0" "$rc" 0
	cmp -s "$IN/desired.yaml" "$ST" && pass "$p second push: new content" ||
	    fail "$p second push: new content"
	expect "$p second push: owner and mode set again" \
	    "$(stat -c %a:%u:%g "$IN/desired.yaml")" 600:0:0
	expect "$p second push: still one file" "$(listing)" "desired.yaml "
	expect "$p second push: one more refresh" "$(refreshes | wc -l | tr -d ' ')" 2

	# Refusals: nothing reaches the incoming directory, no refresh.
	before=$(listing)
	rm -f "$T/refresh.log"
	mkdir -p "$T/other"
	push "$T/other/none.yaml"
	refused "$p missing staging file" "$T/other/none.yaml does not exist"
	ln -s "$ST" "$T/other/link.yaml"
	push "$T/other/link.yaml"
	refused "$p symbolic link" "link.yaml is a symbolic link: refused"
	ln -s "$T/other/none.yaml" "$T/other/dangling.yaml"
	push "$T/other/dangling.yaml"
	refused "$p dangling symbolic link" "dangling.yaml is a symbolic link: refused"
	: >"$T/other/empty.yaml"
	push "$T/other/empty.yaml"
	refused "$p empty file" "empty.yaml is empty: refused"
	mkdir "$T/other/dir.yaml"
	push "$T/other/dir.yaml"
	refused "$p directory" "dir.yaml is not a regular file: refused"
	mkfifo "$T/other/fifo.yaml"
	SH="timeout 10 $SH" push "$T/other/fifo.yaml"
	refused "$p FIFO, without hanging" "fifo.yaml is not a regular file: refused"
	head -c 1048577 /dev/zero | tr '\0' '#' >"$T/other/big.yaml"
	push "$T/other/big.yaml"
	refused "$p over 1 MiB" "is larger than 1048576 bytes"
	push "$ST" extra
	refused "$p two arguments" "usage: mailprov-push.sh [STAGING]"

	# An incoming directory mailprovd would not trust.
	chmod 0770 "$IN"
	push "$ST"
	refused "$p group-writable incoming" "writable by group or others"
	chmod 0703 "$IN"
	push "$ST"
	refused "$p world-writable incoming" "writable by group or others"
	chmod 0700 "$IN"
	chown nobody "$IN"
	push "$ST"
	refused "$p incoming owned by another user" "is not owned by root"
	chown 0 "$IN"
	mv "$IN" "$T/var/real"
	ln -s "$T/var/real" "$IN"
	push "$ST"
	expect "$p incoming as a symbolic link: exits 1" "$rc" 1
	check_grepF "$p incoming as a symbolic link: says why" "$T/err" "$IN is a symbolic link: refused"
	rm "$IN"
	: >"$IN"
	push "$ST"
	expect "$p incoming as a file: exits 1" "$rc" 1
	check_grepF "$p incoming as a file: says why" "$T/err" "$IN is not a directory: refused"
	expect "$p bad incoming: refresh never run" "$(refreshes)" ""
	rm "$IN"
	mv "$T/var/real" "$IN"

	# The refresh fails (mailprovd not running): exit 1, file in place.
	echo "# third push" >>"$ST"
	touch "$T/refresh.fail"
	push "$ST"
	expect "$p failing refresh exits 1" "$rc" 1
	expect "$p failing refresh: one line on stderr" "$(wc -l <"$T/err" | tr -d ' ')" 1
	check_grepF "$p failing refresh: its message" "$T/err" "0513-004"
	cmp -s "$IN/desired.yaml" "$ST" && pass "$p failing refresh: file installed" ||
	    fail "$p failing refresh: file installed"
	rm -f "$T/refresh.fail" "$T/refresh.log"
	cp "$ST" "$T/good"

	# With mailprov at hand, an invalid desired state is refused.
	if [ -x daemon/mailprov ]; then
		before=$(listing)
		printf 'version: 1\nsendmail:\n  smart_hots: x\n' >"$T/other/bad.yaml"
		MAILPROV=$PWD/daemon/mailprov push "$T/other/bad.yaml"
		refused "$p invalid desired state" "is not a valid desired state"
		check_grepF "$p invalid desired state: mailprov's message" "$T/err" "unknown key 'smart_hots'"
		MAILPROV=$PWD/daemon/mailprov push "$ST"
		expect "$p validated push exits 0" "$rc" 0
		check_grepF "$p validated push says valid" "$T/out" "validate: valid"
		expect "$p validated push: one file" "$(listing)" "desired.yaml "
	fi
done

# As another user: refused before anything.
if command -v runuser >/dev/null 2>&1 && runuser -u nobody -- test -r "$PUSH"; then
	rm -f "$T/refresh.log"
	runuser -u nobody -- sh "$PUSH" /nonexistent >"$T/out" 2>"$T/err"
	rc=$?
	expect "as a user: exits 1" "$rc" 1
	check_grepF "as a user: says why" "$T/err" "must be run as root"
	expect "as a user: refresh not run" "$(refreshes)" ""
fi

# ------------------------------------------------ the master's rollout
# conf/nim/mailprov-rollout.sh against fake nim and lsnim
# (tests/fakeaix/mkfakenim.sh): the lpp_source, the install on a machine
# group, the desired-state push, the lssrc -ls collection.
ROLL=$PWD/conf/nim/mailprov-rollout.sh
N=$T/nimstate
sh tests/fakeaix/mkfakenim.sh "$T/nimbin" "$N" || fail "mkfakenim.sh"
printf 'type=mac_group\nmember=lpar1\nmember=lpar2\n' >"$N/obj/mailhosts"
export NIM=$T/nimbin/nim LSNIM=$T/nimbin/lsnim LPP_DIR=$T/export/lpp \
    DESIRED_DIR=$T/export/desired NIM_SCRIPTS=$T/export/scripts
BFF=$T/pkg/mailprov.rte.0.7.0.0.bff
RPMF=$T/pkg/mailprov-0.7.0-1.ppc.rpm
mkdir -p "$T/pkg"
echo bff >"$BFF"
echo rpm >"$RPMF"
# nimcalls: the nim calls (not lsnim) since the last reset, joined by "; ".
nimcalls() { grep '^nim ' "$N/calls" 2>/dev/null | awk 'NR > 1 { printf "; " } { printf "%s", $0 }'; }
roll() { : >"$N/calls"; sh "$ROLL" "$@" >"$T/out" 2>"$T/err"; rc=$?; }
VALID=$T/valid.yaml
cp conf/desired.yaml "$VALID"
MAILPROV=$PWD/daemon/mailprov
export MAILPROV

roll -g mailhosts -p "$BFF" -d "$VALID"
expect "rollout (installp): exits 0" "$rc" 0
expect "rollout (installp): the nim calls, in order" "$(nimcalls)" \
"nim [-o] [define] [-t] [lpp_source] [-a] [server=master] [-a] [location=$LPP_DIR] [mailprov_lpp]; \
nim [-o] [cust] [-a] [lpp_source=mailprov_lpp] [-a] [filesets=mailprov.rte] [-a] [installp_flags=acgX] [mailhosts]; \
nim [-o] [define] [-t] [file_res] [-a] [server=master] [-a] [location=$DESIRED_DIR] [-a] [dest_dir=/var/mailprov/nim] [mailprov_desired]; \
nim [-o] [define] [-t] [script] [-a] [server=master] [-a] [location=$NIM_SCRIPTS/mailprov-push.sh] [mailprov_push]; \
nim [-o] [cust] [-a] [file_res=mailprov_desired] [-a] [script=mailprov_push] [mailhosts]; \
nim [-o] [define] [-t] [script] [-a] [server=master] [-a] [location=$NIM_SCRIPTS/mailprov-status.sh] [mailprov_status]; \
nim [-o] [cust] [-a] [script=mailprov_status] [mailhosts]; \
nim [-o] [showlog] [-a] [log_type=script] [lpar1]; \
nim [-o] [showlog] [-a] [log_type=script] [lpar2]"
[ -f "$LPP_DIR/installp/ppc/mailprov.rte.0.7.0.0.bff" ] && pass "rollout: the fileset is in the lpp_source" ||
    fail "rollout: the fileset is in the lpp_source"
expect "rollout: lpar1 got the fileset" "$(cat "$N/client/lpar1/installed" 2>/dev/null)" mailprov.rte.0.7.0.0.bff
expect "rollout: lpar2 got the fileset" "$(cat "$N/client/lpar2/installed" 2>/dev/null)" mailprov.rte.0.7.0.0.bff
cmp -s "$DESIRED_DIR/desired.yaml" "$VALID" && pass "rollout: the desired state is in the file_res directory" ||
    fail "rollout: the desired state is in the file_res directory"
cmp -s "$NIM_SCRIPTS/mailprov-push.sh" conf/nim/mailprov-push.sh && pass "rollout: the push script resource is the kit's" ||
    fail "rollout: the push script resource is the kit's"
expect "rollout: script resources are executable" \
    "$(stat -c %a "$NIM_SCRIPTS/mailprov-push.sh" "$NIM_SCRIPTS/mailprov-status.sh" | tr '\n' ' ')" "755 755 "
check_grepF "rollout: says the desired state is valid" "$T/out" "is valid"
check_grepF "rollout: one log per member" "$T/err" "no script log from lpar2"

# Again with logs to collect: defined resources are reused, the
# lpp_source is checked again, each member's log is printed.
printf 'mailprov-status: lpar1\nSubsystem mailprovd active\n' >"$N/client/lpar1/log"
printf 'mailprov-status: lpar2\n' >"$N/client/lpar2/log"
roll -g mailhosts -p "$BFF" -d "$VALID"
expect "second rollout exits 0" "$rc" 0
check_nogrep "second rollout defines nothing again" "$N/calls" '^nim \[-o\] \[define\]'
check_grepF "second rollout checks the lpp_source again" "$N/calls" "nim [-o] [check] [mailprov_lpp]"
check_grepF "second rollout: lpar1's lssrc -ls" "$T/out" "Subsystem mailprovd active"
check_grepF "second rollout: lpar2's log too" "$T/out" "mailprov-status: lpar2"

# The RPM through the same lpp_source: R:mailprov.
roll -g mailhosts -p "$RPMF" lpp install
expect "rollout (RPM): exits 0" "$rc" 0
expect "rollout (RPM): check, then cust with R:mailprov" "$(nimcalls)" \
"nim [-o] [check] [mailprov_lpp]; nim [-o] [cust] [-a] [lpp_source=mailprov_lpp] [-a] [filesets=R:mailprov] [mailhosts]"
[ -f "$LPP_DIR/RPMS/ppc/mailprov-0.7.0-1.ppc.rpm" ] && pass "rollout (RPM): the RPM under RPMS/ppc" ||
    fail "rollout (RPM): the RPM under RPMS/ppc"
check_grepF "rollout (RPM): lpar1 got the RPM" "$N/client/lpar1/installed" mailprov-0.7.0-1.ppc.rpm

# Refusals: an invalid desired state pushes nothing; a failing cust
# stops the run with its message; -n runs no nim operation.
printf 'version: 1\nsendmail:\n  smart_hots: x\n' >"$T/bad.yaml"
roll -g mailhosts -d "$T/bad.yaml" push
expect "rollout: invalid desired state exits 1" "$rc" 1
check_grepF "rollout: invalid desired state: mailprov's file:line:col" "$T/err" "bad.yaml:3:3: unknown key 'smart_hots'"
expect "rollout: invalid desired state: no nim call" "$(nimcalls)" ""
cmp -s "$DESIRED_DIR/desired.yaml" "$VALID" && pass "rollout: invalid desired state: the file_res copy unchanged" ||
    fail "rollout: invalid desired state: the file_res copy unchanged"
echo cust >"$N/fail"
roll -g mailhosts -p "$BFF" install push
expect "rollout: failing cust exits 1" "$rc" 1
check_grepF "rollout: failing cust: nim's message" "$T/err" "0042-001"
check_grepF "rollout: failing cust: names the command" "$T/err" "failed: $NIM -o cust"
expect "rollout: failing cust: the push never ran" "$(nimcalls | grep -c file_res=)" 0
rm -f "$N/fail"
rm -rf "$N/client"
roll -n -g mailhosts -p "$BFF" -d "$VALID"
expect "rollout -n exits 0" "$rc" 0
expect "rollout -n: no nim operation" "$(nimcalls)" ""
check_grepF "rollout -n prints the install" "$T/out" "-o cust -a lpp_source=mailprov_lpp -a filesets=mailprov.rte -a installp_flags=acgX mailhosts"
[ -e "$N/client/lpar1/installed" ] && fail "rollout -n installs nothing" || pass "rollout -n installs nothing"
roll -p "$BFF"
expect "rollout without -g: usage, exit 2" "$rc" 2
roll -g mailhosts install
expect "install without -p: usage, exit 2" "$rc" 2
sh -n "$ROLL" && pass "mailprov-rollout.sh parses (sh -n)" || fail "mailprov-rollout.sh parses (sh -n)"

sh -n "$PUSH" && pass "mailprov-push.sh parses (sh -n)" || fail "mailprov-push.sh parses (sh -n)"

exit $((fails > 0))
