#!/bin/sh
# mailprov-status.sh - NIM script resource: print what mailprovd says on
# this client (`lssrc -ls mailprovd`), so that the master can collect it
# from each client's customization log (mailprov-rollout.sh collect).
# Exit status: lssrc's (0 when the subsystem answered).
LSSRC=${LSSRC:-/usr/bin/lssrc}
echo "mailprov-status: $(hostname)"
"$LSSRC" -ls mailprovd
