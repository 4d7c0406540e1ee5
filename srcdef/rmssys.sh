#!/bin/sh
# rmssys.sh - remove the mailprovd SRC subsystem and its boot entry.
#
#   rmssys.sh [-n]
#
#   -n  print what would be run, change nothing
#
# If `lssrc -s mailprovd` shows it active, `stopsrc -s mailprovd` and a
# wait (up to MAILPROV_STOP_WAIT seconds, default 35) until it is no
# longer active; then `rmssys -s mailprovd` when lssrc -S shows a record,
# and `rmitab mailprovd` when lsitab finds the /etc/inittab entry.  When
# neither is there it says so and exits 0, so it can run twice.  Needs
# root on AIX; /bin/sh there is ksh.
#
# The AIX commands can be replaced through the environment (tests do):
# LSSRC STOPSRC RMSSYS LSITAB RMITAB.  Exit status: 0 done or nothing to
# do, 1 a command failed, 2 bad usage.

LSSRC=${LSSRC:-/usr/bin/lssrc}
STOPSRC=${STOPSRC:-/usr/bin/stopsrc}
RMSSYS=${RMSSYS:-/usr/bin/rmssys}
LSITAB=${LSITAB:-/usr/sbin/lsitab}
RMITAB=${RMITAB:-/usr/sbin/rmitab}
STOPWAIT=${MAILPROV_STOP_WAIT:-35}

me=rmssys.sh
SUB=mailprovd
dry=0

die() {
	echo "$me: $*" >&2
	exit 1
}

. "$(dirname "$0")/common.sh"

# running - true while lssrc -s shows an instance active or stopping
# (lssrc -s lines: name, group and PID may be blank, status is last).
running() {
	"$LSSRC" -s "$SUB" 2>/dev/null |
	    awk -v s="$SUB" '$1 == s && ($NF == "active" || $NF == "stopping") { f = 1 }
		END { exit !f }'
}

usage() {
	echo "$me: $*; usage: $me [-n]" >&2
	exit 2
}

while getopts :n opt; do
	case $opt in
	n) dry=1 ;;
	*) usage "unknown option -$OPTARG" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage "unexpected argument '$1'"
case $STOPWAIT in
'' | *[!0-9]*) die "MAILPROV_STOP_WAIT '$STOPWAIT' is not a number of seconds" ;;
esac
if [ "$dry" = 0 ] && [ "$(id -u)" != 0 ]; then
	die "must be run as root (SRC and /etc/inittab are root's)"
fi

defined=0
if out=$("$LSSRC" -S -s "$SUB" 2>/dev/null) &&
    printf '%s\n' "$out" | awk -F: -v s="$SUB" '$1 == s { f = 1 } END { exit !f }'; then
	defined=1
fi
itab=0
if cur=$("$LSITAB" "$SUB" 2>/dev/null) && [ -n "$cur" ]; then
	itab=1
fi
if [ "$defined" = 0 ] && [ "$itab" = 0 ]; then
	echo "$me: $SUB is neither an SRC subsystem nor in /etc/inittab: nothing to remove"
	exit 0
fi

if [ "$defined" = 1 ]; then
	if running; then
		echo "$me: $SUB is active: stopping it"
		run "$STOPSRC" -s "$SUB"
		if [ "$dry" = 0 ]; then
			i=0
			while running; do
				[ "$i" -lt "$STOPWAIT" ] ||
				    die "$SUB is still active after ${STOPWAIT}s; stop it with 'stopsrc -c -s $SUB' and run $me again"
				sleep 1
				i=$((i + 1))
			done
			echo "$me: $SUB has stopped"
		fi
	fi
	run "$RMSSYS" -s "$SUB"
else
	echo "$me: $SUB is not an SRC subsystem"
fi
if [ "$itab" = 1 ]; then
	run "$RMITAB" "$SUB"
else
	echo "$me: no /etc/inittab entry $SUB"
fi
if [ "$dry" = 1 ]; then
	echo "$me: nothing changed (-n)"
else
	echo "$me: $SUB removed"
fi
exit 0
