#!/bin/sh
# mkfake.sh DIR STATE - write fake AIX SRC commands into DIR.
#
# lssrc, startsrc, stopsrc, refresh and chssys as small sh scripts that
# print what the AIX commands print (formats from the project's AIX
# reference: lssrc -s with empty PID/group columns, lssrc -S's colon
# records, 0513-nnn messages) and keep their state in STATE, in the same
# record format as mailprov's mock SRC backend (STATE/NAME.rec, and
# STATE/fail naming commands to fail, or "dies").  Each call is appended to
# STATE/calls with its exact argv.  The state directory is written into
# the scripts because mailprov runs commands with a clean environment.
set -eu
dir=$1
state=$2
mkdir -p "$dir" "$state"

common() {
	cat <<EOF2
#!/bin/sh
STATE='$state'
EOF2
	cat <<'EOF2'
echo "$(basename "$0") $*" >>"$STATE/calls"
fails() { grep -qx "$1" "$STATE/fail" 2>/dev/null; }
sub=
while [ $# -gt 0 ]; do
	case $1 in
	-s) sub=$2; shift 2 ;;
	-a) args=$2; shift 2 ;;
	-S) long=S; shift ;;
	*) shift ;;
	esac
done
rec=$STATE/$sub.rec
get() { sed -n "s/^$1=//p" "$rec" 2>/dev/null; }
put() {	# put KEY VALUE: rewrite the record with one value changed
	tmp=$rec.tmp.$$
	sed "/^$1=/d" "$rec" >"$tmp" && echo "$1=$2" >>"$tmp" && mv "$tmp" "$rec"
}
notonfile() {
	echo "0513-085 The $sub Subsystem is not on file." >&2
	exit 1
}
[ "$(get defined)" = 1 ] || notonfile
EOF2
}

common >"$dir/lssrc"
cat >>"$dir/lssrc" <<'EOF2'
fails lssrc && { echo "0513-001 The System Resource Controller daemon is not active." >&2; exit 1; }
if [ "${long:-}" = S ]; then
	echo "#subsysname:synonym:cmdargs:path:uid:auditid:standin:standout:standerr:action:multi:contact:svrkey:svrmtype:priority:signorm:sigforce:display:waittime:grpname:"
	c=$(get contact); [ "$c" = -I ] && c=
	echo "$sub::$(get args):$(get path):0:0:/dev/console:/dev/console:/dev/console:-O:-Q:$c:0:0:20:15:9:-d:20:$(get group):"
	exit 0
fi
st=$(get state)
pid=
[ "$st" = active ] && pid=$(get pid)
printf ' Subsystem         Group            PID          Status \n'
printf ' %-17s %-16s %-12s %s\n' "$sub" "$(get group)" "$pid" "$st"
EOF2

common >"$dir/startsrc"
cat >>"$dir/startsrc" <<'EOF2'
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

common >"$dir/stopsrc"
cat >>"$dir/stopsrc" <<'EOF2'
fails stopsrc && { echo "0513-056 Timeout waiting for command response." >&2; exit 1; }
if [ "$(get state)" != active ]; then
	echo "0513-004 The Subsystem or Group, $sub, is currently inoperative." >&2
	exit 1
fi
put state inoperative
echo "0513-044 The $sub Subsystem was requested to stop."
EOF2

common >"$dir/refresh"
cat >>"$dir/refresh" <<'EOF2'
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

common >"$dir/chssys"
cat >>"$dir/chssys" <<'EOF2'
fails chssys && { echo "0513-002 The System Resource Controller could not change $sub." >&2; exit 1; }
put args "${args:-}"
EOF2

chmod 0755 "$dir/lssrc" "$dir/startsrc" "$dir/stopsrc" "$dir/refresh" "$dir/chssys"
