#!/bin/sh
# tests/mkcf.sh MCFILE OUTFILE -- build a sendmail.cf from an m4 .mc file
# with the upstream cf macros (Debian package sendmail-cf):
#
#	m4 -D_CF_DIR_=$SENDMAIL_CF_DIR/ $SENDMAIL_CF_DIR/m4/cf.m4 MCFILE > OUTFILE
#
# SENDMAIL_CF_DIR defaults to /usr/share/sendmail/cf.  OUTFILE is replaced
# atomically (temporary file in the same directory, then mv), mode 0644;
# on any failure it is left as it was.  Anything m4 prints on stderr counts
# as a failure: cf.m4 reports its own errors (unknown feature, ...) with
# errprint and still exits 0.

prog=mkcf.sh

die() {
	echo "$prog: $*" >&2
	exit 1
}

if [ $# -ne 2 ]; then
	echo "usage: $prog MCFILE OUTFILE" >&2
	exit 2
fi
mc=$1
out=$2

cfdir=${SENDMAIL_CF_DIR:-/usr/share/sendmail/cf}
while :; do
	case $cfdir in
	?*/) cfdir=${cfdir%/} ;;
	*) break ;;
	esac
done

command -v m4 >/dev/null 2>&1 ||
	die "m4 not found in PATH (install the m4 package)"
[ -r "$cfdir/m4/cf.m4" ] ||
	die "sendmail cf macros not found: $cfdir/m4/cf.m4 is missing (install sendmail-cf or set SENDMAIL_CF_DIR)"
if [ ! -f "$mc" ] || [ ! -r "$mc" ]; then
	die "cannot read $mc"
fi

case $out in
*/*) outdir=${out%/*} ;;
*) outdir=. ;;
esac
[ -n "$outdir" ] || outdir=/
[ -d "$outdir" ] || die "no such directory: $outdir"

tmp=$(mktemp "$outdir/.mkcf.XXXXXX") || die "cannot create a temporary file in $outdir"
err=$(mktemp "${TMPDIR:-/tmp}/mkcf.err.XXXXXX") || { rm -f "$tmp"; die "cannot create a temporary file"; }
trap 'rm -f "$tmp" "$err"' EXIT
trap 'exit 1' HUP INT TERM

m4 -D_CF_DIR_="$cfdir/" "$cfdir/m4/cf.m4" "$mc" >"$tmp" 2>"$err"
rc=$?
if [ $rc -ne 0 ] || [ -s "$err" ]; then
	cat "$err" >&2
	die "m4 failed on $mc (exit $rc)"
fi
grep -q '^V[0-9]' "$tmp" ||
	die "m4 output for $mc has no V (version) line; is it a sendmail .mc file?"

chmod 0644 "$tmp" || die "cannot chmod $tmp"
mv -f "$tmp" "$out" || die "cannot rename $tmp to $out"
exit 0
