#!/bin/bash
# crash_test.sh - kill -9 of `mailprov apply` at random moments.
#
# A root whose aliases file holds 100,000 aliases (so that writing it and
# rebuilding aliases.db take time) is applied, alternately, two desired
# states A and B that differ in all four managed files.  Each apply is
# killed with SIGKILL after a random delay (fixed seed) within the time a
# whole apply takes.  After every kill each managed file must be either
# its complete A or its complete B content, never empty, truncated or
# mixed; a reader checks the same thing without pause while the runs go
# on.  Every 50 kills, and at the end, an apply without a kill must
# converge: the files exactly A, the alias database rebuilt from them, no
# temporary file, check directory or marker left.
#
# The real sendmail -bi of 100,000 aliases takes seconds and would draw
# nearly every kill, so nine runs in ten skip the sendmail check and use a
# stand-in for the rebuild that only reports success: those runs are the
# reading, writing and renaming of files.  Every tenth run, and every
# converging apply, uses the real sendmail (kills then also fall in the
# check and in the rebuild of aliases.db).
#
# CRASH_ITER (default 300; 3,000 with LONG=1) and CRASH_SEED (default 7)
# change the run.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup crash
ITER=${CRASH_ITER:-$([ "${LONG:-0}" = 1 ] && echo 3000 || echo 300)}
RANDOM=${CRASH_SEED:-7}
R=$S/root
MANAGED="etc/mail/sendmail.cf etc/mail/local-host-names etc/mail/relay-domains etc/mail/aliases"

mkdir -p "$R/etc/mail"
sh tests/mkcf.sh tests/fixtures/m4-aix.mc "$R/etc/mail/sendmail.cf" || exit 1
awk 'BEGIN { print "postmaster: root"; print "MAILER-DAEMON: postmaster";
    for (i = 0; i < 100000; i++) printf "user%d: u%d@example.org\n", i, i }' >"$R/etc/mail/aliases"
awk '/^service:/ { skip = 1; next } /^[a-z]/ { skip = 0 } !skip' conf/desired.yaml >"$S/A.yaml"
sed -e 's/smtprelay\.example\.net/smtprelay2.example.net/' -e 's/- mail\.example\.net/- mail2.example.net/' \
    -e 's/- 10\.20\.30/- 10.20.31/' -e 's/ops: \[alice, bob\]/ops: [alice, carol]/' "$S/A.yaml" >"$S/B.yaml"

apply() { $MP apply -f "$1" --root "$R" --sendmail "$SBX"; }
cat >"$S/sm-fast" <<'EOF2'
#!/bin/sh
# Reports the rebuild of the aliases file named by -oA, builds nothing.
for a in "$@"; do case $a in -oA*) echo "${a#-oA}: 1 aliases, longest 1 bytes, 1 bytes total" ;; esac; done
exit 0
EOF2
chmod +x "$S/sm-fast"
fast() { $MP apply -f "$1" --root "$R" --no-validate --sendmail "$S/sm-fast"; }
# span CMD...: milliseconds CMD takes, a tenth added.
span() {
	local a b
	a=$(date +%s%N)
	"$@" >/dev/null 2>&1
	b=$(date +%s%N)
	echo $(( (b - a) / 1000000 * 11 / 10 ))
}
sums() { (cd "$R" && for f in $MANAGED; do printf '%s ' "$f"; cksum <"$f"; done); }
leftovers() { (cd "$R" && find . \( -name '.*.mailprov.*' -o -name 'check.*' -o -name applying \) -print); }

apply "$S/B.yaml" >"$S/b.out" 2>&1 || { echo "FAIL: apply B: $(tail -1 "$S/b.out")"; exit 1; }
HB=$(sums)
apply "$S/A.yaml" >"$S/a.out" 2>&1 || { echo "FAIL: apply A: $(tail -1 "$S/a.out")"; exit 1; }
HA=$(sums)
apply "$S/B.yaml" >/dev/null 2>&1 && [ "$(sums)" = "$HB" ] && apply "$S/A.yaml" >/dev/null 2>&1 &&
    [ "$(sums)" = "$HA" ] && pass "A and B are stable: applying one over the other gives the same bytes" ||
    fail "A and B are stable: applying one over the other gives the same bytes"
n=$(paste <(printf '%s\n' "$HA") <(printf '%s\n' "$HB") | awk '$2 != $6 || $3 != $7' | wc -l)
expect "A and B differ in all four files" "$n" 4
SPAN_REAL=$(span apply "$S/B.yaml")
SPAN_FAST=$(span fast "$S/A.yaml")
echo "an apply of 100,000 aliases, plus a tenth: $SPAN_REAL ms with the real sendmail, $SPAN_FAST ms without"

# The allowed contents of each file: its A and its B checksum.
{ printf '%s\n' "$HA"; printf '%s\n' "$HB"; } >"$S/allowed"
# check_now: every managed file is A or B; prints what is not.
check_now() {
	(cd "$R" && for f in $MANAGED; do
		l="$f $(cksum <"$f" 2>/dev/null)"
		grep -qxF -- "$l" "$S/allowed" || echo "$l"
	done)
}

# The reader: checks all four files without pause until told to stop.
rm -f "$S/stop" "$S/bad-seen"
(
	reads=0
	while [ ! -e "$S/stop" ]; do
		b=$(check_now)
		[ -n "$b" ] && echo "$b" >>"$S/bad-seen"
		reads=$((reads + 1))
	done
	echo "$reads" >"$S/reads"
) &
reader=$!

killed=0 finished=0 bad=0 middle=0 mixed=0 conv_bad=0
for i in $(seq 1 "$ITER"); do
	if [ $((i % 2)) -eq 1 ]; then D=$S/B.yaml; else D=$S/A.yaml; fi
	delay=$((RANDOM * 32768 + RANDOM))
	# mailprov itself is the background job, so that the kill reaches it.
	if [ $((i % 10)) -eq 0 ]; then
		delay=$((delay % SPAN_REAL))
		$MP apply -f "$D" --root "$R" --sendmail "$SBX" >"$S/run.out" 2>&1 &
	else
		delay=$((delay % SPAN_FAST))
		$MP apply -f "$D" --root "$R" --no-validate --sendmail "$S/sm-fast" >"$S/run.out" 2>&1 &
	fi
	pid=$!
	sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ $? -eq 137 ] && killed=$((killed + 1))
	b=$(check_now)
	if [ -n "$b" ]; then
		bad=$((bad + 1))
		[ $bad -le 5 ] && fail "kill $i after $delay ms: every file complete A or B" "$b"
	fi
	[ -e "$R/var/mailprov/applying" ] && middle=$((middle + 1))
	s=$(sums)
	[ "$s" != "$HA" ] && [ "$s" != "$HB" ] && mixed=$((mixed + 1))
	if [ $((i % 50)) -eq 0 ]; then
		if ! apply "$S/A.yaml" >"$S/conv.out" 2>&1 || [ "$(sums)" != "$HA" ] || [ -n "$(leftovers)" ]; then
			conv_bad=$((conv_bad + 1))
			fail "after kill $i: an apply converges and leaves nothing behind" "$(tail -2 "$S/conv.out") $(leftovers)"
		fi
	fi
done
touch "$S/stop"
wait "$reader"
echo "crash: $ITER runs, $killed killed before they ended; after $mixed kills the files were part A, part B; after $middle the marker of an unfinished run was there; the reader checked $(cat "$S/reads") times"
expect "after each of $ITER kills every file is its complete old or new content" "$bad" 0
expect "the reader never saw a partial file" "$(cat "$S/bad-seen" 2>/dev/null | wc -l)" 0
expect "every apply after a kill converges" "$conv_bad" 0
[ "$killed" -ge $((ITER / 2)) ] && pass "most runs were killed before they ended ($killed of $ITER)" ||
    fail "most runs were killed before they ended" "$killed of $ITER"
[ "$mixed" -gt 0 ] && pass "some kills fell between two replacements: A and B files mixed ($mixed)" ||
    fail "some kills fell between two replacements: A and B files mixed" "$mixed"

# The end: an unkilled apply of B after a last kill in the middle.
apply "$S/B.yaml" >"$S/final.out" 2>&1
expect "the final apply exits 0" "$?" 0
expect "the final apply gives exactly B" "$(sums)" "$HB"
expect "nothing left behind (temporary files, check directories, marker)" "$(leftovers)" ""
db=$(makemap -u hash "$R/etc/mail/aliases.db" 2>/dev/null | grep -E '^ops[[:space:]]')
printf '%s\n' "$db" | grep -q 'carol' &&
    pass "aliases.db was rebuilt from the final aliases" || fail "aliases.db was rebuilt from the final aliases" "$db"
apply "$S/B.yaml" >"$S/again.out" 2>&1
expect "an apply after that changes nothing" "$(cat "$S/again.out")" "mailprov: no changes"

# What a killed run leaves, made by hand on the converged root: the plan
# says so, and the apply rebuilds aliases.db although no file changes.
: >"$R/var/mailprov/applying"
echo partial >"$R/etc/mail/.aliases.mailprov.AbC123"
touch -d '2000-01-01' "$R/etc/mail/aliases.db"
$MP plan -f "$S/B.yaml" --root "$R" >"$S/iplan.out" 2>&1
expect "plan after an interrupted run exits 2" "$?" 2
grep -q '^note: an earlier apply was interrupted' "$S/iplan.out" && grep -q '^action: rebuild the alias database' "$S/iplan.out" &&
    pass "plan says the earlier run was interrupted" || fail "plan says the earlier run was interrupted" "$(cat "$S/iplan.out")"
apply "$S/B.yaml" >"$S/iapply.out" 2>&1
expect "apply after an interrupted run exits 0" "$?" 0
check_grepF "the dead run's temporary file is removed" "$S/iapply.out" 'removed 1 temporary file left by an interrupted run'
[ "$R/etc/mail/aliases.db" -nt "$R/etc/mail/aliases" ] && pass "aliases.db rebuilt with no file to change" ||
    fail "aliases.db rebuilt with no file to change"
expect "files unchanged by the recovery" "$(sums)" "$HB"
expect "marker and temporary file gone" "$(leftovers)" ""
exit 0
