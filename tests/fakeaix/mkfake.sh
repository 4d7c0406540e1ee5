#!/bin/sh
# mkfake.sh DIR STATE - write fake AIX commands into DIR: the one fake AIX
# for the tests (service_test.sh, valgrind_test.sh, srcdef_test.sh).
#
# SRC: lssrc, startsrc, stopsrc, refresh, chssys, mkssys and rmssys, as
# small sh scripts that print what the AIX commands print (formats from
# the project's AIX reference: lssrc -s with empty PID/group columns,
# lssrc -S's colon records, 0513-nnn messages).  /etc/inittab: mkitab,
# lsitab and rmitab on STATE/inittab.
#
# Each subsystem is STATE/NAME.rec, in the record format of mailprov's
# mock SRC backend (lib/src_mock.c: defined, state, pid, group, path,
# args, contact, boot), plus the fields of lssrc -S the mock does not
# keep (uid, action, multi, display, wait, signorm, sigforce; AIX's
# defaults when absent).  mkssys and chssys set the fields of their flags
# (-n, -f and the other flags taking a value are accepted and not kept).
#
# STATE/fail names, one a line, the commands that fail with their AIX
# message, and: "dies" (startsrc and refresh leave the subsystem
# inoperative), "stuck" (stopsrc is accepted but the subsystem stays
# active).  Each call is appended to STATE/calls with its exact argv, one
# "[word]" per argument: "chssys [-s] [sendmail] [-a] [-bd -q30m]".  The
# state directory is written into the scripts because mailprov runs
# commands with a clean environment.
set -eu
dir=$1
state=$2
mkdir -p "$dir" "$state"

# common: log the call; fails NAME; the record's get/put; notonfile.
common() {
	cat <<EOF2
#!/bin/sh
STATE='$state'
EOF2
	cat <<'EOF2'
{ printf '%s' "${0##*/}"; for a in "$@"; do printf ' [%s]' "$a"; done; echo; } >>"$STATE/calls"
fails() { grep -qx "$1" "$STATE/fail" 2>/dev/null; }
get() { sed -n "s/^$1=//p" "$rec" 2>/dev/null; }
# getd KEY DEFAULT: the value, or DEFAULT when the record has no KEY.
getd() { if grep -q "^$1=" "$rec" 2>/dev/null; then get "$1"; else echo "$2"; fi; }
put() {	# put KEY VALUE: rewrite the record with one value changed
	tmp=$rec.tmp.$$
	sed "/^$1=/d" "$rec" >"$tmp" && echo "$1=$2" >>"$tmp" && mv "$tmp" "$rec"
}
notonfile() {
	echo "0513-085 The $sub Subsystem is not on file." >&2
	exit 1
}
defined() { [ "$(get defined)" = 1 ]; }
EOF2
}

# subopt: -s NAME (the other flags ignored), for startsrc, stopsrc,
# refresh, rmssys.
subopt() {
	cat <<'EOF2'
sub=
while [ $# -gt 0 ]; do
	case $1 in
	-s) sub=$2; shift 2 ;;
	*) shift ;;
	esac
done
rec=$STATE/$sub.rec
EOF2
}

# flags: the flags of mkssys and chssys; apply_flags writes them.
flags() {
	cat <<'EOF2'
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
rec=$STATE/$sub.rec
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
EOF2
}

{ common; cat <<'EOF2'; } >"$dir/lssrc"
long=; sub=
while [ $# -gt 0 ]; do
	case $1 in
	-S) long=1; shift ;;
	-s) sub=$2; shift 2 ;;
	*) shift ;;
	esac
done
rec=$STATE/$sub.rec
defined || notonfile
fails lssrc && { echo "0513-001 The System Resource Controller daemon is not active." >&2; exit 1; }
if [ -n "$long" ]; then
	echo "#subsysname:synonym:cmdargs:path:uid:auditid:standin:standout:standerr:action:multi:contact:svrkey:svrmtype:priority:signorm:sigforce:display:waittime:grpname:"
	c=$(get contact); [ "$c" = -I ] && c=
	echo "$sub::$(get args):$(get path):$(getd uid 0):0:/dev/console:/dev/console:/dev/console:$(getd action -O):$(getd multi -Q):$c:0:0:20:$(getd signorm 15):$(getd sigforce 9):$(getd display -d):$(getd wait 20):$(get group):"
	exit 0
fi
st=$(get state)
pid=
[ "$st" = active ] && pid=$(get pid)
printf ' Subsystem         Group            PID          Status \n'
printf ' %-17s %-16s %-12s %s\n' "$sub" "$(get group)" "$pid" "$st"
EOF2

{ common; subopt; cat <<'EOF2'; } >"$dir/startsrc"
defined || notonfile
fails startsrc && { echo "0513-059 The $sub Subsystem could not be started." >&2; exit 1; }
if [ "$(get state)" = active ]; then
	echo "0513-029 The $sub Subsystem is already active." >&2
	echo "Multiple instances are not supported." >&2
	exit 1
fi
pid=$(( $(get pid) + 1000 ))
put pid "$pid"
if fails dies; then put state inoperative; else put state active; fi
echo "0513-059 The $sub Subsystem has been started. Subsystem PID is $pid."
EOF2

{ common; subopt; cat <<'EOF2'; } >"$dir/stopsrc"
defined || notonfile
fails stopsrc && { echo "0513-056 Timeout waiting for command response." >&2; exit 1; }
if [ "$(get state)" != active ]; then
	echo "0513-004 The Subsystem or Group, $sub, is currently inoperative." >&2
	exit 1
fi
fails stuck || put state inoperative
echo "0513-044 The $sub Subsystem was requested to stop."
EOF2

{ common; subopt; cat <<'EOF2'; } >"$dir/refresh"
defined || notonfile
if [ "$(get contact)" = -S ]; then
	echo "0513-005 The Subsystem, $sub, only supports signal communication." >&2
	exit 1
fi
if [ "$(get state)" != active ]; then
	echo "0513-004 The Subsystem or Group, $sub, is currently inoperative." >&2
	exit 1
fi
fails refresh && { echo "0513-056 Timeout waiting for command response." >&2; exit 1; }
fails dies && put state inoperative
echo "0513-095 The request for subsystem refresh was completed successfully."
EOF2

{ common; flags; cat <<'EOF2'; } >"$dir/chssys"
defined || notonfile
fails chssys && { echo "0513-002 The System Resource Controller could not change $sub." >&2; exit 1; }
apply_flags
echo "0513-077 Subsystem has been changed."
EOF2

{ common; flags; cat <<'EOF2'; } >"$dir/mkssys"
{ fails mkssys || defined; } && { echo "0513-075 The new subsystem name is already on file." >&2; exit 1; }
# The defaults of mkssys -p -s -u alone.
printf 'defined=1\nstate=inoperative\npid=0\ngroup=\npath=\nargs=\ncontact=-K\nboot=0\nuid=\naction=-O\nmulti=-Q\ndisplay=-d\nwait=20\nsignorm=0\nsigforce=0\n' >"$rec"
apply_flags
echo "0513-071 The $sub Subsystem has been added."
EOF2

{ common; subopt; cat <<'EOF2'; } >"$dir/rmssys"
defined || notonfile
fails rmssys && { echo "0513-014 The request could not be passed." >&2; exit 1; }
rm -f "$rec"
echo "0513-083 Subsystem has been Deleted."
EOF2

{ common; cat <<'EOF2'; } >"$dir/mkitab"
id=${1%%:*}
fails mkitab && { echo "mkitab: cannot write /etc/inittab" >&2; exit 1; }
grep -q "^$id:" "$STATE/inittab" 2>/dev/null && { echo "mkitab: identifier $id already exists" >&2; exit 1; }
printf '%s\n' "$1" >>"$STATE/inittab"
EOF2

{ common; cat <<'EOF2'; } >"$dir/lsitab"
grep "^$1:" "$STATE/inittab" 2>/dev/null || exit 1
EOF2

{ common; cat <<'EOF2'; } >"$dir/rmitab"
grep -q "^$1:" "$STATE/inittab" 2>/dev/null || { echo "rmitab: $1 not found" >&2; exit 1; }
grep -v "^$1:" "$STATE/inittab" >"$STATE/inittab.tmp"
mv "$STATE/inittab.tmp" "$STATE/inittab"
EOF2

for c in lssrc startsrc stopsrc refresh chssys mkssys rmssys mkitab lsitab rmitab; do
	chmod 0755 "$dir/$c"
done
