#!/bin/sh
# mkssys.sh - register mailprovd as an SRC subsystem and start it at boot.
#
#   mkssys.sh [-n] [-p PROGRAM] [-a ARGS]
#
#   -p PROGRAM  full path of the daemon (default /usr/sbin/mailprovd)
#   -a ARGS     arguments stored in the SRC record
#               (default "-c /etc/mailprov/mailprovd.conf")
#   -n          print what would be run, change nothing
#
# A new record is made with
#   mkssys -s mailprovd -p PROGRAM -u 0 -K -R -Q -d -w 30 -a ARGS
# (sockets, respawn, one instance, shown when inactive, 30 s wait).  When
# the record exists, the fields of `lssrc -S -s mailprovd` are compared
# with these and one chssys changes only those that differ; a record that
# already matches is left alone.  The boot entry
#   mailprovd:2:once:/usr/bin/startsrc -s mailprovd >/dev/console 2>&1
# is added with mkitab when `lsitab mailprovd` finds none.  Running it
# again changes nothing.  Needs root on AIX; /bin/sh there is ksh.
#
# The AIX commands can be replaced through the environment (tests do):
# LSSRC MKSSYS CHSSYS LSITAB MKITAB.  Exit status: 0 done or nothing to
# do, 1 a command failed, 2 bad usage.

LSSRC=${LSSRC:-/usr/bin/lssrc}
MKSSYS=${MKSSYS:-/usr/bin/mkssys}
CHSSYS=${CHSSYS:-/usr/bin/chssys}
LSITAB=${LSITAB:-/usr/sbin/lsitab}
MKITAB=${MKITAB:-/usr/sbin/mkitab}

me=mkssys.sh
SUB=mailprovd
prog=/usr/sbin/mailprovd
args="-c /etc/mailprov/mailprovd.conf"
dry=0
# What mkssys is given and what lssrc -S must then show.
UID_WANT=0
CONTACT=-K
ACTION=-R
MULTI=-Q
SHOWN=-d
WAIT=30
ITAB="$SUB:2:once:/usr/bin/startsrc -s $SUB >/dev/console 2>&1"

die() {
	echo "$me: $*" >&2
	exit 1
}

usage() {
	echo "$me: $*; usage: $me [-n] [-p PROGRAM] [-a ARGS]" >&2
	exit 2
}

. "$(dirname "$0")/common.sh"

# field N - the Nth (0-based) colon-separated field of the record.
field() {
	printf '%s\n' "$rec" | awk -F: -v n="$1" '{ print $(n + 1); exit }'
}

while getopts :np:a: opt; do
	case $opt in
	n) dry=1 ;;
	p) prog=$OPTARG ;;
	a) args=$OPTARG ;;
	:) usage "-$OPTARG needs a value" ;;
	*) usage "unknown option -$OPTARG" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage "unexpected argument '$1'"

nl='
'
case $prog in
/*) ;;
*) usage "-p '$prog' must be an absolute path" ;;
esac
# lssrc -S prints the record with ':' between fields, so a ':' inside a
# value could not be read back; the ODM holds at most 199 characters.
case $prog$args in
*:* | *"$nl"*) usage "-p and -a may not contain ':' or a newline" ;;
esac
[ ${#prog} -le 199 ] || usage "-p is longer than 199 characters"
[ ${#args} -le 199 ] || usage "-a is longer than 199 characters"

if [ "$dry" = 0 ] && [ "$(id -u)" != 0 ]; then
	die "must be run as root (SRC and /etc/inittab are root's)"
fi
[ -x "$prog" ] || echo "$me: note: $prog is not an executable file (yet)"

# The record as lssrc -S prints it: a '#' header, then one line per record.
rec=
if out=$("$LSSRC" -S -s "$SUB" 2>/dev/null); then
	rec=$(printf '%s\n' "$out" | awk -F: -v s="$SUB" '$1 == s { print; exit }')
fi

if [ -z "$rec" ]; then
	echo "$me: $SUB is not an SRC subsystem yet"
	run "$MKSSYS" -s "$SUB" -p "$prog" -u "$UID_WANT" "$CONTACT" "$ACTION" \
	    "$MULTI" "$SHOWN" -w "$WAIT" -a "$args"
else
	# Collect in "$@" the chssys flags for the fields that differ.
	set -- -s "$SUB"
	[ "$(field 3)" = "$prog" ] || set -- "$@" -p "$prog"
	[ "$(field 4)" = "$UID_WANT" ] || set -- "$@" -u "$UID_WANT"
	[ "$(field 11)" = "$CONTACT" ] || set -- "$@" "$CONTACT"
	[ "$(field 9)" = "$ACTION" ] || set -- "$@" "$ACTION"
	[ "$(field 10)" = "$MULTI" ] || set -- "$@" "$MULTI"
	[ "$(field 17)" = "$SHOWN" ] || set -- "$@" "$SHOWN"
	[ "$(field 18)" = "$WAIT" ] || set -- "$@" -w "$WAIT"
	[ "$(field 2)" = "$args" ] || set -- "$@" -a "$args"
	if [ $# -eq 2 ]; then
		echo "$me: the SRC record of $SUB already matches"
	else
		echo "$me: the SRC record of $SUB differs from the wanted one"
		run "$CHSSYS" "$@"
		echo "$me: a running $SUB keeps its old settings until stopsrc and startsrc"
	fi
fi

if cur=$("$LSITAB" "$SUB" 2>/dev/null) && [ -n "$cur" ]; then
	if [ "$cur" = "$ITAB" ]; then
		echo "$me: /etc/inittab entry $SUB already there"
	else
		echo "$me: keeping the existing /etc/inittab entry: $cur"
	fi
else
	echo "$me: no /etc/inittab entry $SUB"
	run "$MKITAB" "$ITAB"
fi
if [ "$dry" = 1 ]; then
	echo "$me: nothing changed (-n)"
else
	echo "$me: done; start it now with: startsrc -s $SUB"
fi
exit 0
