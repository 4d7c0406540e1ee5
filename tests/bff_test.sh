#!/bin/bash
# bff_test.sh - `make bff-template`: the installp staging root and the
# mkinstallp template made from conf/pkg/manifest.  mkinstallp exists
# only on AIX, so the template is parsed here: its blocks, names and
# VRMF; every file it names is in the staging root with the manifest's
# mode; nothing of the manifest is left out; the configuration scripts
# are the files the RPM's %post and %preun run (rpm_test.sh checks the
# RPM holds these same bytes).  Also `make install` twice: an edited
# config file is kept.  Needs make and a C compiler only.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup bff

V=$(sed -n 's/^#define MAILPROV_VERSION[^"]*"\(.*\)"/\1/p' lib/version.h)
O=$S/pkgout
t0=$(date +%s)
make -s --no-print-directory bff-template PKGOUT="$O" >"$S/make.log" 2>&1
expect "make bff-template exits 0" "$?" 0
TPL=$O/bff/mailprov.template
STAGE=$O/bff/root
[ -s "$TPL" ] && pass "the template is written" || { fail "the template is written" "$(tail -5 "$S/make.log")"; exit 1; }
check_grepF "make bff-template shows the mkinstallp command" "$S/make.log" "mkinstallp -d $STAGE -T $TPL"

# field NAME: the value of "NAME: value" (first one).
field() { sed -n "s/^ *$1: *//p" "$TPL" | head -1; }
expect "Package Name" "$(field 'Package Name')" mailprov
expect "Fileset Name" "$(field 'Fileset Name')" mailprov.rte
expect "Package VRMF is the release, V.R.M.F" "$(field 'Package VRMF')" "$V.0"
expect "Fileset VRMF is the same" "$(field 'Fileset VRMF')" "$V.0"
field 'Fileset VRMF' | grep -qE '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' &&
    pass "VRMF is four numbers" || fail "VRMF is four numbers"
expect "ROOT Part: Y" "$(field 'ROOT Part')" Y
expect "Bosboot required: N" "$(field 'Bosboot required')" N
req=$(field Requisites)
echo "$req" | tr ';' '\n' | grep -qvE '^\*(prereq|coreq|ifreq) [a-z][a-zA-Z0-9._]* [0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' &&
    fail "Requisites are *prereq FILESET V.R.M.F entries" "$req" ||
    pass "Requisites are *prereq FILESET V.R.M.F entries"
echo "$req" | grep -q 'bos.rte.SRC' && pass "requisite: SRC (bos.rte.SRC)" || fail "requisite: SRC (bos.rte.SRC)"

# The blocks: each opened once and closed once, in this order, inside
# Fileset ... EOFileset; no line outside a known shape.
order=$(awk '{ $1 = $1 } /^(Fileset|EOFileset|USRLIBLPPFiles|EOUSRLIBLPPFiles|USRFiles|EOUSRFiles|ROOTFiles|EOROOTFiles)$/ { printf "%s ", $0 }' "$TPL")
expect "blocks balanced and in order" "$order" \
    "Fileset USRLIBLPPFiles EOUSRLIBLPPFiles USRFiles EOUSRFiles ROOTFiles EOROOTFiles EOFileset "
odd=$(awk '{ $1 = $1 } !/^(Fileset|EOFileset|[A-Za-z][A-Za-z_ -]*:.*|(EO)?(USRLIBLPP|USR|ROOT)Files|\/.*)$/' "$TPL")
expect "every line is a keyword, a block or a path" "$odd" ""

# block NAME: the paths between NAME and EONAME.
block() { awk -v b="$1" '{ $1 = $1 } $0 == "EO" b { on = 0 } on { print } $0 == b { on = 1 }' "$TPL"; }
block USRFiles >"$S/usr"
block ROOTFiles >"$S/root"
grep -qv '^/usr/' "$S/usr" && fail "USR part holds /usr paths only" "$(grep -v '^/usr/' "$S/usr")" ||
    pass "USR part holds /usr paths only"
grep -qvE '^/(etc|var)(/|$)' "$S/root" && fail "ROOT part holds /etc and /var paths only" ||
    pass "ROOT part holds /etc and /var paths only"

PKG_PATHS="SBINDIR=/usr/sbin MANDIR=/usr/share/man SYSCONFDIR=/etc/mailprov DATADIR=/usr/share/mailprov STATEDIR=/var/mailprov"
env $PKG_PATHS sh conf/pkg/pkgtool.sh list >"$S/manifest"
bad=
while read -r path; do
	line=$(awk -v p="$path" '$3 == p' "$S/manifest")
	if [ -z "$line" ]; then
		bad="$bad $path(not in the manifest)"
		continue
	fi
	set -- $line
	if [ ! -e "$STAGE$path" ]; then
		bad="$bad $path(not staged)"
		continue
	fi
	got=$(stat -c '%a %u:%g' "$STAGE$path")
	[ "$got" = "${2#0} 0:0" ] || bad="$bad $path($got, want ${2#0} 0:0)"
done < <(cat "$S/usr" "$S/root")
expect "every path in the template is staged with the manifest's mode, root's" "$bad" ""
expect "no path listed twice" "$(cat "$S/usr" "$S/root" | sort | uniq -d)" ""
missing=$(awk '$1 != "config" { print $3 }' "$S/manifest" | while read -r p; do
	grep -qxF "$p" "$S/usr" "$S/root" || printf '%s ' "$p"
done)
expect "every manifest entry but config files is in the template" "$missing" ""
shipped=$(awk '$1 == "config" { print $3 }' "$S/manifest" | while read -r p; do
	grep -qxF "$p" "$S/root" && printf '%s ' "$p"
	grep -qxF "$p.example" "$S/root" || printf '%s.example(missing) ' "$p"
done)
expect "config files ship as their .example only (config.sh makes them)" "$shipped" ""
[ "$(wc -l <"$S/manifest")" -gt 10 ] && pass "the manifest was read" || fail "the manifest was read"

# The configuration scripts: the staged files the RPM runs.
cfg=$(field 'Configuration Script')
ucfg=$(field 'Unconfiguration Script')
expect "Configuration Script is the staged config.sh" "$cfg" "$STAGE/usr/share/mailprov/pkg/config.sh"
expect "Unconfiguration Script is the staged unconfig.sh" "$ucfg" "$STAGE/usr/share/mailprov/pkg/unconfig.sh"
for f in config.sh unconfig.sh; do
	env $PKG_PATHS sh conf/pkg/pkgtool.sh subst "conf/pkg/$f" >"$S/want.$f"
	cmp -s "$STAGE/usr/share/mailprov/pkg/$f" "$S/want.$f" &&
	    pass "$f staged is conf/pkg/$f with the package's paths" ||
	    fail "$f staged is conf/pkg/$f with the package's paths"
	sh -n "$STAGE/usr/share/mailprov/pkg/$f" && pass "$f parses (sh -n)" || fail "$f parses (sh -n)"
done
check_grepF "config.sh runs mkssys.sh with the daemon's path" "$cfg" 'MKSSYS_SH=/usr/share/mailprov/srcdef/mkssys.sh'
check_grepF "config.sh knows the config files from the manifest" "$cfg" \
    "CONFIGS='0644:/etc/mailprov/desired.yaml 0644:/etc/mailprov/mailprovd.conf'"
check_grepF "unconfig.sh runs rmssys.sh" "$ucfg" 'RMSSYS_SH=/usr/share/mailprov/srcdef/rmssys.sh'
# The spec runs the same two installed paths.
check_grep "the spec's mp_datadir is /usr/share/mailprov" conf/pkg/mailprov.spec '^%global mp_datadir /usr/share/mailprov$'
check_grepF "the spec's %post runs config.sh" conf/pkg/mailprov.spec '    %{mp_datadir}/pkg/config.sh || :'
check_grepF "the spec's %preun runs unconfig.sh" conf/pkg/mailprov.spec '    %{mp_datadir}/pkg/unconfig.sh || :'
check_grep "the daemon the SRC record names is staged" "$STAGE/usr/share/mailprov/srcdef/mkssys.sh" '^prog=/usr/sbin/mailprovd$'
[ -x "$STAGE/usr/sbin/mailprovd" ] && pass "/usr/sbin/mailprovd staged" || fail "/usr/sbin/mailprovd staged"

# make install keeps an admin's config file, replaces the rest.
D=$S/dest
make -s --no-print-directory install DESTDIR="$D" PREFIX=/usr >"$S/i1.log" 2>&1
expect "make install exits 0" "$?" 0
echo "# mine" >>"$D/etc/mailprov/desired.yaml"
echo "# old" >>"$D/etc/mailprov/desired.yaml.example"
make -s --no-print-directory install DESTDIR="$D" PREFIX=/usr >"$S/i2.log" 2>&1
expect "make install again exits 0" "$?" 0
check_grepF "make install keeps the edited desired.yaml" "$D/etc/mailprov/desired.yaml" "# mine"
check_grepF "make install says it kept it" "$S/i2.log" "keeping existing $D/etc/mailprov/desired.yaml"
cmp -s "$D/etc/mailprov/desired.yaml.example" conf/desired.yaml && pass "make install replaces the .example" ||
    fail "make install replaces the .example"
expect "make install: /var/mailprov 0700" "$(stat -c %a "$D/var/mailprov")" 700
echo "bff_test: $(( $(date +%s) - t0 )) s"
exit $((fails > 0))
