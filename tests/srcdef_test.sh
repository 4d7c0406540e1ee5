#!/bin/bash
# srcdef_test.sh - srcdef/mkssys.sh and srcdef/rmssys.sh against fake AIX
# commands (mkssys, lssrc, chssys, rmssys, stopsrc, mkitab, lsitab,
# rmitab) that keep the SRC record, the subsystem's state and /etc/inittab
# in files and log every call with its exact argv, one "[word]" per
# argument.  Each scenario asserts the exact list of calls that change
# something.  Everything runs under sh, and again under ksh (AIX's
# /bin/sh is a ksh) when one is installed.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/testenv.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
F=$T/bin	# the fake commands
S=$T/state	# their state: rec (key=value), inittab, calls, fail
mkdir -p "$F" "$S"

# ---------------------------------------------------------------- fakes
# Each fake starts with this: log the call, read -s NAME and the other
# flags of mkssys/chssys into variables.
common() {
	cat <<EOF
#!/bin/sh
S='$S'
EOF
	cat <<'EOF'
{ printf '%s' "${0##*/}"; for a in "$@"; do printf ' [%s]' "$a"; done; echo; } >>"$S/calls"
fails() { grep -qx "${0##*/}" "$S/fail" 2>/dev/null; }
rec=$S/rec
get() { sed -n "s/^$1=//p" "$rec"; }
put() {	# put KEY VALUE
	sed "/^$1=/d" "$rec" >"$rec.tmp" && echo "$1=$2" >>"$rec.tmp" && mv "$rec.tmp" "$rec"
}
notonfile() { echo "0513-085 The $1 Subsystem is not on file." >&2; exit 1; }
EOF
}

# Flag parsing shared by mkssys and chssys: apply each flag to the record.
flags() {
	cat <<'EOF'
sub=
while [ $# -gt 0 ]; do
	case $1 in
	-s) sub=$2; shift 2 ;;
	-p) set_path=$2; shift 2 ;;
	-a) set_args=$2; shift 2 ;;
	-u) set_uid=$2; shift 2 ;;
	-w) set_wait=$2; shift 2 ;;
	-G) set_group=$2; shift 2 ;;
	-n | -f | -E | -I | -m | -t | -e | -i | -o) shift 2 ;;
	-K | -S) set_contact=$1; shift ;;
	-R | -O) set_action=$1; shift ;;
	-Q | -q) set_multi=$1; shift ;;
	-d | -D) set_display=$1; shift ;;
	*) echo "${0##*/}: 0513-003 bad flag $1" >&2; exit 1 ;;
	esac
done
[ -n "$sub" ] || { echo "${0##*/}: -s is required" >&2; exit 1; }
apply_flags() {
	[ -n "${set_path+x}" ] && put path "$set_path"
	[ -n "${set_args+x}" ] && put args "$set_args"
	[ -n "${set_uid+x}" ] && put uid "$set_uid"
	[ -n "${set_wait+x}" ] && put wait "$set_wait"
	[ -n "${set_group+x}" ] && put group "$set_group"
	[ -n "${set_contact+x}" ] && put contact "$set_contact"
	[ -n "${set_action+x}" ] && put action "$set_action"
	[ -n "${set_multi+x}" ] && put multi "$set_multi"
	[ -n "${set_display+x}" ] && put display "$set_display"
	return 0
}
EOF
}

{ common; flags; cat <<'EOF'; } >"$F/mkssys"
fails && { echo "0513-075 The new subsystem name is already on file." >&2; exit 1; }
[ -e "$rec" ] && { echo "0513-075 The new subsystem name is already on file." >&2; exit 1; }
# The defaults of mkssys -p -s -u alone.
printf 'name=%s\nargs=\npath=\nuid=\naction=-O\nmulti=-Q\ncontact=-K\ndisplay=-d\nwait=20\ngroup=\nstate=inoperative\n' "$sub" >"$rec"
apply_flags
echo "0513-071 The $sub Subsystem has been added."
EOF

{ common; flags; cat <<'EOF'; } >"$F/chssys"
[ -e "$rec" ] || notonfile "$sub"
fails && { echo "0513-014 The request could not be passed to the subsystem." >&2; exit 1; }
apply_flags
echo "0513-077 Subsystem has been changed."
EOF

{ common; cat <<'EOF'; } >"$F/lssrc"
long=; sub=
while [ $# -gt 0 ]; do
	case $1 in
	-S) long=1; shift ;;
	-s) sub=$2; shift 2 ;;
	*) shift ;;
	esac
done
[ -e "$rec" ] && [ "$(get name)" = "$sub" ] || notonfile "$sub"
if [ -n "$long" ]; then
	echo "#subsysname:synonym:cmdargs:path:uid:auditid:standin:standout:standerr:action:multi:contact:svrkey:svrmtype:priority:signorm:sigforce:display:waittime:grpname:"
	echo "$sub::$(get args):$(get path):$(get uid):0:/dev/console:/dev/console:/dev/console:$(get action):$(get multi):$(get contact):0:0:20:0:0:$(get display):$(get wait):$(get group):"
	exit 0
fi
pid=; [ "$(get state)" = active ] && pid=4242
printf ' Subsystem         Group            PID          Status \n'
printf ' %-17s %-16s %-12s %s\n' "$sub" "$(get group)" "$pid" "$(get state)"
EOF

{ common; cat <<'EOF'; } >"$F/rmssys"
sub=$2
[ -e "$rec" ] || notonfile "$sub"
fails && { echo "0513-014 The request could not be passed." >&2; exit 1; }
rm -f "$rec"
echo "0513-083 Subsystem has been Deleted."
EOF

{ common; cat <<'EOF'; } >"$F/stopsrc"
sub=$2
[ -e "$rec" ] || notonfile "$sub"
if [ "$(get state)" != active ]; then
	echo "0513-004 The Subsystem or Group, $sub, is currently inoperative." >&2
	exit 1
fi
# "stuck" in fail: the request is accepted but the daemon never ends.
grep -qx stuck "$S/fail" 2>/dev/null || put state inoperative
echo "0513-044 The $sub Subsystem was requested to stop."
EOF

{ common; cat <<'EOF'; } >"$F/mkitab"
id=${1%%:*}
fails && { echo "mkitab: cannot write /etc/inittab" >&2; exit 1; }
grep -q "^$id:" "$S/inittab" 2>/dev/null && { echo "mkitab: identifier $id already exists" >&2; exit 1; }
printf '%s\n' "$1" >>"$S/inittab"
EOF

{ common; cat <<'EOF'; } >"$F/lsitab"
grep "^$1:" "$S/inittab" 2>/dev/null || exit 1
EOF

{ common; cat <<'EOF'; } >"$F/rmitab"
grep -q "^$1:" "$S/inittab" 2>/dev/null || { echo "rmitab: $1 not found" >&2; exit 1; }
grep -v "^$1:" "$S/inittab" >"$S/inittab.tmp"
mv "$S/inittab.tmp" "$S/inittab"
EOF
chmod 0755 "$F"/*

export MKSSYS=$F/mkssys LSSRC=$F/lssrc CHSSYS=$F/chssys RMSSYS=$F/rmssys \
    STOPSRC=$F/stopsrc MKITAB=$F/mkitab LSITAB=$F/lsitab RMITAB=$F/rmitab

# -------------------------------------------------------------- helpers
ITAB='mailprovd:2:once:/usr/bin/startsrc -s mailprovd >/dev/console 2>&1'
MK="mkssys [-s] [mailprovd] [-p] [/usr/sbin/mailprovd] [-u] [0] [-K] [-R] [-Q] [-d] [-w] [30] [-a] [-c /etc/mailprov/mailprovd.conf]"
REC='mailprovd::-c /etc/mailprov/mailprovd.conf:/usr/sbin/mailprovd:0:0:/dev/console:/dev/console:/dev/console:-R:-Q:-K:0:0:20:0:0:-d:30::'

reset() { rm -f "$S/rec" "$S/inittab" "$S/fail"; : >"$S/calls"; }
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
has() {	# has NAME FILE FIXED-STRING
	if grep -qF -- "$3" "$2"; then pass "$1"
	else fail "$1" "no '$3' in: $(head -c 400 "$2")"; fi
}
oneline() {	# oneline NAME: rc 1 and exactly one line on stderr
	expect "$1 exits 1" "$rc" 1
	expect "$1: one line on stderr" "$(wc -l <"$T/err" | tr -d ' ')" 1
}
state_active() { "$F/lssrc" -s mailprovd >/dev/null 2>&1 && sed -i 's/^state=.*/state=active/' "$S/rec"; }

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
	has "$p first run says what it runs" "$T/out" "running: $F/mkssys -s mailprovd -p /usr/sbin/mailprovd -u 0 -K -R -Q -d -w 30 -a '-c /etc/mailprov/mailprovd.conf'"

	run mkssys.sh
	expect "$p second run exits 0" "$rc" 0
	expect "$p second run changes nothing" "$(changes)" ""
	has "$p second run says the record matches" "$T/out" "already matches"
	has "$p second run says the entry is there" "$T/out" "entry mailprovd already there"
	expect "$p second run: same record" "$(record)" "$REC"
	expect "$p second run: one inittab line" "$(inittab)" "$ITAB"

	# Path and arguments drifted: chssys for those two fields only.
	sed -i -e 's|^path=.*|path=/opt/old/mailprovd|' -e 's|^args=.*|args=-c /old.conf|' "$S/rec"
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
	has "$p -n prints the mkssys line" "$T/out" "would run: $F/mkssys -s mailprovd -p /usr/sbin/mailprovd -u 0 -K -R -Q -d -w 30 -a '-c /etc/mailprov/mailprovd.conf'"
	has "$p -n prints the mkitab line" "$T/out" "would run: $F/mkitab 'mailprovd:2:once:/usr/bin/startsrc -s mailprovd >/dev/console 2>&1'"
	run mkssys.sh
	sed -i 's|^path=.*|path=/opt/old/mailprovd|' "$S/rec"
	before=$(cat "$S/rec")
	run mkssys.sh -n
	expect "$p -n on drift changes nothing" "$(changes)" ""
	expect "$p -n on drift: record untouched" "$(cat "$S/rec")" "$before"
	has "$p -n on drift prints chssys" "$T/out" "would run: $F/chssys -s mailprovd -p /usr/sbin/mailprovd"

	# An inittab entry of another shape is kept.
	reset
	printf 'mailprovd:2:once:/usr/bin/startsrc -s mailprovd -a -d\n' >"$S/inittab"
	run mkssys.sh
	expect "$p other inittab entry: only mkssys" "$(changes)" "$MK"
	has "$p other inittab entry is named" "$T/out" "keeping the existing /etc/inittab entry: mailprovd:2:once:/usr/bin/startsrc -s mailprovd -a -d"

	# Failures: one line, nothing after the failed step.
	reset
	echo mkssys >"$S/fail"
	run mkssys.sh
	oneline "$p failing mkssys"
	has "$p failing mkssys names it" "$T/err" "mkssys.sh: $F/mkssys -s mailprovd"
	has "$p failing mkssys gives its message" "$T/err" "0513-075"
	expect "$p failing mkssys: no mkitab" "$(changes)" "$MK"
	reset
	run mkssys.sh
	echo mkitab >"$S/fail"
	rm -f "$S/inittab"
	run mkssys.sh
	oneline "$p failing mkitab"
	has "$p failing mkitab message" "$T/err" "cannot write /etc/inittab"

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
	has "$p rmssys -n prints stopsrc" "$T/out" "would run: $F/stopsrc -s mailprovd"
	has "$p rmssys -n prints rmssys" "$T/out" "would run: $F/rmssys -s mailprovd"
	has "$p rmssys -n prints rmitab" "$T/out" "would run: $F/rmitab mailprovd"
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
	has "$p rmssys again says nothing to remove" "$T/out" "nothing to remove"

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
	has "$p it names stopsrc -c" "$T/err" "stopsrc -c -s mailprovd"
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
	has "mkssys.sh as a user: message" "$T/err" "must be run as root"
	runuser -u nobody -- sh srcdef/rmssys.sh >"$T/out" 2>"$T/err"
	rc=$?
	oneline "rmssys.sh as a user"
fi

for s in srcdef/mkssys.sh srcdef/rmssys.sh; do
	sh -n "$s" && pass "$s parses (sh -n)" || fail "$s parses (sh -n)"
done

exit $((fails > 0))
