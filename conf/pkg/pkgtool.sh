#!/bin/sh
# pkgtool.sh - everything made from conf/pkg/manifest (the one install list).
#
#   pkgtool.sh list                    the manifest with the paths put in:
#                                      "kind mode path source", one a line
#   pkgtool.sh install                 install into $DESTDIR (make install)
#   pkgtool.sh subst SOURCE            SOURCE with the installed paths put in
#   pkgtool.sh rpmfiles                the RPM's %files lines
#   pkgtool.sh bff-template STAGE VRMF the mkinstallp template for the tree
#                                      STAGE (made by make install DESTDIR=STAGE)
#   pkgtool.sh dist OUT.tar.gz PREFIX  the source tarball (the files git
#                                      knows, or the tree less build output)
#
# The paths come from the environment, as the Makefile passes them:
# SBINDIR MANDIR SYSCONFDIR DATADIR STATEDIR (and DESTDIR for install).
# POSIX sh and awk: runs under AIX's ksh as well as Linux's sh.
set -u
me=pkgtool.sh
top=$(cd "$(dirname "$0")/../.." && pwd)
MANIFEST=${MANIFEST:-$top/conf/pkg/manifest}

die() {
	echo "$me: $*" >&2
	exit 1
}

need_paths() {
	for v in SBINDIR MANDIR SYSCONFDIR DATADIR STATEDIR; do
		eval "x=\${$v:-}"
		case $x in
		/*) ;;
		*) die "$v must be set to an absolute path (the Makefile sets it)" ;;
		esac
	done
}

# list: the manifest, comments dropped, the @VAR@ prefixes replaced.
list() {
	need_paths
	awk -v sbin="$SBINDIR" -v man="$MANDIR" -v etc="$SYSCONFDIR" \
	    -v data="$DATADIR" -v state="$STATEDIR" -v f="$MANIFEST" '
	/^[ \t]*(#|$)/ { next }
	{
		if ($1 !~ /^(dir|file|subst|man|config)$/) bad("unknown kind " $1)
		if ($2 !~ /^0[0-7][0-7][0-7]$/) bad("mode " $2 " is not 0NNN")
		if ($1 == "dir" && NF != 3) bad("a dir has kind, mode, path")
		if ($1 != "dir" && NF != 4) bad("a file has kind, mode, path, source")
		p = $3
		sub(/^@SBINDIR@/, sbin, p); sub(/^@MANDIR@/, man, p)
		sub(/^@SYSCONFDIR@/, etc, p); sub(/^@DATADIR@/, data, p)
		sub(/^@STATEDIR@/, state, p)
		if (p !~ /^\//) bad("path " $3 " does not start with a known @VAR@")
		print $1, $2, p, (NF == 4 ? $4 : "-")
	}
	function bad(why) {
		printf "%s:%d: %s\n", f, NR, why > "/dev/stderr"; err = 1; exit 1
	}
	END { exit err }' "$MANIFEST"
}

# configs: "MODE:PATH" of every config entry, space-separated.
configs() {
	l=$(list) || exit 1
	printf '%s\n' "$l" |
	    awk '$1 == "config" { printf "%s%s:%s", sep, $2, $3; sep = " " }'
}

subst() {
	need_paths
	[ -f "$top/$1" ] || die "no such source file: $1"
	c=$(configs) || exit 1
	sed -e "s|/usr/sbin/mailprov|$SBINDIR/mailprov|g" \
	    -e "s|/etc/mailprov/|$SYSCONFDIR/|g" \
	    -e "s|/usr/share/mailprov/|$DATADIR/|g" \
	    -e "s|@STATEDIR@|$STATEDIR|g" \
	    -e "s|@CONFIGS@|$c|g" "$top/$1"
}

# put SOURCE DEST MODE [subst]
put() {
	mkdir -p "$(dirname "$2")" || exit 1
	rm -f "$2"
	if [ "${4:-}" = subst ]; then
		subst "$1" >"$2" || exit 1
	else
		cp "$top/$1" "$2" || exit 1
	fi
	chmod "$3" "$2" || exit 1
	[ "$root" = 1 ] && { chown 0:0 "$2" || exit 1; }
	echo "installed $2 ($3)"
}

install_all() {
	umask 022
	D=${DESTDIR:-}
	root=0
	[ "$(id -u)" = 0 ] && root=1
	# The list in a variable, not a file: no name in a shared /tmp
	# that root would write through.
	manifest=$(list) || exit 1
	while read -r kind mode path src; do
		case $kind in
		dir)
			mkdir -p "$D$path" && chmod "$mode" "$D$path" || exit 1
			[ "$root" = 1 ] && { chown 0:0 "$D$path" || exit 1; }
			;;
		file | man) put "$src" "$D$path" "$mode" ;;
		subst) put "$src" "$D$path" "$mode" subst ;;
		config)
			if [ -e "$D$path" ]; then
				echo "keeping existing $D$path"
			else
				put "$src" "$D$path" "$mode"
			fi
			;;
		esac
	done <<EOM
$manifest
EOM
}

# rpmfiles: %attr on every line; man pages with a * for the compression
# rpmbuild may add; the spec defines mp_group (system on AIX).
rpmfiles() {
	list | awk '{
		a = "%attr(" $2 ",root,%{mp_group}) "
		if ($1 == "dir") print "%dir " a $3
		else if ($1 == "man") print a $3 "*"
		else if ($1 == "config") print "%config(noreplace) " a $3
		else print a $3
	}'
}

# bff_template STAGE VRMF: USR part for /usr, ROOT part for /etc and
# /var; config entries are not shipped (config.sh makes them from their
# .example when missing, as make install keeps an existing one); the
# configuration scripts are the ones the RPM runs.
bff_template() {
	stage=$1
	vrmf=$2
	case $vrmf in
	*[!0-9.]* | *..* | .* | *.) die "VRMF '$vrmf' is not V.R.M.F" ;;
	esac
	[ "$(echo "$vrmf" | awk -F. '{ print NF }')" = 4 ] ||
	    die "VRMF '$vrmf' is not V.R.M.F"
	[ -d "$stage" ] || die "no staging tree $stage (make install DESTDIR=$stage)"
	l=$(list) || exit 1
	cat <<EOT
Package Name: mailprov
Package VRMF: $vrmf
Update: N
Fileset
  Fileset Name: mailprov.rte
  Fileset VRMF: $vrmf
  Fileset Description: mailprov - keep AIX sendmail in a declared state (mailprovd SRC subsystem)
  USRLIBLPPFiles
  Configuration Script: $stage$DATADIR/pkg/config.sh
  Unconfiguration Script: $stage$DATADIR/pkg/unconfig.sh
  EOUSRLIBLPPFiles
  Bosboot required: N
  License agreement acceptance required: N
  Name of license agreement:
  Include license files in this package: N
  Requisites: *prereq bos.rte.SRC 7.1.0.0;*prereq openssl.base 1.0.2.0
  USRFiles
EOT
	printf '%s\n' "$l" | awk '$1 != "config" && $3 !~ /^\/(etc|var)(\/|$)/ { print "    " $3 }'
	cat <<EOT
  EOUSRFiles
  ROOT Part: Y
  ROOTFiles
EOT
	printf '%s\n' "$l" | awk '$1 != "config" && $3 ~ /^\/(etc|var)(\/|$)/ { print "    " $3 }'
	cat <<EOT
  EOROOTFiles
  Relocatable: N
EOFileset
EOT
}

# dist OUT PREFIX: a tar.gz of the source tree under PREFIX/.
dist() {
	out=$1
	pfx=$2
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/mailprov-dist.XXXXXX") || exit 1
	mkdir -p "$tmp/$pfx" || exit 1
	cd "$top" || exit 1
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -co --exclude-standard
	else
		# No git: the tree less what a build, the tests and make rpm leave.
		find . -type f ! -path './.git/*' ! -path './tests/out/*' \
		    ! -path './pkgout/*' ! -path './demo/*' ! -name '*.o' \
		    ! -name '*.a' | sed 's|^\./||'
	fi | while read -r f; do
		[ -f "$f" ] && printf '%s\n' "$f"
	done >"$tmp/list"
	tar cf - $(cat "$tmp/list") | (cd "$tmp/$pfx" && tar xf -) || exit 1
	mkdir -p "$(dirname "$out")"
	(cd "$tmp" && tar cf - "$pfx") | gzip -9 >"$out" || exit 1
	rm -rf "$tmp"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
list) list ;;
install) install_all ;;
subst) [ $# = 1 ] || die "usage: $me subst SOURCE"; subst "$1" ;;
rpmfiles) rpmfiles ;;
bff-template) [ $# = 2 ] || die "usage: $me bff-template STAGE VRMF"; bff_template "$@" ;;
dist) [ $# = 2 ] || die "usage: $me dist OUT.tar.gz PREFIX"; dist "$@" ;;
*) die "usage: $me list|install|subst SOURCE|rpmfiles|bff-template STAGE VRMF|dist OUT PREFIX" ;;
esac
