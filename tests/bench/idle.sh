#!/bin/bash
# idle.sh - what an idle mailprovd costs: resident memory after its first
# run, and the system calls it makes in 10 s of doing nothing (an idle
# daemon should sit in one poll() until its interval timer is due).
# Reports; asserts nothing.  Needs root and strace.
set -eu
cd "$(dirname "$0")/../.."
. tests/testenv.sh
S=$(mp_scratch idle)
R=$S/root
MP_INTERVAL=900 mp_daemon_root "$R"
./daemon/mailprovd --root "$R" </dev/null 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$S"' EXIT
sleep 3
rss=$(awk '/^VmRSS/ { print $2 }' /proc/$pid/status)
priv=$(awk '/^Private_Dirty/ { print $2 }' /proc/$pid/smaps_rollup)
timeout -s INT 10 strace -f -c -o "$S/strace" -p $pid >/dev/null 2>&1 || true
calls=$(awk '$NF == "total" { print $(NF-2) }' "$S/strace")
printf '| idle mailprovd (after its first run) | RSS %s KiB (private dirty %s KiB) | %s system calls in 10 s |\n' \
    "$rss" "$priv" "${calls:-0}"
