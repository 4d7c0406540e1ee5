#!/bin/sh
# run.sh - run every test program and script given, count, and end with
# one line "N passed, N failed".  Exits 1 if anything failed.
#
# cmocka programs report "[  PASSED  ] N test(s)." and "[  FAILED  ] N
# test(s)"; scripts print "PASS: name" / "FAIL: name" lines.  A program
# or script that dies without its summary counts as one failure.  A
# script that cannot run here (a tool missing, not root) prints
# "SKIP: why" and no PASS or FAIL: it is counted as skipped, never passed.
set -u
passed=0
failed=0
skipped=0
out=tests/out
mkdir -p "$out"
for t in "$@"; do
	[ -e "$t" ] || continue
	name=$(basename "$t")
	log="$out/$name.log"
	case "$t" in
	*.sh) bash "$t" >"$log" 2>&1; rc=$? ;;
	*) "./$t" >"$log" 2>&1; rc=$? ;;
	esac
	cat "$log"
	case "$t" in
	*.sh)
		p=$(grep -c '^PASS: ' "$log")
		f=$(grep -c '^FAIL: ' "$log")
		k=$(grep -c '^SKIP: ' "$log")
		;;
	*)
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		p=${p:-0}
		f=${f:-0}
		k=0
		;;
	esac
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name exited $rc without reporting a failure"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$k" -gt 0 ] && [ "$rc" -eq 0 ]; then
		skipped=$((skipped + 1))
		continue
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name ran no test"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped (see the SKIP: lines)"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
