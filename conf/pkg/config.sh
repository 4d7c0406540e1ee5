#!/bin/sh
# config.sh - set mailprov up once its files are in place.  The RPM's
# %post runs it on a first install (not on an upgrade); installp runs it
# as the fileset's Configuration Script.  The same file for both.
#
# 1. the state directory @STATEDIR@: made if missing, root, mode 0700;
# 2. each config file (conf/pkg/manifest's config entries) that is
#    missing is made from its .example with the manifest's mode; one that
#    exists is the admin's and is left alone (the RPM has already placed
#    them as %config(noreplace); installp ships only the .example);
# 3. srcdef/mkssys.sh registers the subsystem mailprovd with the daemon's
#    installed path and adds the boot entry (it changes nothing that is
#    already as wanted, so running this twice is safe).
# It does not start mailprovd: `startsrc -s mailprovd` does, once
# /etc/mailprov/desired.yaml says what this host wants.
# Exit status: 0 done, 1 a step failed (its message on standard error).
set -u
me=mailprov-config
STATEDIR=@STATEDIR@
CONFIGS='@CONFIGS@'
MKSSYS_SH=/usr/share/mailprov/srcdef/mkssys.sh
DAEMON=/usr/sbin/mailprovd

die() {
	echo "$me: $*" >&2
	exit 1
}

if [ ! -d "$STATEDIR" ]; then
	(umask 077 && mkdir -p "$STATEDIR") || die "cannot create $STATEDIR"
fi
chown 0:0 "$STATEDIR" && chmod 0700 "$STATEDIR" ||
    die "cannot set owner and mode of $STATEDIR"

for c in $CONFIGS; do
	mode=${c%%:*}
	f=${c#*:}
	if [ -e "$f" ]; then
		echo "$me: keeping $f"
		continue
	fi
	[ -f "$f.example" ] || die "neither $f nor $f.example is there"
	cp "$f.example" "$f" && chmod "$mode" "$f" && chown 0:0 "$f" ||
	    die "cannot make $f from $f.example"
	echo "$me: made $f from $f.example (mode $mode)"
done

sh "$MKSSYS_SH" -p "$DAEMON" || die "$MKSSYS_SH failed; run it again by hand once the cause is fixed"
exit 0
