# tests/smlib.sh -- ask the real sendmail binary what a sendmail.cf does.
#
# Source it from a test script (POSIX sh or bash):
#
#	. tests/smlib.sh
#	sm_lint CF                 -> prints load diagnostics; status 0 if none
#	sm_parse CF ADDRESS        -> "mailer host user" (host "-" when none)
#	sm_macro CF NAME           -> value of $NAME (w, m, S, j, {daemon_flags})
#	sm_class CF NAME           -> members of $=NAME, one per line, sorted
#	sm_rules CF LINE...        -> RHS of the last "returns:" line
#	printf '%s\n' CMD... | sm_bt CF [SENDMAIL-ARGS...]   -> raw -bt output
#
# How sendmail is run (sm_bt):
#
#   unshare -u -n -m sh -c '...; exec $SENDMAIL -C CF -bt -O ServiceSwitchFile=...'
#
#   -u  a UTS namespace whose host name is $SM_HOSTNAME (default
#       dmspar02.example.net).  A qualified name matters: with an unqualified
#       one sendmail prints "WARNING: local host name (x) is not qualified"
#       and sleeps 60 s trying to qualify it.
#   -n  a network namespace with only lo (brought up with ip(8)): no real
#       network is used, and sendmail's interface probe adds just
#       [127.0.0.1] to $=w, whatever the machine's interfaces are.
#   -m  a private mount namespace: /etc/mail is replaced (inside the
#       namespace only) by an empty tmpfs holding just a service.switch with
#       "hosts files" (no DNS lookups, which would time out without a
#       network), plus a copy of $SM_MAILDIR if set.  So class files named
#       in the cf (Fw, FR) are read from $SM_MAILDIR, never from the host's
#       /etc/mail.  A CF under /etc/mail is copied aside first.
#
# Needs root (unshare -u -n -m, mount), util-linux unshare and iproute2 ip.
# A run takes about 20-40 ms.
#
# Environment:
#   SENDMAIL     sendmail binary (default /usr/sbin/sendmail)
#   SM_HOSTNAME  host name inside the namespace (default dmspar02.example.net)
#   SM_MAILDIR   directory whose contents appear as /etc/mail (default: none)
#
# Output format of sendmail -bt that the helpers rely on (sendmail 8.17):
#   stdout starts with the two banner lines
#	ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)
#	Enter <ruleset> <address>
#   then, per input line, a prompt "> " (no newline) followed by that
#   command's output; after the last command a final "> " without newline.
#   Errors found while reading the cf ("CF: line N: ...") are printed on
#   stdout BEFORE the banner, and sendmail then exits 70, not 0.
#	$w        -> "> dmspar02\n"; an unset macro prints "> Undefined\n"
#	$=w       -> "> [127.0.0.1]\ndmspar02.example.net\nlocalhost\n" (empty
#	             class: nothing at all); members come in hash order
#	/parse a  -> trace lines, then one of
#	             "mailer esmtp, host remote.example.org., user a@remote.example.org"
#	             "mailer local, user root"
#	             "Cannot parse"

: "${SENDMAIL:=/usr/sbin/sendmail}"
: "${SM_HOSTNAME:=dmspar02.example.net}"

# sm_bt CF [SENDMAIL-ARGS...] -- run sendmail -bt on CF, commands on stdin.
# Prints sendmail's stdout and stderr; returns its exit status (2 if the
# sandbox could not be set up).
sm_bt() {
	if [ $# -lt 1 ]; then
		echo "usage: sm_bt CF [SENDMAIL-ARGS...]" >&2
		return 2
	fi
	_sm_cf=$1
	shift
	if [ ! -r "$_sm_cf" ]; then
		echo "sm_bt: cannot read $_sm_cf" >&2
		return 2
	fi
	case $_sm_cf in
	/*) ;;
	*) _sm_cf=$(pwd)/$_sm_cf ;;
	esac
	if [ -n "${SM_MAILDIR-}" ] && [ ! -d "$SM_MAILDIR" ]; then
		echo "sm_bt: SM_MAILDIR $SM_MAILDIR is not a directory" >&2
		return 2
	fi
	_sm_tmp=$(mktemp -d "${TMPDIR:-/tmp}/smlib.XXXXXX") || return 2
	case $_sm_cf in
	/etc/mail/*)
		# /etc/mail is hidden inside the namespace: use a copy
		cp "$_sm_cf" "$_sm_tmp/sendmail.cf" || { rm -rf "$_sm_tmp"; return 2; }
		_sm_cf=$_sm_tmp/sendmail.cf
		;;
	esac
	# shellcheck disable=SC2016 # the script expands its own arguments
	unshare -u -n -m sh -c '
		h=$1 md=$2; shift 2
		hostname "$h" || { echo "sm_bt: cannot set host name" >&2; exit 2; }
		ip link set lo up 2>/dev/null ||
			{ echo "sm_bt: cannot bring up lo (ip from iproute2?)" >&2; exit 2; }
		mount -t tmpfs -o mode=0755 smlib /etc/mail ||
			{ echo "sm_bt: cannot mount a tmpfs on /etc/mail" >&2; exit 2; }
		if [ -n "$md" ]; then
			cp -pR "$md/." /etc/mail/ ||
				{ echo "sm_bt: cannot copy $md" >&2; exit 2; }
		fi
		printf "hosts\tfiles\naliases\tfiles\n" >/etc/mail/service.switch ||
			exit 2
		exec "$@"
	' sm_bt "$SM_HOSTNAME" "${SM_MAILDIR-}" \
		"$SENDMAIL" -C "$_sm_cf" -bt \
		-O ServiceSwitchFile=/etc/mail/service.switch "$@"
	_sm_rc=$?
	rm -rf "$_sm_tmp"
	return $_sm_rc
}

# _sm_one CF COMMAND -- run one -bt command, print only its output (the
# text between the prompt before it and the final prompt), without the
# trailing newline of that output.  Status 1 if the banner never came.
_sm_one() {
	printf '%s\n' "$2" | sm_bt "$1" 2>&1 | awk '
		seen { buf = buf (n++ ? "\n" : "") $0; next }
		$0 == "Enter <ruleset> <address>" { seen = 1 }
		END {
			if (!seen) exit 1
			sub(/^> /, "", buf)
			sub(/> $/, "", buf)
			sub(/\n$/, "", buf)
			if (buf != "") print buf
		}'
}

# sm_lint CF -- print everything sendmail says while loading CF (stdout
# lines before the banner, anything on stderr, a non-zero exit status).
# Status 0 only if it said nothing and exited 0.
sm_lint() {
	_sm_out=$(sm_bt "$1" </dev/null 2>&1)
	_sm_rc=$?
	_sm_diag=$(printf '%s\n' "$_sm_out" | awk '
		$0 == "ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)" { b1 = 1; next }
		$0 == "Enter <ruleset> <address>" { b2 = 1; next }
		$0 == "> " || $0 == "" { next }
		{ print }
		END { if (!b1 || !b2) print "(no address test mode banner)" }')
	if [ -n "$_sm_diag" ]; then
		printf '%s\n' "$_sm_diag"
	fi
	if [ $_sm_rc -ne 0 ]; then
		echo "(sendmail exited $_sm_rc)"
	fi
	[ -z "$_sm_diag" ] && [ $_sm_rc -eq 0 ]
}

# sm_macro CF NAME -- print the value of macro NAME ("w", "S", "{daemon_flags}").
# Status 1 if sendmail says it is undefined.
sm_macro() {
	case $2 in
	?|\{*\}) _sm_m=$2 ;;
	*) _sm_m="{$2}" ;;
	esac
	_sm_v=$(_sm_one "$1" "\$$_sm_m") || return 2
	[ "$_sm_v" = "Undefined" ] && return 1
	printf '%s\n' "$_sm_v"
}

# sm_class CF NAME -- print the members of class NAME ("w", "R", "{VirtHost}"),
# one per line, sorted bytewise.
sm_class() {
	case $2 in
	?|\{*\}) _sm_m=$2 ;;
	*) _sm_m="{$2}" ;;
	esac
	_sm_v=$(_sm_one "$1" "\$=$_sm_m") || return 2
	[ -n "$_sm_v" ] && printf '%s\n' "$_sm_v" | LC_ALL=C sort
	return 0
}

# sm_parse CF ADDRESS -- resolve ADDRESS as an envelope recipient with
# /parse and print "mailer host user" from sendmail's final
# "mailer M, host H, user U" line (host "-" if sendmail printed none; the
# user is what the mailer would get, after rulesets 2, R= and 4).
# Status 1 if sendmail printed "Cannot parse" or no mailer line.
sm_parse() {
	printf '/parse %s\n' "$2" | sm_bt "$1" 2>&1 | awk '
		/^mailer [^,]*, host .*, user / {
			s = substr($0, 8); i = index(s, ", host ")
			m = substr(s, 1, i - 1); s = substr(s, i + 7)
			i = index(s, ", user ")
			print m, substr(s, 1, i - 1), substr(s, i + 7); ok = 1; exit
		}
		/^mailer [^,]*, user / {
			s = substr($0, 8); i = index(s, ", user ")
			print substr(s, 1, i - 1), "-", substr(s, i + 7); ok = 1; exit
		}
		END { exit !ok }'
}

# sm_rules CF LINE... -- send the LINEs (e.g. ".D{client_addr}10.1.2.3",
# "3,0 user@host", "check_rcpt user@host") and print the right-hand side of
# the last "NAME returns: ..." trace line, i.e. what the outermost ruleset
# of the last LINE returned, as sendmail prints it (tokens space-separated).
sm_rules() {
	_sm_cf=$1
	shift
	printf '%s\n' "$@" | sm_bt "$_sm_cf" 2>&1 | awk '
		/^[^ ]+ +returns: / { r = $0; sub(/^[^ ]+ +returns: /, "", r); ok = 1 }
		END { if (ok) print r; exit !ok }'
}
