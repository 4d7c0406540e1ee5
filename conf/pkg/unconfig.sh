#!/bin/sh
# unconfig.sh - undo config.sh before mailprov's files are removed.  The
# RPM's %preun runs it on an erase (not on an upgrade); installp runs it
# as the fileset's Unconfiguration Script.  The same file for both.
#
# srcdef/rmssys.sh stops mailprovd when it is active (stopsrc, then waits
# until it has stopped), removes the SRC subsystem and the boot entry.
# The config files and the state directory (@STATEDIR@: status.json,
# the lock, the backups of the mail files) are the admin's history and
# stay.  A failure is reported but does not stop the removal: exit 0.
set -u
me=mailprov-unconfig
RMSSYS_SH=/usr/share/mailprov/srcdef/rmssys.sh

if [ -f "$RMSSYS_SH" ]; then
	sh "$RMSSYS_SH" ||
	    echo "$me: $RMSSYS_SH failed: remove the subsystem by hand (rmssys -s mailprovd, rmitab mailprovd)" >&2
else
	echo "$me: $RMSSYS_SH is missing: remove the subsystem by hand (rmssys -s mailprovd, rmitab mailprovd)" >&2
fi
echo "$me: kept @STATEDIR@ (run history and backups)"
exit 0
