#!/bin/sh
# mailprov-rollout.sh - on the NIM master: install mailprov on a machine
# group, push the desired state, collect lssrc -ls mailprovd.
#
#   mailprov-rollout.sh [-n] -g GROUP [-p PACKAGE] [-d DESIRED] [STEP...]
#
#   -g GROUP    the NIM machine group (or one client)
#   -p PACKAGE  the package to install: mailprov-V-R.ppc.rpm or the
#               mailprov.rte fileset (a .bff made by mkinstallp)
#   -d DESIRED  the desired state to push (copied to /export/mailprov/desired)
#   -n          print the nim commands, run nothing
#   STEP        lpp, install, push, collect (default: all four, in order)
#
# lpp      copies PACKAGE into the lpp_source directory (LPP_DIR, default
#          /export/mailprov/lpp: a .bff under installp/ppc, an RPM under
#          RPMS/ppc) and defines the lpp_source mailprov_lpp on it, or
#          checks it again (nim -o check rebuilds its table of contents)
#          when it is already defined;
# install  nim -o cust -a lpp_source=mailprov_lpp with
#          -a filesets=mailprov.rte -a installp_flags=acgX (a .bff), or
#          -a filesets=R:mailprov (an RPM), on GROUP: the package's own
#          configuration script registers mailprovd with SRC on each client;
# push     copies DESIRED (checked with mailprov validate when it is here),
#          defines the file_res mailprov_desired and the script
#          mailprov_push (mailprov-push.sh) when missing, then
#          nim -o cust -a file_res=mailprov_desired -a script=mailprov_push;
# collect  defines the script mailprov_status (mailprov-status.sh, which
#          runs lssrc -ls mailprovd) when missing, runs it on GROUP, then
#          prints each member's script log (nim -o showlog -a
#          log_type=script CLIENT; members from lsnim -l GROUP).
# The scripts are taken from this script's directory (the installed kit,
# /usr/share/mailprov/nim) and copied to NIM_SCRIPTS (default
# /export/nim_scripts).  NIM and LSNIM name the commands (default
# /usr/sbin/nim, /usr/sbin/lsnim); MAILPROV the validator.  Every
# command is printed before it runs; the first that fails ends the run.
# Exit status: 0 done, 1 a step failed, 2 bad usage.
set -u
NIM=${NIM:-/usr/sbin/nim}
LSNIM=${LSNIM:-/usr/sbin/lsnim}
MAILPROV=${MAILPROV:-/usr/sbin/mailprov}
LPP_DIR=${LPP_DIR:-/export/mailprov/lpp}
DESIRED_DIR=${DESIRED_DIR:-/export/mailprov/desired}
NIM_SCRIPTS=${NIM_SCRIPTS:-/export/nim_scripts}
LPP=mailprov_lpp
me=mailprov-rollout
kit=$(cd "$(dirname "$0")" && pwd)
dry=0 group= pkg= desired=

die() {
	echo "$me: $*" >&2
	exit 1
}
usage() {
	echo "$me: $*; usage: $me [-n] -g GROUP [-p PACKAGE] [-d DESIRED] [lpp|install|push|collect...]" >&2
	exit 2
}
# run CMD...: print it, run it unless -n, stop on failure.
run() {
	echo "$me: $*"
	[ "$dry" = 1 ] && return 0
	"$@" || die "failed: $*"
}
# defined NAME: NIM knows an object NAME.
defined() {
	"$LSNIM" -l "$1" >/dev/null 2>&1
}

while getopts :ng:p:d: opt; do
	case $opt in
	n) dry=1 ;;
	g) group=$OPTARG ;;
	p) pkg=$OPTARG ;;
	d) desired=$OPTARG ;;
	:) usage "-$OPTARG needs a value" ;;
	*) usage "unknown option -$OPTARG" ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$group" ] || usage "-g GROUP is required"
[ $# -gt 0 ] || set -- lpp install push collect
for s in "$@"; do
	case $s in
	lpp | install | push | collect) ;;
	*) usage "unknown step '$s'" ;;
	esac
done

# What kind of package, for lpp and install.
kind=
case $pkg in
'') ;;
*.rpm) kind=rpm ;;
*.bff | *.rte.*) kind=bff ;;
*) usage "-p '$pkg' is neither an .rpm nor a mailprov.rte .bff" ;;
esac

step_lpp() {
	[ -n "$pkg" ] || usage "step lpp needs -p PACKAGE"
	[ -f "$pkg" ] || die "$pkg: no such file"
	if [ "$kind" = rpm ]; then sub=RPMS/ppc; else sub=installp/ppc; fi
	run mkdir -p "$LPP_DIR/$sub"
	run cp "$pkg" "$LPP_DIR/$sub/"
	if defined "$LPP"; then
		run "$NIM" -o check "$LPP"
	else
		run "$NIM" -o define -t lpp_source -a server=master \
		    -a location="$LPP_DIR" "$LPP"
	fi
}

step_install() {
	[ -n "$pkg" ] || usage "step install needs -p PACKAGE (to know rpm or installp)"
	if [ "$kind" = rpm ]; then
		run "$NIM" -o cust -a lpp_source="$LPP" -a filesets=R:mailprov "$group"
	else
		run "$NIM" -o cust -a lpp_source="$LPP" -a filesets=mailprov.rte \
		    -a installp_flags=acgX "$group"
	fi
}

# script_res NAME FILE: copy the kit's FILE and define the script NAME.
script_res() {
	run mkdir -p "$NIM_SCRIPTS"
	run cp "$kit/$2" "$NIM_SCRIPTS/$2"
	run chmod 0755 "$NIM_SCRIPTS/$2"
	defined "$1" || run "$NIM" -o define -t script -a server=master \
	    -a location="$NIM_SCRIPTS/$2" "$1"
}

step_push() {
	[ -n "$desired" ] || usage "step push needs -d DESIRED"
	[ -f "$desired" ] || die "$desired: no such file"
	if [ -x "$MAILPROV" ]; then
		out=$("$MAILPROV" validate -f "$desired" 2>&1) ||
		    die "$desired is not valid, nothing pushed: $(printf '%s' "$out" | tr '\n' ' ')"
		echo "$me: $desired is valid"
	fi
	run mkdir -p "$DESIRED_DIR"
	run cp "$desired" "$DESIRED_DIR/desired.yaml"
	defined mailprov_desired || run "$NIM" -o define -t file_res \
	    -a server=master -a location="$DESIRED_DIR" \
	    -a dest_dir=/var/mailprov/nim mailprov_desired
	script_res mailprov_push mailprov-push.sh
	run "$NIM" -o cust -a file_res=mailprov_desired -a script=mailprov_push "$group"
}

step_collect() {
	script_res mailprov_status mailprov-status.sh
	run "$NIM" -o cust -a script=mailprov_status "$group"
	[ "$dry" = 1 ] && return 0
	members=$("$LSNIM" -l "$group" 2>/dev/null |
	    awk '$1 ~ /^member[0-9]+$/ && $2 == "=" { print $3 }')
	[ -n "$members" ] || members=$group
	for m in $members; do
		echo "== $m"
		"$NIM" -o showlog -a log_type=script "$m" ||
		    echo "$me: no script log from $m" >&2
	done
}

for s in "$@"; do
	echo "$me: step $s"
	"step_$s"
done
echo "$me: done"
exit 0
