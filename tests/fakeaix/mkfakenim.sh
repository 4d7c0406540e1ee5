#!/bin/sh
# mkfakenim.sh DIR STATE - fake NIM master commands, nim and lsnim, in
# the style of mkfake.sh: every call appended to STATE/calls with its
# exact argv ("nim [-o] [cust] [-a] [lpp_source=mailprov_lpp] ...").
#
# Objects are files: STATE/obj/NAME holds "type=..." and "location=..."
# (define writes them and refuses a name already there); a machine group
# is STATE/obj/GROUP with type=mac_group and member=CLIENT lines (the
# test writes it).  lsnim -l NAME prints "NAME:", "   class = ...",
# "   type = ...", "   location = ...", "   memberN = CLIENT".
# nim -o cust checks what NIM would: every resource named is defined,
# the target is; with lpp_source= and filesets=, each fileset is in the
# lpp_source's directory (mailprov.rte: installp/ppc/mailprov.rte*;
# R:NAME: RPMS/ppc/NAME-V*.rpm); then it "installs" on each member: STATE/client/CLIENT/installed
# gets the package file's name.  nim -o check NAME needs NAME defined;
# nim -o showlog prints STATE/client/CLIENT/log.  STATE/fail lists
# operations ("cust", "define", ...) that fail with a 0042 message.
set -eu
dir=$1
state=$2
mkdir -p "$dir" "$state/obj" "$state/client"

cat >"$dir/nim" <<EOF2
#!/bin/sh
STATE='$state'
EOF2
cat >>"$dir/nim" <<'EOF2'
{ printf 'nim'; for a in "$@"; do printf ' [%s]' "$a"; done; echo; } >>"$STATE/calls"
op= typ= attrs= target=
while [ $# -gt 0 ]; do
	case $1 in
	-o) op=$2; shift 2 ;;
	-t) typ=$2; shift 2 ;;
	-a) attrs="$attrs
$2"; shift 2 ;;
	-*) echo "nim: 0042-001 bad flag $1" >&2; exit 1 ;;
	*) target=$1; shift ;;
	esac
done
grep -qx "$op" "$STATE/fail" 2>/dev/null && { echo "0042-001 nim: processing error on \"$target\" ($op)" >&2; exit 1; }
attr() { printf '%s\n' "$attrs" | sed -n "s/^$1=//p"; }
obj() { [ -f "$STATE/obj/$1" ]; }
val() { sed -n "s/^$2=//p" "$STATE/obj/$1"; }
[ -n "$target" ] || { echo "0042-001 nim: no object name" >&2; exit 1; }
case $op in
define)
	obj "$target" && { echo "0042-081 nim: \"$target\" is already defined" >&2; exit 1; }
	loc=$(attr location)
	[ -e "$loc" ] || { echo "0042-001 nim: location $loc does not exist" >&2; exit 1; }
	{ echo "type=$typ"; printf '%s\n' "$attrs" | sed '/^$/d'; } >"$STATE/obj/$target"
	;;
check)
	obj "$target" || { echo "0042-053 nim: \"$target\" is not defined" >&2; exit 1; }
	;;
cust)
	obj "$target" || { echo "0042-053 nim: target \"$target\" is not defined" >&2; exit 1; }
	for a in lpp_source file_res script; do
		r=$(attr $a)
		[ -z "$r" ] && continue
		obj "$r" || { echo "0042-053 nim: resource \"$r\" is not defined" >&2; exit 1; }
		[ "$(val "$r" type)" = "$a" ] || { echo "0042-001 nim: \"$r\" is not a $a" >&2; exit 1; }
	done
	members=$(val "$target" member)
	[ -n "$members" ] || members=$target
	lpp=$(attr lpp_source)
	for fs in $(attr filesets); do
		[ -n "$lpp" ] || { echo "0042-001 nim: filesets without lpp_source" >&2; exit 1; }
		loc=$(val "$lpp" location)
		case $fs in
		R:*)	n=${fs#R:}
			f=$(ls "$loc"/RPMS/ppc/"$n"-[0-9]*.rpm 2>/dev/null | head -1) ;;
		*)	f=$(ls "$loc"/installp/ppc/"$fs"* 2>/dev/null | head -1) ;;
		esac
		[ -n "$f" ] || { echo "0042-001 nim: $fs is not in lpp_source $lpp ($loc)" >&2; exit 1; }
		for m in $members; do
			mkdir -p "$STATE/client/$m"
			echo "${f##*/}" >>"$STATE/client/$m/installed"
		done
	done
	;;
showlog)
	cat "$STATE/client/$target/log" 2>/dev/null || { echo "0042-001 nim: no log for $target" >&2; exit 1; }
	;;
*)	echo "0042-001 nim: unknown operation $op" >&2; exit 1 ;;
esac
exit 0
EOF2

cat >"$dir/lsnim" <<EOF2
#!/bin/sh
STATE='$state'
EOF2
cat >>"$dir/lsnim" <<'EOF2'
{ printf 'lsnim'; for a in "$@"; do printf ' [%s]' "$a"; done; echo; } >>"$STATE/calls"
[ "$1" = -l ] && shift
f=$STATE/obj/$1
[ -f "$f" ] || { echo "0042-053 lsnim: there is no NIM object named \"$1\"" >&2; exit 1; }
echo "$1:"
t=$(sed -n 's/^type=//p' "$f")
case $t in mac_group) c=groups ;; standalone) c=machines ;; *) c=resources ;; esac
echo "   class       = $c"
echo "   type        = $t"
sed -n 's/^location=/   location    = /p' "$f"
sed -n 's/^member=//p' "$f" | awk '{ printf "   member%d     = %s\n", NR, $0 }'
EOF2
chmod 0755 "$dir/nim" "$dir/lsnim"
