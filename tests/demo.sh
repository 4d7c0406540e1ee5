#!/bin/sh
# demo.sh - the `make demo` walk-through on a sandbox root.
#
# Builds a root holding a real sendmail.cf (generated with m4 from Debian's
# sendmail-cf when it is there, the shipped AIX-shaped fixture otherwise),
# the /etc/sendmail.cf symlink AIX has, and conf/desired.yaml as the
# desired state; then runs mailprov validate, plan and apply against it,
# with the real sendmail (in a sandbox, tests/sendmail-sandbox) as the
# judge of the result.  The root is demo/root, or /run/mailprov-demo when
# the checkout lies below a world-writable directory (sendmail would
# ignore files there).
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/testenv.sh
MP=$PWD/daemon/mailprov
if mp_path_safe "$PWD"; then R=$PWD/demo/root; else R=/run/mailprov-demo/root; fi
rm -rf "$R" demo
mkdir -p "$R/etc/mail" "$R/etc/mailprov" demo
if sh tests/mkcf.sh tests/fixtures/m4-aix.mc "$R/etc/mail/sendmail.cf" 2>/dev/null; then
	src="generated with m4 from tests/fixtures/m4-aix.mc"
else
	cp tests/fixtures/aix-sendmail.cf "$R/etc/mail/sendmail.cf"
	src="the shipped fixture tests/fixtures/aix-sendmail.cf (no m4/sendmail-cf here)"
fi
ln -s mail/sendmail.cf "$R/etc/sendmail.cf"
printf '# local aliases\npostmaster: root\nMAILER-DAEMON: postmaster\nold: x\n' >"$R/etc/mail/aliases"
cp conf/desired.yaml "$R/etc/mailprov/desired.yaml"
# The mock SRC (lib/src_mock.c): sendmail defined but stopped, no boot line.
mkdir -p "$R/var/mailprov/src"
printf 'defined=1\nstate=inoperative\npid=0\ngroup=mail\npath=/usr/lib/sendmail\nargs=\ncontact=-K\nboot=0\n' \
    >"$R/var/mailprov/src/sendmail.rec"

echo "== sandbox root: $R"
echo "   etc/mail/sendmail.cf: $src"
echo "   etc/sendmail.cf -> mail/sendmail.cf (as on AIX)"
echo "   SRC: the mock backend, sendmail defined and inoperative (var/mailprov/src)"
echo
echo "== mailprov validate --root $R"
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
echo "== mailprov plan --root $R   (writes nothing; exit 2 = changes to make)"
$MP plan --root "$R"
echo "   exit $?"
echo
if [ "$(id -u)" -ne 0 ] || [ ! -x /usr/sbin/sendmail ]; then
	echo "== apply needs root and Debian's sendmail to check the result; stopping here."
	exit 0
fi
SBX=$PWD/tests/sendmail-sandbox
echo "== mailprov apply --root $R --sendmail tests/sendmail-sandbox"
$MP apply --root "$R" --sendmail "$SBX"
echo "   exit $?"
echo
echo "== the real sendmail on the result (sendmail -bt in the sandbox)"
. tests/smlib.sh
SM_MAILDIR=$R/etc/mail
export SM_MAILDIR
CF=$R/etc/mail/sendmail.cf
echo "   \$w = $(sm_macro "$CF" w), \$m = $(sm_macro "$CF" m), \$S = $(sm_macro "$CF" S)"
echo "   \$=w = $(sm_class "$CF" w | tr '\n' ' ')"
echo "   someone@remote.example    -> $(sm_parse "$CF" someone@remote.example)"
echo "   root@dmspar02.example.net -> $(sm_parse "$CF" root@dmspar02.example.net)"
echo
echo "== the SRC calls apply made (the mock's journal, var/mailprov/src/journal)"
sed 's/^/   /' "$R/var/mailprov/src/journal"
echo
echo "== mailprov apply again: nothing to do, nothing touched, no SRC call"
: >"$R/var/mailprov/src/journal"
$MP apply --root "$R" --sendmail "$SBX"
echo "   exit $?; journal lines: $(wc -l <"$R/var/mailprov/src/journal")"
