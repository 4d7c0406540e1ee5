#!/bin/bash
# rpm_test.sh - `make rpm` and the RPM it builds, with the real rpm,
# rpmbuild and rpmlint (Debian's rpm and rpmlint packages: sh
# tests/deps.sh pkg).  Without them, or not root, it prints SKIP.
#
# Two packages are built (release 1 and 2) and installed with
# `rpm --root R --dbpath /rpmdb --nodeps` into a scratch root R that is a
# small chroot: a shell and the utilities the scriptlets use, copied with
# their libraries, and the fake AIX commands of tests/fakeaix/mkfake.sh at
# their AIX paths (/usr/bin/mkssys, /usr/sbin/mkitab, ...), logging every
# call in R/fakeaix/calls.  Checked: every manifest entry installed with
# its mode and owner; %post registers mailprovd (mkssys, mkitab) on install;
# an edited desired.yaml survives the upgrade to release 2, which calls
# no SRC command; rpm -e stops and removes the subsystem and the files
# and keeps /var/mailprov's history; rpmlint reports nothing beyond the
# findings the spec explains.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup rpm

for t in rpm rpmbuild rpmlint rpm2cpio cpio; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "SKIP: rpm_test needs $t (Debian: sh tests/deps.sh pkg installs rpm and rpmlint)"
		exit 0
	}
done
[ "$(id -u)" = 0 ] || { echo "SKIP: rpm_test needs root (rpm --root chroots for the scriptlets)"; exit 0; }

V=$(sed -n 's/^#define MAILPROV_VERSION[^"]*"\(.*\)"/\1/p' lib/version.h)
ARCH=$(rpm --eval '%{_arch}')
O=$S/pkgout
t0=$(date +%s)
make -s --no-print-directory rpm PKGOUT="$O" >"$S/build1.log" 2>&1
expect "make rpm exits 0" "$?" 0
RPM1=$O/rpmbuild/RPMS/$ARCH/mailprov-$V-1.$ARCH.rpm
SRPM=$O/rpmbuild/SRPMS/mailprov-$V-1.src.rpm
[ -f "$RPM1" ] && pass "make rpm wrote mailprov-$V-1.$ARCH.rpm" ||
    fail "make rpm wrote mailprov-$V-1.$ARCH.rpm" "$(tail -5 "$S/build1.log")"
[ -f "$SRPM" ] && pass "make rpm wrote the source RPM" || fail "make rpm wrote the source RPM"
make -s --no-print-directory rpm PKGOUT="$O" RPM_RELEASE=2 >"$S/build2.log" 2>&1
RPM2=$O/rpmbuild/RPMS/$ARCH/mailprov-$V-2.$ARCH.rpm
[ -f "$RPM2" ] && pass "make rpm RPM_RELEASE=2 wrote release 2" ||
    fail "make rpm RPM_RELEASE=2 wrote release 2" "$(tail -5 "$S/build2.log")"
echo "two rpm builds: $(( $(date +%s) - t0 )) s"
[ -f "$RPM1" ] && [ -f "$RPM2" ] || exit 1

# What the package must hold: the manifest with the package's paths.
PKG_PATHS="SBINDIR=/usr/sbin MANDIR=/usr/share/man SYSCONFDIR=/etc/mailprov DATADIR=/usr/share/mailprov STATEDIR=/var/mailprov"
env $PKG_PATHS sh conf/pkg/pkgtool.sh list >"$S/manifest" ||
    fail "pkgtool.sh list"
expect "rpm: Version and Release" "$(rpm -qp --qf '%{VERSION}-%{RELEASE}' "$RPM1")" "$V-1"
rpm -qp --requires "$RPM1" >"$S/requires"
check_grep "rpm: Requires names the Toolbox's libyaml" "$S/requires" '^libyaml$'
check_nogrep "rpm: no hard dependency on libcurl" "$S/requires" '^libcurl'
expect "rpm: libcurl recommended (the fetch helper only)" "$(rpm -qp --recommends "$RPM1")" libcurl
# Every file in the package comes from the manifest (or is %doc).
rpm -qlp "$RPM1" | grep -v '^/usr/share/doc/' | sed 's/\.gz$//' | sort >"$S/rpmfiles"
awk '{ print $3 }' "$S/manifest" | sort >"$S/wantfiles"
expect "rpm: its files are exactly the manifest's" "$(diff "$S/wantfiles" "$S/rpmfiles" | grep '^[<>]' | tr '\n' ' ')" ""
rpm -qp --configfiles "$RPM1" | sort >"$S/cfg"
expect "rpm: %config files are the manifest's config entries" "$(tr '\n' ' ' <"$S/cfg")" \
    "$(awk '$1 == "config" { print $3 }' "$S/manifest" | sort | tr '\n' ' ')"
rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$RPM1" | awk '$2 ~ /c/ && $2 ~ /n/ { print $1 }' | sort >"$S/nr"
expect "rpm: config files are noreplace" "$(tr '\n' ' ' <"$S/nr")" "$(tr '\n' ' ' <"$S/cfg")"
rpm -qp --scripts "$RPM1" >"$S/scripts"
check_grepF "rpm: %post runs config.sh" "$S/scripts" "/usr/share/mailprov/pkg/config.sh"
check_grepF "rpm: %preun runs unconfig.sh" "$S/scripts" "/usr/share/mailprov/pkg/unconfig.sh"
check_grepF "rpm: %post only on a first install" "$S/scripts" 'if [ "$1" -eq 1 ]; then'
check_grepF "rpm: %preun only on erase" "$S/scripts" 'if [ "$1" -eq 0 ]; then'
# The configuration scripts are the ones installp runs (bff_test.sh
# checks the template names these same files).
mkdir -p "$S/x" && (cd "$S/x" && rpm2cpio "$RPM1" | cpio -idm --quiet)
for f in config.sh unconfig.sh; do
	env $PKG_PATHS sh conf/pkg/pkgtool.sh subst "conf/pkg/$f" >"$S/want.$f"
	cmp -s "$S/x/usr/share/mailprov/pkg/$f" "$S/want.$f" &&
	    pass "rpm: $f is conf/pkg/$f with the package's paths" ||
	    fail "rpm: $f is conf/pkg/$f with the package's paths"
done

# ------------------------------------------------------- the chroot
R=$S/root
mkdir -p "$R/usr/bin" "$R/usr/sbin" "$R/usr/lib" "$R/etc" "$R/tmp"
ln -s usr/bin "$R/bin"
ln -s usr/lib "$R/lib"
[ -d /lib64 ] && ln -s usr/lib64 "$R/lib64" && mkdir -p "$R/usr/lib64"
chmod 1777 "$R/tmp"
mkdir -p "$R/dev" && mknod -m 0666 "$R/dev/null" c 1 3
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$R/etc/passwd"
printf 'root:x:0:\nsystem:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"
for c in sh awk sed id cp chmod chown mkdir cat rm ls tr grep sleep dirname \
    cmp mv wc head hostname env printf; do
	b=$(command -v "$c") || continue
	[ -f "$b" ] || continue
	cp "$(readlink -f "$b")" "$R/usr/bin/$c"
	ldd "$b" 2>/dev/null | awk '$(NF - 1) ~ /^\// { print $(NF - 1) } $1 ~ /^\// { print $1 }'
done | sort -u | while read -r lib; do
	mkdir -p "$R$(dirname "$lib")"
	[ -e "$R$lib" ] || cp "$(readlink -f "$lib")" "$R$lib"
done
# The fake AIX commands, at their AIX paths, state in /fakeaix.
sh tests/fakeaix/mkfake.sh "$R/usr/bin" "$R/fakeaix" || fail "mkfake.sh"
for c in lssrc startsrc stopsrc refresh chssys mkssys rmssys mkitab lsitab rmitab; do
	sed -i "s|^STATE='$R/fakeaix'|STATE='/fakeaix'|" "$R/usr/bin/$c"
done
mv "$R/usr/bin/mkitab" "$R/usr/bin/lsitab" "$R/usr/bin/rmitab" "$R/usr/sbin/"
chroot "$R" /bin/sh -c 'id -u' >/dev/null 2>&1 && pass "the chroot runs a shell" ||
    fail "the chroot runs a shell"
RPMR="rpm --root $R --dbpath /rpmdb"
$RPMR --initdb
calls() { cat "$R/fakeaix/calls" 2>/dev/null; }
changes() {
	grep -E '^(mkssys|chssys|rmssys|stopsrc|startsrc|refresh|mkitab|rmitab)( |$)' "$R/fakeaix/calls" 2>/dev/null |
	    awk 'NR > 1 { printf "; " } { printf "%s", $0 }'
}

# -------------------------------------------------------- install
$RPMR -i --nodeps "$RPM1" >"$S/install.out" 2>&1
expect "rpm -i exits 0" "$?" 0
bad=
while read -r kind mode path src; do
	p=$R$path
	[ "$kind" = man ] && [ ! -e "$p" ] && [ -e "$p.gz" ] && p=$p.gz
	if [ ! -e "$p" ]; then
		bad="$bad $path(missing)"
		continue
	fi
	got=$(stat -c '%a %u:%g' "$p")
	[ "$got" = "${mode#0} 0:0" ] || bad="$bad $path($got, want ${mode#0} 0:0)"
	case $kind in dir) [ -d "$p" ] || bad="$bad $path(not a directory)" ;; esac
done <"$S/manifest"
expect "rpm -i: every manifest entry with its mode, owned by root" "$bad" ""
expect "rpm -i: /var/mailprov is 0700" "$(stat -c %a "$R/var/mailprov")" 700
[ -x "$R/usr/sbin/mailprovd" ] && [ -s "$R/usr/sbin/mailprovd" ] &&
    pass "rpm -i: the daemon is an executable file" || fail "rpm -i: the daemon is an executable file"
MK="mkssys [-s] [mailprovd] [-p] [/usr/sbin/mailprovd] [-u] [0] [-K] [-R] [-Q] [-d] [-w] [30] [-a] [-c /etc/mailprov/mailprovd.conf]"
ITAB='mailprovd:2:once:/usr/bin/startsrc -s mailprovd >/dev/console 2>&1'
expect "rpm -i: %post ran mkssys and mkitab, nothing else" "$(changes)" "$MK; mkitab [$ITAB]"
check_grep "rpm -i: the SRC record names /usr/sbin/mailprovd" "$R/fakeaix/mailprovd.rec" '^path=/usr/sbin/mailprovd$'
expect "rpm -i: the inittab entry" "$(cat "$R/fakeaix/inittab" 2>/dev/null)" "$ITAB"
check_nogrep "rpm -i: no scriptlet failure" "$S/install.out" 'scriptlet failed|warning|error|cannot|not found'

# config.sh again, as installp runs it (config files not shipped): a
# missing config file is made from its .example; SRC is left as it is.
rm -f "$R/etc/mailprov/mailprovd.conf"
: >"$R/fakeaix/calls"
chroot "$R" /bin/sh /usr/share/mailprov/pkg/config.sh >"$S/config2.out" 2>&1
expect "config.sh again exits 0" "$?" 0
cmp -s "$R/etc/mailprov/mailprovd.conf" conf/mailprovd.conf && pass "config.sh makes a missing config file from its .example" ||
    fail "config.sh makes a missing config file from its .example"
expect "config.sh: its mode from the manifest" "$(stat -c %a "$R/etc/mailprov/mailprovd.conf")" 644
check_grepF "config.sh keeps desired.yaml" "$S/config2.out" "keeping /etc/mailprov/desired.yaml"
expect "config.sh again: no SRC change (mkssys.sh is idempotent)" "$(changes)" ""

# ------------------------------------------------------- upgrade
printf '# edited by the admin\n' >>"$R/etc/mailprov/desired.yaml"
cp "$R/etc/mailprov/desired.yaml" "$S/edited.yaml"
echo '{"runs": 7}' >"$R/var/mailprov/status.json"
mkdir -p "$R/var/mailprov/backups" && echo old >"$R/var/mailprov/backups/sendmail.cf.20261129"
sed -i -e 's/^state=.*/state=active/' -e 's/^pid=.*/pid=4242/' "$R/fakeaix/mailprovd.rec"
: >"$R/fakeaix/calls"
$RPMR -U --nodeps "$RPM2" >"$S/upgrade.out" 2>&1
expect "rpm -U to release 2 exits 0" "$?" 0
expect "rpm -U: release 2 installed" "$($RPMR -q --qf '%{RELEASE}' mailprov)" 2
cmp -s "$R/etc/mailprov/desired.yaml" "$S/edited.yaml" && pass "rpm -U: the edited desired.yaml survives" ||
    fail "rpm -U: the edited desired.yaml survives"
expect "rpm -U: no SRC or inittab change (not stopped, not re-registered)" "$(changes)" ""
check_grep "rpm -U: mailprovd still active" "$R/fakeaix/mailprovd.rec" '^state=active$'

# --------------------------------------------------------- erase
: >"$R/fakeaix/calls"
$RPMR -e mailprov >"$S/erase.out" 2>&1
expect "rpm -e exits 0" "$?" 0
check_nogrep "rpm -e: no scriptlet failure" "$S/erase.out" 'scriptlet failed|error|cannot|not found|failed'
expect "rpm -e: %preun ran stopsrc, rmssys, rmitab" "$(changes)" \
    "stopsrc [-s] [mailprovd]; rmssys [-s] [mailprovd]; rmitab [mailprovd]"
[ -e "$R/fakeaix/mailprovd.rec" ] && fail "rpm -e: the SRC record is gone" || pass "rpm -e: the SRC record is gone"
left=
while read -r kind mode path src; do
	case $kind in dir | config) continue ;; esac
	[ -e "$R$path" ] || [ -e "$R$path.gz" ] && left="$left $path"
done <"$S/manifest"
expect "rpm -e: the package's files are removed" "$left" ""
[ -e "$R/usr/share/mailprov" ] && fail "rpm -e: /usr/share/mailprov removed" || pass "rpm -e: /usr/share/mailprov removed"
expect "rpm -e: /var/mailprov's history kept" "$(cat "$R/var/mailprov/status.json" "$R/var/mailprov/backups/sendmail.cf.20261129" 2>/dev/null | tr '\n' ' ')" '{"runs": 7} old '
cmp -s "$R/etc/mailprov/desired.yaml.rpmsave" "$S/edited.yaml" && pass "rpm -e: the edited desired.yaml kept as .rpmsave" ||
    fail "rpm -e: the edited desired.yaml kept as .rpmsave"
expect "rpm -e: not installed any more" "$($RPMR -q mailprov >/dev/null 2>&1; echo $?)" 1

# --------------------------------------------------------- rpmlint
rpmlint -r conf/pkg/mailprov.rpmlintrc "$RPM1" "$SRPM" conf/pkg/mailprov.spec >"$S/rpmlint.out" 2>&1
expect "rpmlint exits 0" "$?" 0
check_grep "rpmlint: 0 errors, 0 warnings" "$S/rpmlint.out" ' 0 errors, 0 warnings'
unexplained=
for f in $(sed -n 's/^addFilter("\([a-z-]*\)")$/\1/p' conf/pkg/mailprov.rpmlintrc); do
	grep -q "^#.*$f" conf/pkg/mailprov.spec || unexplained="$unexplained $f"
done
expect "rpmlint: every silenced finding explained in the spec" "$unexplained" ""
[ "$(grep -c '^addFilter' conf/pkg/mailprov.rpmlintrc)" -gt 0 ] && pass "rpmlintrc read" || fail "rpmlintrc read"
echo "rpm_test: $(( $(date +%s) - t0 )) s"
exit $((fails > 0))
