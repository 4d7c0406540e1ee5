# testenv.sh - sourced by the shell tests and the demo.
#
# pass NAME / fail NAME [WHY] / expect NAME GOT WANT: one "PASS: " or
# "FAIL: " line each (tests/run.sh counts them); $fails counts failures.
#
# mp_scratch NAME: print a new empty directory for sandbox roots, in a
# path sendmail considers safe (every directory above it owned by root and
# neither group- nor world-writable): tests/out when the checkout lies in
# such a path, else under /run (a checkout under /tmp would not do:
# sendmail ignores class and alias files below a world-writable directory).

mp_path_safe() {
	_p=$1
	while [ -n "$_p" ] && [ "$_p" != / ]; do
		[ -d "$_p" ] || { _p=${_p%/*}; continue; }
		case $(stat -c %a "$_p") in
		*[2367][0-7]|*[0-7][2367]) return 1 ;;
		esac
		_p=${_p%/*}
	done
	return 0
}

mp_scratch() {
	_top=$(cd "$(dirname "$0")/.." && pwd)
	if mp_path_safe "$_top/tests"; then
		_base=$_top/tests/out
	else
		_base=/run/mailprov-tests
	fi
	mkdir -p "$_base" && chmod 0755 "$_base" || return 1
	_d="$_base/$1"
	rm -rf "$_d"
	mkdir -p "$_d" && echo "$_d"
}

fails=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+ ($2)}"; fails=$((fails + 1)); }
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
