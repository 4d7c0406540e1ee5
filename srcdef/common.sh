# common.sh - sourced by mkssys.sh and rmssys.sh: how they show and run
# the SRC commands.  Expects $me (the script's name), $dry (1 for -n) and
# a die() function.

# quote WORD - WORD as a shell would need it typed (for messages only).
quote() {
	case $1 in
	'') printf "''" ;;
	*[!A-Za-z0-9_./=:,+@%-]*)
		printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf '%s' "$1" ;;
	esac
}

# show CMD [ARG...] - the command line on one line, each word quoted.
show() {
	_sep=
	for _w in "$@"; do
		printf '%s' "$_sep"
		quote "$_w"
		_sep=' '
	done
}

# run CMD [ARG...] - say it, then run it (not with -n); die on failure.
run() {
	if [ "$dry" = 1 ]; then
		echo "$me: would run: $(show "$@")"
		return 0
	fi
	echo "$me: running: $(show "$@")"
	_out=$("$@" 2>&1)
	_rc=$?
	if [ "$_rc" -ne 0 ]; then
		die "$(show "$@") failed (exit $_rc): $(printf '%s' "$_out" | tr '\n' ' ')"
	fi
	[ -n "$_out" ] && printf '%s\n' "$_out"
	return 0
}
