#!/bin/sh
# deps.sh - make sure what mailprov needs to build and test is here.
#
# Debian/Ubuntu as root: installs what is missing with apt-get.
# Anywhere else: prints the exact install line and stops (exit 1).
# Does nothing (and prints nothing) when everything is present.
# The one package list: make deps, make demo and .ci/run use it (clang is
# for make fuzz and CI's clang build).
#
#   sh tests/deps.sh pkg   also the packaging tools: rpm (rpmbuild) and
#                          rpmlint for make rpm and rpm_test, ansible for
#                          ansible_test (.ci/run installs them; make demo
#                          does not, so it stays light)
set -u
PKGS_DEBIAN="build-essential pkg-config libyaml-dev libcurl4-openssl-dev \
libssl-dev libcmocka-dev sendmail-bin sendmail-cf m4 groff-base iproute2 ksh python3 openssl \
cppcheck clang clang-tidy valgrind sasl2-bin libsasl2-modules"
PKGS_PKG="rpm rpmlint ansible"
withpkg=0
[ "${1:-}" = pkg ] && { withpkg=1; PKGS_DEBIAN="$PKGS_DEBIAN $PKGS_PKG"; }

missing() {
	command -v cc >/dev/null 2>&1 || return 0
	command -v make >/dev/null 2>&1 || return 0
	command -v pkg-config >/dev/null 2>&1 || return 0
	pkg-config --exists yaml-0.1 libcurl libcrypto cmocka || return 0
	command -v ksh >/dev/null 2>&1 || return 0
	command -v python3 >/dev/null 2>&1 || return 0
	command -v openssl >/dev/null 2>&1 || return 0
	command -v m4 >/dev/null 2>&1 || return 0
	command -v groff >/dev/null 2>&1 || return 0
	command -v ip >/dev/null 2>&1 || return 0
	command -v valgrind >/dev/null 2>&1 || return 0
	command -v unshare >/dev/null 2>&1 || return 0
	command -v cppcheck >/dev/null 2>&1 || return 0
	command -v clang >/dev/null 2>&1 || return 0
	command -v clang-tidy >/dev/null 2>&1 || return 0
	command -v saslpasswd2 >/dev/null 2>&1 || return 0
	ls /usr/lib/*/sasl2/libplain.so >/dev/null 2>&1 || return 0
	[ -x "${SENDMAIL:-/usr/sbin/sendmail}" ] || return 0
	[ -f "${SENDMAIL_CF_DIR:-/usr/share/sendmail/cf}/m4/cf.m4" ] || return 0
	if [ "$withpkg" = 1 ]; then
		for t in rpmbuild rpmlint rpm2cpio cpio ansible-playbook; do
			command -v "$t" >/dev/null 2>&1 || return 0
		done
	fi
	return 1
}

missing || exit 0

os=$(uname -s)
if [ "$os" = AIX ]; then
	echo "deps.sh: install the build dependencies from the AIX Toolbox:" >&2
	echo "  dnf install gcc make pkg-config libyaml-devel libcurl-devel openssl-devel m4" >&2
	echo "(cmocka and Debian's sendmail-cf are needed only to run the tests;" >&2
	echo " the tests run on Linux.)" >&2
	exit 1
fi
if [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps.sh: missing build or test dependencies; run:" >&2
		echo "  sudo apt-get install -y $PKGS_DEBIAN" >&2
		exit 1
	fi
	echo "deps.sh: installing $PKGS_DEBIAN"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null &&
	    apt-get install -y -qq $PKGS_DEBIAN >/dev/null || {
		echo "deps.sh: apt-get install failed" >&2
		exit 1
	}
	missing && { echo "deps.sh: still missing something after install" >&2; exit 1; }
	exit 0
fi
echo "deps.sh: this system is not Debian; install the equivalents of:" >&2
echo "  $PKGS_DEBIAN" >&2
echo "(libyaml, libcurl, libcrypto and cmocka development files, pkg-config," >&2
echo " m4, groff, sendmail with its cf/m4 tree, cppcheck, clang and clang-tidy," >&2
echo " Cyrus SASL's saslpasswd2 and its PLAIN/LOGIN/sasldb plugins)" >&2
exit 1
