#!/bin/sh
# mailprov-push.sh - NIM script resource: hand a pushed desired state to
# mailprovd on this client.
#
#   mailprov-push.sh [STAGING]
#
# A file_res has copied the desired state to STAGING (default
# /var/mailprov/nim/desired.yaml) before NIM runs this script on the
# client.  The script
#   1. refuses a staging file that is missing, a symbolic link, not a
#      regular file, empty, or larger than 1 MiB (mailprovd's limit);
#   2. makes the incoming directory (MAILPROV_INCOMING, default
#      /var/mailprov/incoming) if needed, owned by root and mode 0700, and
#      refuses one that is not a directory, not owned by root, or writable
#      by group or others (mailprovd would not trust what is in it);
#   3. copies the file to a temporary name in that directory, sets owner
#      root, group 0 (system on AIX) and mode 0600, checks it with
#      `mailprov validate` when MAILPROV (default /usr/sbin/mailprov) is
#      executable, and renames it to desired.yaml, so mailprovd never sees
#      a half-written file;
#   4. runs `refresh -s mailprovd` (REFRESH, default /usr/bin/refresh).
# One line per step on standard output; errors on standard error.
# Exit status: 0 done, 1 error (after a failed refresh the new file is in
# place and mailprovd reads it when it next starts or is refreshed).
# Runs as root under ksh or any POSIX sh.

STAGING=${1:-/var/mailprov/nim/desired.yaml}
INCOMING=${MAILPROV_INCOMING:-/var/mailprov/incoming}
REFRESH=${REFRESH:-/usr/bin/refresh}
MAILPROV=${MAILPROV:-/usr/sbin/mailprov}
MAXBYTES=1048576
SUB=mailprovd
me=mailprov-push

tmp=
cleanup() {
	[ -n "$tmp" ] && rm -f "$tmp"
}
trap cleanup 0
trap 'exit 1' 1 2 15

die() {
	echo "$me: $*" >&2
	exit 1
}

# owner_uid PATH - numeric owner of PATH (ls -nd works on AIX and Linux).
owner_uid() {
	ls -nd "$1" | awk '{ print $3 }'
}

# mode_bits PATH - the ten-character mode string of ls -ld.
mode_bits() {
	ls -ld "$1" | awk '{ print substr($1, 1, 10) }'
}

[ $# -le 1 ] || die "usage: mailprov-push.sh [STAGING]"
[ "$(id -u)" = 0 ] || die "must be run as root"

# 1. The staging file.  -L first: the other tests follow links.
if [ -L "$STAGING" ]; then
	die "$STAGING is a symbolic link: refused"
elif [ ! -e "$STAGING" ]; then
	die "$STAGING does not exist: did the file_res copy it?"
elif [ ! -f "$STAGING" ]; then
	die "$STAGING is not a regular file: refused"
elif [ ! -s "$STAGING" ]; then
	die "$STAGING is empty: refused"
fi
size=$(wc -c <"$STAGING" | tr -d ' ') || die "cannot read $STAGING"
[ "$size" -le "$MAXBYTES" ] ||
    die "$STAGING is larger than $MAXBYTES bytes ($size): refused"
echo "$me: staging file $STAGING: $size bytes"

# 2. The incoming directory.
if [ -L "$INCOMING" ]; then
	die "$INCOMING is a symbolic link: refused"
elif [ ! -e "$INCOMING" ]; then
	(umask 077 && mkdir -p "$INCOMING") || die "cannot create $INCOMING"
	if ! chown 0:0 "$INCOMING" || ! chmod 0700 "$INCOMING"; then
		die "cannot set owner and mode of $INCOMING"
	fi
	echo "$me: created $INCOMING (root, mode 0700)"
elif [ ! -d "$INCOMING" ]; then
	die "$INCOMING is not a directory: refused"
else
	echo "$me: incoming directory $INCOMING exists"
fi
[ "$(owner_uid "$INCOMING")" = 0 ] ||
    die "$INCOMING is not owned by root: mailprovd would not trust it"
case $(mode_bits "$INCOMING") in
?????w???? | ????????w?)
	die "$INCOMING is writable by group or others: mailprovd would not trust it" ;;
esac

# 3. Copy under a temporary name beside the target, then rename.
target=$INCOMING/desired.yaml
tmp=$INCOMING/.desired.yaml.nim.$$
rm -f "$tmp"
(umask 077 && set -C && cat "$STAGING" >"$tmp") ||
    die "cannot write $tmp"
if ! chown 0:0 "$tmp" || ! chmod 0600 "$tmp"; then
	die "cannot set owner and mode of $tmp"
fi
cmp -s "$STAGING" "$tmp" || die "copy of $STAGING to $tmp differs: refused"
if [ -x "$MAILPROV" ]; then
	out=$("$MAILPROV" validate -f "$tmp" 2>&1) ||
	    die "$STAGING is not a valid desired state: $(printf '%s' "$out" | tr '\n' ' ')"
	echo "$me: $MAILPROV validate: valid"
else
	echo "$me: $MAILPROV not found: not validated here (mailprovd checks it)"
fi
mv -f "$tmp" "$target" || die "cannot rename $tmp to $target"
tmp=
echo "$me: installed $target (root, mode 0600)"

# 4. Tell mailprovd.
out=$("$REFRESH" -s "$SUB" 2>&1)
rc=$?
[ "$rc" -eq 0 ] ||
    die "refresh -s $SUB failed (exit $rc): $(printf '%s' "$out" | tr '\n' ' ')"
echo "$me: refresh -s $SUB: ${out:-done}"
exit 0
