#!/bin/bash
# lint_test.sh - cppcheck and clang-tidy report nothing (make lint-cppcheck,
# make lint-clang-tidy; settings in .clang-tidy and tests/lint/).  A tool
# that is not installed is a failure, not a skip: tests/deps.sh and CI
# install both.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup

for tool in cppcheck clang-tidy; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		fail "$tool reports nothing" "$tool is not installed; tests/deps.sh installs it"
		continue
	fi
	out=$(make -s --no-print-directory "lint-$tool" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "$tool reports nothing"
	else
		printf '%s\n' "$out"
		fail "$tool reports nothing" "make lint-$tool exited $rc, findings above"
	fi
done
[ "$fails" -eq 0 ]
