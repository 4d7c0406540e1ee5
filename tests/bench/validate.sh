#!/bin/bash
# validate.sh - how long `mailprov validate` takes and how much memory it
# uses, on the shipped example and on large and hostile files.  Prints a
# table for README; asserts nothing about time (benchmarks report, tests
# assert).  Run with `make bench`.
set -eu
cd "$(dirname "$0")/../.."
MP=./daemon/mailprov
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# The 30,000-alias file: a realistic large merge set.
{
	echo "version: 1"
	echo "sendmail:"
	echo "  aliases:"
	echo "    entries:"
	for i in $(seq 0 29999); do echo "      user$i: u$i@ex.net"; done
} >"$T/aliases30k.yaml"
# 99,990 nodes: just under the bound.
{ echo "version: 1"; echo "x:"; for i in $(seq 1 99990); do echo "- a"; done; } >"$T/nodes.yaml"
printf 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n' >"$T/bomb.yaml"

# run FILE RUNS: mean wall ms per run, and the max RSS of one run in KiB.
run() {
	local f=$1 n=$2 s e rss
	s=$(date +%s%N)
	for _ in $(seq "$n"); do $MP validate -f "$f" >/dev/null 2>&1 || true; done
	e=$(date +%s%N)
	rss=$(/usr/bin/time -f %M $MP validate -f "$f" 2>&1 >/dev/null | tail -1)
	printf '| %-34s | %8d | %9.2f | %8s |\n' "$3" "$(stat -c %s "$f")" \
	    "$(awk -v a="$s" -v b="$e" -v n="$n" 'BEGIN { print (b - a) / n / 1e6 }')" "$rss"
}
echo "| input                              |    bytes |   ms/run | RSS KiB |"
echo "|------------------------------------|---------:|---------:|---------:|"
run conf/desired.yaml 200 "conf/desired.yaml (valid)"
run "$T/aliases30k.yaml" 10 "30,000 aliases (valid)"
run "$T/nodes.yaml" 10 "99,990 nodes (one unknown key)"
run "$T/bomb.yaml" 200 "alias bomb (refused)"
