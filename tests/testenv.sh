# testenv.sh - sourced by the shell tests and the demo (tests/README).
#
# A test script starts:
#
#	set -u
#	. "$(dirname "$0")/testenv.sh"
#	mp_setup NAME
#
# mp_setup [NAME]: cd to the top of the checkout; MP, MPD, SBX name the
# built mailprov, mailprovd and the sendmail sandbox wrapper; with NAME,
# S is a new empty scratch directory (mp_scratch NAME), or the script
# ends with one FAIL line.
#
# pass NAME / fail NAME [WHY] / expect NAME GOT WANT: one "PASS: " or
# "FAIL: " line each (tests/run.sh counts them); $fails counts failures.
# check_grep NAME FILE ERE [WHY]: PASS if grep -E finds ERE in FILE.
# check_grepF NAME FILE STRING [WHY]: the same for a fixed string.
# check_nogrep NAME FILE ERE: PASS if grep -E finds no ERE in FILE.
# wait_for SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds
# (0), or until SECONDS have passed (1).
#
# mp_scratch NAME: print a new empty directory for sandbox roots, in a
# path sendmail considers safe (every directory above it owned by root and
# neither group- nor world-writable): tests/out when the checkout lies in
# such a path, else under /run (a checkout under /tmp would not do:
# sendmail ignores class and alias files below a world-writable directory).
#
# mp_daemon_root DIR / mp_root NAME: see below.

# A host whose name sendmail cannot qualify (this one may be called "vm")
# makes mailprov refuse to start sendmail, as it should on a real host:
# the tests run in a UTS namespace with a qualified name, as the sandbox
# sendmail (tests/sendmail-sandbox) does.  Needs root, as the tests do.
case $(hostname) in
*.*) ;;
*)	exec unshare -u bash -c 'hostname dmspar02.example.net && exec bash "$0" "$@"' \
	    "$0" "$@" ;;
esac

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
	_top=${MP_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
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

mp_setup() {
	cd "$(dirname "$0")/.." || exit 1
	MP_TOP=$PWD
	MP=$MP_TOP/daemon/mailprov
	MPD=$MP_TOP/daemon/mailprovd
	SBX=$MP_TOP/tests/sendmail-sandbox
	if [ $# -gt 0 ]; then
		S=$(mp_scratch "$1") || { echo "FAIL: no scratch directory"; exit 1; }
	fi
}

fails=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+ ($2)}"; fails=$((fails + 1)); }
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
check_grep() {
	if grep -qE -- "$3" "$2"; then pass "$1"
	else fail "$1" "${4:-no /$3/ in: $(tail -c 400 "$2" 2>&1)}"; fi
}
# lssrc_join FILE: FILE with each lssrc -l fact on one line: a line that
# starts with a blank and follows a "Name: value" line continues that
# value (lib/status.c's push_fact); its one marker blank is dropped.
lssrc_join() {
	awk '/^ / && fact { cur = cur substr($0, 2); next }
	    { if (have) print cur; cur = $0; have = 1
	      fact = ($0 ~ /^[A-Z][A-Za-z-]*: /) }
	    END { if (have) print cur }' "$1"
}
# check_fact DESC FILE ERE: check_grep on FILE's facts joined.
check_fact() {
	lssrc_join "$2" >"$2.joined"
	check_grep "$1" "$2.joined" "$3"
}
check_grepF() {
	if grep -qF -- "$3" "$2"; then pass "$1"
	else fail "$1" "${4:-no '$3' in: $(tail -c 400 "$2" 2>&1)}"; fi
}
check_nogrep() {
	if grep -qE -- "$3" "$2"; then fail "$1" "/$3/ in: $(grep -E -- "$3" "$2" | head -3)"
	else pass "$1"; fi
}
wait_for() {
	local end
	end=$(( $(date +%s%N) / 1000000 + $1 * 1000 ))
	shift
	until "$@"; do
		[ $(( $(date +%s%N) / 1000000 )) -ge "$end" ] && return 1
		sleep 0.1
	done
	return 0
}

# mp_daemon_root DIR: a host for mailprovd under DIR: a real m4-built
# sendmail.cf, sendmail defined and stopped in the mock SRC, the example
# desired state, and a daemon configuration (mock backend, the sendmail
# sandbox, interval ${MP_INTERVAL:-60} s, settle 1 s).
mp_daemon_root() {
	_r=$1
	mkdir -p "$_r/etc/mail" "$_r/etc/mailprov" "$_r/var/mailprov/src"
	sh tests/mkcf.sh tests/fixtures/m4-aix.mc "$_r/etc/mail/sendmail.cf" || return 1
	printf 'postmaster: root\nMAILER-DAEMON: postmaster\n' >"$_r/etc/mail/aliases"
	printf 'defined=1\nstate=inoperative\npid=0\ngroup=mail\npath=/usr/lib/sendmail\nargs=\ncontact=-K\nboot=0\n' \
	    >"$_r/var/mailprov/src/sendmail.rec"
	install -m 0600 conf/desired.yaml "$_r/etc/mailprov/desired.yaml"
	printf 'interval: %s\nsettle: 1\nsrc_backend: mock\nsendmail: %s\n' \
	    "${MP_INTERVAL:-60}" "$PWD/tests/sendmail-sandbox" >"$_r/etc/mailprov/mailprovd.conf"
	chmod 0600 "$_r/etc/mailprov/mailprovd.conf"
}

# mp_root NAME: mp_daemon_root under the scratch directory $S; prints it.
mp_root() {
	mp_daemon_root "$S/$1" && echo "$S/$1"
}
