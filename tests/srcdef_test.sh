#!/bin/bash
# srcdef_test.sh - srcdef/mkssys.sh and srcdef/rmssys.sh against the fake
# AIX commands of tests/fakeaix/mkfake.sh (mkssys, lssrc, chssys, rmssys,
# stopsrc, mkitab, lsitab, rmitab), which keep the SRC record, the
# subsystem's state and /etc/inittab in files and log every call with its
# exact argv, one "[word]" per argument.  Each scenario asserts the exact list of calls that change
# something.  Everything runs under sh, and again under ksh (AIX's
# /bin/sh is a ksh) when one is installed.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
F=$T/bin	# the fake commands
S=$T/state	# their state: mailprovd.rec (key=value), inittab, calls, fail
mkdir -p "$F" "$S"

# ---------------------------------------------------------------- fakes
# The one fake AIX (tests/fakeaix/mkfake.sh): the record in
# $S/mailprovd.rec, /etc/inittab in $S/inittab, calls in $S/calls.
sh tests/fakeaix/mkfake.sh "$F" "$S" || { echo "FAIL: tests/fakeaix/mkfake.sh"; exit 1; }
REC_FILE=$S/mailprovd.rec

export MKSSYS=$F/mkssys LSSRC=$F/lssrc CHSSYS=$F/chssys RMSSYS=$F/rmssys \
    STOPSRC=$F/stopsrc MKITAB=$F/mkitab LSITAB=$F/lsitab RMITAB=$F/rmitab

# -------------------------------------------------------------- helpers
ITAB='mailprovd:2:once:/usr/bin/startsrc -s mailprovd >/dev/console 2>&1'
MK="mkssys [-s] [mailprovd] [-p] [/usr/sbin/mailprovd] [-u] [0] [-K] [-R] [-Q] [-d] [-w] [30] [-a] [-c /etc/mailprov/mailprovd.conf]"
REC='mailprovd::-c /etc/mailprov/mailprovd.conf:/usr/sbin/mailprovd:0:0:/dev/console:/dev/console:/dev/console:-R:-Q:-K:0:0:20:0:0:-d:30::'

reset() { rm -f "$REC_FILE" "$S/inittab" "$S/fail"; : >"$S/calls"; }
# run SCRIPT [ARG...]: run srcdef/SCRIPT under $SH; $T/out, $T/err, $rc.
run() {
	local s=$1
	shift
	: >"$S/calls"
	$SH "srcdef/$s" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
# changes: the logged calls that change something, joined by "; ".
changes() {
	grep -E '^(mkssys|chssys|rmssys|stopsrc|startsrc|mkitab|rmitab)( |$)' "$S/calls" |
	    awk 'NR > 1 { printf "; " } { printf "%s", $0 }'
}
record() { "$F/lssrc" -S -s mailprovd 2>/dev/null | sed -n 2p; }
inittab() { cat "$S/inittab" 2>/dev/null; }
oneline() {	# oneline NAME: rc 1 and exactly one line on stderr
	expect "$1 exits 1" "$rc" 1
	expect "$1: one line on stderr" "$(wc -l <"$T/err" | tr -d ' ')" 1
}
state_active() {
	"$F/lssrc" -s mailprovd >/dev/null 2>&1 &&
	    sed -i -e 's/^state=.*/state=active/' -e 's/^pid=.*/pid=4242/' "$REC_FILE"
}

SHELLS='sh'
for k in ksh ksh93 mksh; do
	command -v "$k" >/dev/null 2>&1 && { SHELLS="$SHELLS $k"; break; }
done

for SH in $SHELLS; do
	p="[$SH]"

	# ---------------------------------------------------- mkssys.sh
	reset
	run mkssys.sh
	expect "$p first run exits 0" "$rc" 0
	expect "$p first run: exactly mkssys and mkitab" "$(changes)" "$MK; mkitab [$ITAB]"
	expect "$p first run: the record" "$(record)" "$REC"
	expect "$p first run: the inittab entry" "$(inittab)" "$ITAB"
	check_grepF "$p first run says what it runs" "$T/out" "running: $F/mkssys -s mailprovd -p /usr/sbin/mailprovd -u 0 -K -R -Q -d -w 30 -a '-c /etc/mailprov/mailprovd.conf'"

	run mkssys.sh
	expect "$p second run exits 0" "$rc" 0
	expect "$p second run changes nothing" "$(changes)" ""
	check_grepF "$p second run says the record matches" "$T/out" "already matches"
	check_grepF "$p second run says the entry is there" "$T/out" "entry mailprovd already there"
	expect "$p second run: same record" "$(record)" "$REC"
	expect "$p second run: one inittab line" "$(inittab)" "$ITAB"

	# Path and arguments drifted: chssys for those two fields only.
	sed -i -e 's|^path=.*|path=/opt/old/mailprovd|' -e 's|^args=.*|args=-c /old.conf|' "$REC_FILE"
	run mkssys.sh
	expect "$p drift exits 0" "$rc" 0
	expect "$p drift: chssys -p -a only" "$(changes)" \
	    "chssys [-s] [mailprovd] [-p] [/usr/sbin/mailprovd] [-a] [-c /etc/mailprov/mailprovd.conf]"
	expect "$p drift: record repaired" "$(record)" "$REC"
	run mkssys.sh
	expect "$p after drift: no change" "$(changes)" ""

	# A record made by hand with mkssys defaults and signals: flags only.
	reset
	"$F/mkssys" -s mailprovd -p /usr/sbin/mailprovd -u 0 -S -n 15 -f 9 -D \
	    -a "-c /etc/mailprov/mailprovd.conf" >/dev/null
	printf '%s\n' "$ITAB" >"$S/inittab"
	run mkssys.sh
	expect "$p flag drift exits 0" "$rc" 0
	expect "$p flag drift: chssys -K -R -d -w 30 only" "$(changes)" \
	    "chssys [-s] [mailprovd] [-K] [-R] [-d] [-w] [30]"
	expect "$p flag drift: record repaired" "$(record)" "$REC"

	# -p and -a.
	reset
	run mkssys.sh -p /opt/mailprov/sbin/mailprovd -a "-c /etc/x.conf -d"
	expect "$p -p -a exits 0" "$rc" 0
	expect "$p -p -a: mkssys with them" "$(changes)" \
	    "mkssys [-s] [mailprovd] [-p] [/opt/mailprov/sbin/mailprovd] [-u] [0] [-K] [-R] [-Q] [-d] [-w] [30] [-a] [-c /etc/x.conf -d]; mkitab [$ITAB]"
	run mkssys.sh
	expect "$p back to the defaults: chssys -p -a" "$(changes)" \
	    "chssys [-s] [mailprovd] [-p] [/usr/sbin/mailprovd] [-a] [-c /etc/mailprov/mailprovd.conf]"

	# -n prints and changes nothing: fresh, then drifted.
	reset
	run mkssys.sh -n
	expect "$p -n exits 0" "$rc" 0
	expect "$p -n changes nothing" "$(changes)" ""
	expect "$p -n: still no record" "$(record)" ""
	expect "$p -n: still no inittab entry" "$(inittab)" ""
	check_grepF "$p -n prints the mkssys line" "$T/out" "would run: $F/mkssys -s mailprovd -p /usr/sbin/mailprovd -u 0 -K -R -Q -d -w 30 -a '-c /etc/mailprov/mailprovd.conf'"
	check_grepF "$p -n prints the mkitab line" "$T/out" "would run: $F/mkitab 'mailprovd:2:once:/usr/bin/startsrc -s mailprovd >/dev/console 2>&1'"
	run mkssys.sh
	sed -i 's|^path=.*|path=/opt/old/mailprovd|' "$REC_FILE"
	before=$(cat "$REC_FILE")
	run mkssys.sh -n
	expect "$p -n on drift changes nothing" "$(changes)" ""
	expect "$p -n on drift: record untouched" "$(cat "$REC_FILE")" "$before"
	check_grepF "$p -n on drift prints chssys" "$T/out" "would run: $F/chssys -s mailprovd -p /usr/sbin/mailprovd"

	# An inittab entry of another shape is kept.
	reset
	printf 'mailprovd:2:once:/usr/bin/startsrc -s mailprovd -a -d\n' >"$S/inittab"
	run mkssys.sh
	expect "$p other inittab entry: only mkssys" "$(changes)" "$MK"
	check_grepF "$p other inittab entry is named" "$T/out" "keeping the existing /etc/inittab entry: mailprovd:2:once:/usr/bin/startsrc -s mailprovd -a -d"

	# Failures: one line, nothing after the failed step.
	reset
	echo mkssys >"$S/fail"
	run mkssys.sh
	oneline "$p failing mkssys"
	check_grepF "$p failing mkssys names it" "$T/err" "mkssys.sh: $F/mkssys -s mailprovd"
	check_grepF "$p failing mkssys gives its message" "$T/err" "0513-075"
	expect "$p failing mkssys: no mkitab" "$(changes)" "$MK"
	reset
	run mkssys.sh
	echo mkitab >"$S/fail"
	rm -f "$S/inittab"
	run mkssys.sh
	oneline "$p failing mkitab"
	check_grepF "$p failing mkitab message" "$T/err" "cannot write /etc/inittab"

	# Bad usage: exit 2, no command run at all.
	reset
	for a in "-p relative/mailprovd" "-a -c:/x" "-x" "extra"; do
		# shellcheck disable=SC2086  # split on purpose
		run mkssys.sh $a
		expect "$p usage '$a' exits 2" "$rc" 2
		expect "$p usage '$a': one line on stderr" "$(wc -l <"$T/err" | tr -d ' ')" 1
		expect "$p usage '$a' runs nothing" "$(cat "$S/calls")" ""
	done
	run mkssys.sh -a "$(printf 'x%.0s' $(seq 200))"
	expect "$p -a over 199 characters exits 2" "$rc" 2

	# ---------------------------------------------------- rmssys.sh
	reset
	run mkssys.sh
	state_active
	run rmssys.sh -n
	expect "$p rmssys -n exits 0" "$rc" 0
	expect "$p rmssys -n changes nothing" "$(changes)" ""
	check_grepF "$p rmssys -n prints stopsrc" "$T/out" "would run: $F/stopsrc -s mailprovd"
	check_grepF "$p rmssys -n prints rmssys" "$T/out" "would run: $F/rmssys -s mailprovd"
	check_grepF "$p rmssys -n prints rmitab" "$T/out" "would run: $F/rmitab mailprovd"
	expect "$p rmssys -n: record kept" "$(record)" "$REC"

	run rmssys.sh
	expect "$p rmssys (active) exits 0" "$rc" 0
	expect "$p rmssys (active): stopsrc, rmssys, rmitab" "$(changes)" \
	    "stopsrc [-s] [mailprovd]; rmssys [-s] [mailprovd]; rmitab [mailprovd]"
	expect "$p rmssys: no record left" "$(record)" ""
	expect "$p rmssys: no inittab entry left" "$(inittab)" ""
	run rmssys.sh
	expect "$p rmssys again exits 0" "$rc" 0
	expect "$p rmssys again changes nothing" "$(changes)" ""
	check_grepF "$p rmssys again says nothing to remove" "$T/out" "nothing to remove"

	reset
	run mkssys.sh
	run rmssys.sh
	expect "$p rmssys (inoperative): no stopsrc" "$(changes)" \
	    "rmssys [-s] [mailprovd]; rmitab [mailprovd]"

	reset
	printf '%s\n' "$ITAB" >"$S/inittab"
	run rmssys.sh
	expect "$p rmssys with only the inittab entry" "$(changes)" "rmitab [mailprovd]"
	expect "$p rmssys with only the inittab entry exits 0" "$rc" 0

	reset
	run mkssys.sh
	state_active
	echo stuck >"$S/fail"
	MAILPROV_STOP_WAIT=1 run rmssys.sh
	oneline "$p a subsystem that does not stop"
	check_grepF "$p it names stopsrc -c" "$T/err" "stopsrc -c -s mailprovd"
	expect "$p it does not rmssys" "$(changes)" "stopsrc [-s] [mailprovd]"

	reset
	run mkssys.sh
	echo rmssys >"$S/fail"
	run rmssys.sh
	oneline "$p failing rmssys"
	expect "$p failing rmssys: no rmitab" "$(changes)" "rmssys [-s] [mailprovd]"
done

# Root is required to change anything (not for -n).
if command -v runuser >/dev/null 2>&1 && runuser -u nobody -- test -r srcdef/mkssys.sh; then
	reset
	runuser -u nobody -- sh srcdef/mkssys.sh >"$T/out" 2>"$T/err"
	rc=$?
	oneline "mkssys.sh as a user"
	check_grepF "mkssys.sh as a user: message" "$T/err" "must be run as root"
	runuser -u nobody -- sh srcdef/rmssys.sh >"$T/out" 2>"$T/err"
	rc=$?
	oneline "rmssys.sh as a user"
fi

for s in srcdef/mkssys.sh srcdef/rmssys.sh; do
	sh -n "$s" && pass "$s parses (sh -n)" || fail "$s parses (sh -n)"
done

exit $((fails > 0))
