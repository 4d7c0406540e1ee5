#!/bin/sh
# demo.sh - the `make demo` walk-through on a sandbox root under demo/.
#
# Builds demo/root with a real sendmail.cf (generated with m4 from Debian's
# sendmail-cf when it is there, the shipped AIX-shaped fixture otherwise),
# the /etc/sendmail.cf symlink AIX has, and conf/desired.yaml as the
# desired state; then runs mailprov against it.
set -u
cd "$(dirname "$0")/.." || exit 1
MP=./daemon/mailprov
R=demo/root

rm -rf demo
mkdir -p "$R/etc/mail" "$R/etc/mailprov" "$R/var/mailprov"
if sh tests/mkcf.sh tests/fixtures/m4-aix.mc "$R/etc/mail/sendmail.cf" 2>/dev/null; then
	src="generated with m4 from tests/fixtures/m4-aix.mc"
else
	cp tests/fixtures/aix-sendmail.cf "$R/etc/mail/sendmail.cf"
	src="the shipped fixture tests/fixtures/aix-sendmail.cf (no m4/sendmail-cf here)"
fi
ln -s mail/sendmail.cf "$R/etc/sendmail.cf"
printf 'postmaster: root\nMAILER-DAEMON: postmaster\n' >"$R/etc/mail/aliases"
: >"$R/etc/mail/local-host-names"
cp conf/desired.yaml "$R/etc/mailprov/desired.yaml"

echo "== sandbox: $R"
echo "   etc/mail/sendmail.cf: $src"
echo "   etc/sendmail.cf -> mail/sendmail.cf (as on AIX)"
echo
echo "== what sendmail.cf says now (the lines mailprov manages)"
grep -nE '^#?(D[wmjS]|Cw|F[wR]|O AliasFile)' "$R/etc/mail/sendmail.cf" | sed 's/^/   /'
echo
if [ "$(id -u)" -eq 0 ] && [ -x "${SENDMAIL:-/usr/sbin/sendmail}" ] &&
    command -v unshare >/dev/null 2>&1; then
	. tests/smlib.sh
	echo "== what the real sendmail does with it (sendmail -bt, host dmspar02.example.net)"
	echo "   \$S (smart host) = '$(sm_macro "$R/etc/mail/sendmail.cf" S)'"
	echo "   user@remote.example.org -> $(sm_parse "$R/etc/mail/sendmail.cf" user@remote.example.org)"
	echo
fi
echo "== mailprov validate --root $R   (the desired state: $R/etc/mailprov/desired.yaml)"
$MP validate --root "$R"
echo "   exit $?"
echo
echo "== a draft with the guide's mistakes is refused, one line per error:"
cat >demo/draft.yaml <<'Y'
version: 1
sendmail:
  hostname: dmspar02.example.net
  domain: example.net
  smart_hots: "[smtprelay.example.net]"
  relay_all: true
  relay_domains: [".", example.net]
service:
  args: "-q30m; reboot"
Y
sed 's/^/   | /' demo/draft.yaml
$MP validate -f demo/draft.yaml
echo "   exit $?"
echo
echo "== not in this release: mailprov plan and apply (the reconcile engine)."
$MP plan --root "$R"
echo "   exit $?; nothing in $R was changed."
