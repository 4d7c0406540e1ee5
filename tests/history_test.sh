#!/bin/bash
# history_test.sh - generations and restore (lib/history.c, lib/restore.c).
#
# Three applies of different desired states make three generations;
# restore of the first, restore --before of the third and of the second
# each give the exact bytes of that point, an alias database that answers
# its aliases (makemap -u), a refresh in the mock SRC's journal, the
# desired state of that point back in force (a plain apply then changes
# nothing), and a generation of their own.  A restore whose bytes were
# changed in the store, or whose cf sendmail rejects, changes nothing and
# says why.  Retention: 30 applies with keep 10 leave 10 generations,
# each restorable, and no object that no generation names.  Crash: kill
# -9 of restores at random moments (HIST_KILLS, default 30; 300 with
# LONG=1; seed HIST_SEED, default 11): every file whole, the next apply
# converges.  Needs root and the sendmail sandbox.
set -u
. "$(dirname "$0")/testenv.sh"
mp_setup history
RANDOM=${HIST_SEED:-11}
KILLS=${HIST_KILLS:-$([ "${LONG:-0}" = 1 ] && echo 300 || echo 30)}
MANAGED="etc/mail/sendmail.cf etc/mail/local-host-names etc/mail/relay-domains etc/mail/aliases"

# on ROOT: the managed files' sha256 ("absent" for none).
sums() {
	(cd "$1" && for f in $MANAGED; do
		if [ -e "$f" ]; then echo "$f $(sha256sum <"$f" | cut -c1-64)"
		else echo "$f absent"; fi
	done)
}
ids() { ls "$1/var/mailprov/generations" | grep -E '^[0-9]{8}-[0-9]{6}-[0-9]{3}$'; }
run() { local r=$1; shift; $MP "$@" --root "$r" --sendmail "$SBX" --src-backend mock; }
# alias ROOT NAME: what aliases.db says NAME is.
alias_of() { makemap -u hash "$1/etc/mail/aliases.db" 2>/dev/null | awk -v k="$2" '$1 == k { $1 = ""; print substr($0, 2) }'; }
# store_lists ROOT: $S/refs, the objects the records name, and $S/objs,
# the objects in the store (sorted, for comm).
store_lists() {
	local g=$1/var/mailprov/generations
	awk '$1 == "file" { print $3; print $4 } $1 ~ /^desired/ { print $2 }' "$g"/[0-9]* |
	    grep -v '^-$' | sort -u >"$S/refs"
	ls "$g/objects" | sort >"$S/objs"
}
# orphans ROOT: objects no record names, and names with no object.
orphans() { store_lists "$1" && comm -3 "$S/refs" "$S/objs"; }
# missing ROOT: objects a record names that are not in the store.
missing() { store_lists "$1" && comm -23 "$S/refs" "$S/objs"; }
leftovers() { (cd "$1" && find . \( -name '.*.mailprov.*' -o -name 'check.*' -o -name applying \) -print); }

cp conf/desired.yaml "$S/d1.yaml"
sed -e 's/ops: \[alice, bob\]/ops: [alice, carol]/' -e 's/smtprelay\.example\.net/smtprelay2.example.net/' \
    "$S/d1.yaml" >"$S/d2.yaml"
sed -e 's/ops: \[alice, carol\]/ops: [dave]/' -e 's/- 10\.20\.30/- 10.20.31/' \
    -e 's/- mail\.example\.net/- mail3.example.net/' "$S/d2.yaml" >"$S/d3.yaml"

# ---------------------------------------------------------------- three applies
R=$(mp_root host)
D=$R/etc/mailprov/desired.yaml
J=$R/var/mailprov/src/journal
for i in 1 2 3; do
	install -m 0600 "$S/d$i.yaml" "$D"
	run "$R" apply >"$S/apply$i.out" 2>&1
	expect "apply $i exits 0" "$?" 0
	eval "H$i=\$(sums \"\$R\")"
done
expect "three changing applies make three generations" "$(ids "$R" | wc -l)" 3
I1=$(ids "$R" | sed -n 1p) I2=$(ids "$R" | sed -n 2p) I3=$(ids "$R" | sed -n 3p)
check_grepF "apply names the generation it recorded" "$S/apply3.out" "recorded generation $I3"
run "$R" history >"$S/hist.out" 2>&1
expect "history exits 0" "$?" 0
expect "history lists newest first" "$(awk '{ print $1 }' "$S/hist.out" | tr '\n' ' ')" "$I3 $I2 $I1 "
check_grep "history says who ran it and what changed" "$S/hist.out" "^$I2 .* mailprov apply by root  /etc/mail/aliases, /etc/mail/sendmail.cf  desired [0-9a-f]{12}\$"
run "$R" history --json >"$S/hist.json" 2>&1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d) == 3 and d[0]["id"] == sys.argv[2] and d[2]["desired_before_sha256"] == "-"' \
    "$S/hist.json" "$I3" && pass "history --json is one array, newest first" || fail "history --json is one array, newest first" "$(head -c 300 "$S/hist.json")"
run "$R" history "$I2" >"$S/show.out" 2>&1
expect "history ID exits 0" "$?" 0
check_grepF "history ID shows the aliases diff before -> after" "$S/show.out" "+ops: alice, carol"
check_grepF "history ID shows the cf diff" "$S/show.out" "+DS[smtprelay2.example.net]"

# ---------------------------------------------------------------- restores
: >"$J"
run "$R" restore "$I1" --dry-run >"$S/dry.out" 2>&1
expect "restore --dry-run exits 2 (changes to make)" "$?" 2
expect "restore --dry-run changes nothing" "$(sums "$R")" "$H3"
check_grepF "restore --dry-run shows the diff" "$S/dry.out" "-ops: dave"
check_grepF "restore --dry-run says the desired state comes back" "$S/dry.out" "action: reinstate the desired state of $I1"

# restore_check NAME H DESIRED OPS: the root is at H, aliases.db says OPS.
restore_check() {
	expect "$1: the four files are byte-identical to that point" "$(sums "$R")" "$2"
	expect "$1: aliases.db answers the restored aliases" "$(alias_of "$R" ops)" "$4"
	check_grepF "$1: the SRC journal shows the refresh" "$J" "refresh -s sendmail"
	cmp -s "$D" "$S/$3" && pass "$1: the desired state of that point is in force" ||
	    fail "$1: the desired state of that point is in force"
	run "$R" apply >"$S/after.out" 2>&1
	expect "$1: the next apply (what mailprovd runs) does not undo it" "$(cat "$S/after.out")" "mailprov: no changes"
}
run "$R" restore "$I1" >"$S/r1.out" 2>&1
expect "restore of the first exits 0" "$?" 0
restore_check "restore $I1" "$H1" d1.yaml "alice, bob"
N1=$(ids "$R" | tail -1)
run "$R" history >"$S/hist.out"
check_grep "history lists the restore as a generation" "$S/hist.out" "^$N1 .* mailprov restore by root, restore of $I1 "
: >"$J"
run "$R" restore "$I3" --before >"$S/r2.out" 2>&1
expect "restore --before of the third exits 0" "$?" 0
restore_check "restore $I3 --before" "$H2" d2.yaml "alice, carol"
: >"$J"
run "$R" restore "$I2" --before >"$S/r3.out" 2>&1
expect "restore --before of the second exits 0" "$?" 0
restore_check "restore $I2 --before" "$H1" d1.yaml "alice, bob"
run "$R" history >"$S/hist.out"
check_grepF "history lists the restore --before" "$S/hist.out" "restore of $I2 --before"
run "$R" restore "$I1" >"$S/noop.out" 2>&1
expect "a restore to where the host is exits 0" "$?" 0
check_grepF "a restore to where the host is changes nothing" "$S/noop.out" "mailprov: no changes"
run "$R" restore "${I1:0:2}" >"$S/two.out" 2>&1
expect "restore of an id's start that is not unique exits 1" "$?" 1
check_grepF "restore of an id's start that is not unique says so" "$S/two.out" "more than one generation '${I1:0:2}'"
run "$R" restore 2099 >"$S/none.out" 2>&1
expect "restore of an unknown id exits 1" "$?" 1
check_grepF "restore of an unknown id says so" "$S/none.out" "no generation '2099'"

# ---------------------------------------------------------------- refused bytes
before=$(sums "$R") n=$(ids "$R" | wc -l)
: >"$J"
cf3=$(awk '$1 == "file" && $2 == "sendmail.cf" { print $4 }' "$R/var/mailprov/generations/$I3")
cp -p "$R/var/mailprov/generations/objects/$cf3" "$S/cf3.keep"
echo 'DXedited by hand' >>"$R/var/mailprov/generations/objects/$cf3"
run "$R" restore "$I3" >"$S/bad1.out" 2>&1
expect "a restore from a changed object exits 1" "$?" 1
check_grepF "a restore from a changed object says why" "$S/bad1.out" "was changed since it was kept"
expect "a restore from a changed object changes nothing" "$(sums "$R")" "$before"
cp -p "$S/cf3.keep" "$R/var/mailprov/generations/objects/$cf3"
# A generation edited by hand, consistently: a cf sendmail rejects.
{ cat "$S/cf3.keep"; echo 'Zthis is no sendmail.cf line'; } >"$S/badcf"
bad=$(sha256sum <"$S/badcf" | cut -c1-64)
cp "$S/badcf" "$R/var/mailprov/generations/objects/$bad"
sed -i "s/^file sendmail.cf \([^ ]*\) $cf3 /file sendmail.cf \1 $bad /" "$R/var/mailprov/generations/$I3"
run "$R" restore "$I3" >"$S/bad2.out" 2>&1
expect "a restore sendmail rejects exits 1" "$?" 1
check_grep "a restore sendmail rejects says why" "$S/bad2.out" "sendmail rejects the new /etc/mail/sendmail.cf|unknown"
expect "a restore sendmail rejects changes nothing" "$(sums "$R")" "$before"
expect "a restore sendmail rejects runs no SRC step" "$(cat "$J")" ""
expect "a restore sendmail rejects records no generation" "$(ids "$R" | wc -l)" "$n"
cmp -s "$D" "$S/d1.yaml" && pass "a refused restore leaves the desired state in force" ||
    fail "a refused restore leaves the desired state in force"

# A URL source: refused with the way out.
printf 'source: https://config.example.net/desired.yaml\n' >>"$R/etc/mailprov/mailprovd.conf"
run "$R" restore "$I2" >"$S/url.out" 2>&1
expect "a restore under a URL source exits 1" "$?" 1
check_grepF "a restore under a URL source says how to proceed" "$S/url.out" "its next run would undo this restore; change the source, or set mode: audit"
expect "a restore under a URL source changes nothing" "$(sums "$R")" "$before"

# ---------------------------------------------------------------- review fixes
# ops_desired ROOT N KEEP: the example desired state, ops: [userN], keep KEEP.
ops_desired() {
	sed -e "s/ops: \[alice, bob\]/ops: [user$2]/" -e "s/keep: 10/keep: $3/" conf/desired.yaml \
	    >"$1/etc/mailprov/desired.yaml"
}
# A restore that fails at its last step keeps every generation: the one
# it restores too, though it is the oldest of keep.
R4=$(mp_root lose)
for i in 1 2 3; do
	ops_desired "$R4" "$i" 3
	run "$R4" apply >/dev/null 2>&1 || fail "failed restore: apply $i exits 0"
done
before=$(ids "$R4" | tr '\n' ' ')
rm -rf "$R4/var/mailprov/history" && echo x >"$R4/var/mailprov/history"
run "$R4" restore "$(ids "$R4" | head -1)" >"$S/lose.out" 2>&1
expect "failed restore: exits 1" "$?" 1
check_grepF "failed restore: says the desired state could not be reinstated" "$S/lose.out" "rolling back"
expect "failed restore: all three generations are kept (keep 3)" "$(ids "$R4" | tr '\n' ' ')" "$before"
expect "failed restore: no object a generation names is missing" "$(missing "$R4")" ""
rm -f "$R4/var/mailprov/history"
run "$R4" restore "$(ids "$R4" | head -1)" >"$S/lose2.out" 2>&1
expect "failed restore: once mended, the oldest restores" "$?" 0
expect "failed restore: then the oldest has gone (keep 3)" "$(ids "$R4" | head -1)" "$(echo "$before" | cut -d' ' -f2)"
[ "$(alias_of "$R4" ops)" = user1 ] && pass "failed restore: once mended, ops is user1 again" ||
    fail "failed restore: once mended, ops is user1 again" "$(alias_of "$R4" ops)"

# keep 1: the one generation still knows the desired state before it.
R5=$(mp_root keep1)
for i in 1 2 3; do
	ops_desired "$R5" "$i" 1
	run "$R5" apply >/dev/null 2>&1 || fail "keep 1: apply $i exits 0"
done
expect "keep 1: one generation" "$(ids "$R5" | wc -l)" 1
G5=$R5/var/mailprov/generations/$(ids "$R5")
db=$(awk '$1 == "desired-before" { print $2 }' "$G5")
[ -n "$db" ] && [ "$db" != - ] && [ -f "$R5/var/mailprov/generations/objects/$db" ] &&
    pass "keep 1: desired-before is recorded and kept" || fail "keep 1: desired-before is recorded and kept" "'$db'"
run "$R5" restore "$(ids "$R5")" --before >"$S/keep1.out" 2>&1
expect "keep 1: restore --before exits 0" "$?" 0
[ "$(alias_of "$R5" ops)" = user2 ] && pass "keep 1: restore --before gives ops: user2" ||
    fail "keep 1: restore --before gives ops: user2" "$(alias_of "$R5" ops) $(tail -1 "$S/keep1.out")"

# A run killed after it wrote its files left no generation: the run that
# finishes it records the files as they are; a second marker over files
# the newest generation holds records nothing.
R6=$(mp_root interrupted)
ops_desired "$R6" 1 10
run "$R6" apply >/dev/null 2>&1 || fail "interrupted: apply 1 exits 0"
rm -rf "$S/int-copy" && cp -a "$R6" "$S/int-copy"
ops_desired "$S/int-copy" 2 10
run "$S/int-copy" apply >/dev/null 2>&1 || fail "interrupted: the copy's apply exits 0"
cp -p "$S/int-copy/etc/mail/aliases" "$R6/etc/mail/aliases"
cp -p "$S/int-copy/etc/mailprov/desired.yaml" "$R6/etc/mailprov/desired.yaml"
: >"$R6/var/mailprov/applying"
run "$R6" apply >"$S/int.out" 2>&1
expect "interrupted: the finishing apply exits 0" "$?" 0
check_grepF "interrupted: it says so" "$S/int.out" "an earlier apply was interrupted"
expect "interrupted: the finished run is a generation" "$(ids "$R6" | wc -l)" 2
G6=$R6/var/mailprov/generations/$(ids "$R6" | tail -1)
check_grepF "interrupted: its who says it finished an interrupted run" "$G6" "finishing an interrupted run"
expect "interrupted: its aliases after are the bytes on disk" \
    "$(awk '$1 == "file" && $2 == "aliases" { print $4 }' "$G6")" "$(sha256sum <"$R6/etc/mail/aliases" | cut -c1-64)"
: >"$R6/var/mailprov/applying"
run "$R6" apply >"$S/int2.out" 2>&1
expect "interrupted again, files as the newest generation left them: exits 0" "$?" 0
expect "interrupted again: no second record of the same bytes" "$(ids "$R6" | wc -l)" 2
run "$R6" restore "$(ids "$R6" | head -1)" >/dev/null 2>&1 && [ "$(alias_of "$R6" ops)" = user1 ] &&
    pass "interrupted: the first generation restores" || fail "interrupted: the first generation restores"
run "$R6" restore "$(ids "$R6" | sed -n 2p)" >/dev/null 2>&1 && [ "$(alias_of "$R6" ops)" = user2 ] &&
    pass "interrupted: the finished run's generation restores" || fail "interrupted: the finished run's generation restores"

# restore --before of a drift repair: the bytes before it were a hand
# edit its desired state repairs; refused, nothing changed.
R7=$(mp_root drift)
ops_desired "$R7" 1 10
run "$R7" apply >/dev/null 2>&1 || fail "drift: apply exits 0"
sed -i 's/^ops:.*/ops: eve/' "$R7/etc/mail/aliases"
run "$R7" apply >/dev/null 2>&1 || fail "drift: the repair exits 0"
before=$(sums "$R7") n=$(ids "$R7" | wc -l)
run "$R7" restore "$(ids "$R7" | tail -1)" --before >"$S/drift.out" 2>&1
expect "drift: restore --before of a repair exits 1" "$?" 1
check_grepF "drift: says the next run would undo it, and why" "$S/drift.out" \
    "would change /etc/mail/aliases again (those bytes are not what it makes from this host today: a hand edit that run repaired"
expect "drift: nothing changed" "$(sums "$R7")" "$before"
expect "drift: no generation" "$(ids "$R7" | wc -l)" "$n"
run "$R7" restore "$(ids "$R7" | tail -1)" --before --dry-run >"$S/drift-dry.out" 2>&1
expect "drift: --dry-run says the same, exit 1" "$?" 1
check_grepF "drift: --dry-run names the cause" "$S/drift-dry.out" "mailprovd's next run would undo this restore"
sed -i 's/^interval: .*/&\nmode: audit/' "$R7/etc/mailprov/mailprovd.conf"
run "$R7" restore "$(ids "$R7" | tail -1)" --before >"$S/drift-audit.out" 2>&1
expect "drift: in audit mode the restore goes ahead" "$?" 0
grep -q '^ops: eve' "$R7/etc/mail/aliases" && pass "drift: audit: the hand edit is back" ||
    fail "drift: audit: the hand edit is back"

# Ids: after -999 in one second, the next second's -001.
R8=$(mp_root ids)
ops_desired "$R8" 1 10
run "$R8" apply >/dev/null 2>&1
G8=$R8/var/mailprov/generations
sed 's/^id .*/id 20991231-235959-999/' "$G8/$(ids "$R8")" >"$G8/20991231-235959-999"
chmod 0600 "$G8/20991231-235959-999"
ops_desired "$R8" 2 10
run "$R8" apply >"$S/ids.out" 2>&1
check_grepF "ids: after 20991231-235959-999 comes the next second's first" "$S/ids.out" \
    "recorded generation 21000101-000000-001"
run "$R8" history >"$S/ids-list.out" 2>&1
check_grep "ids: history lists it first" "$S/ids-list.out" "^21000101-000000-001 "
# A damaged record is said; the others are still listed.
echo 'garbage line' >>"$G8/20991231-235959-999"
run "$R8" history >"$S/ids-dmg.out" 2>&1
expect "damaged record: history exits 0" "$?" 0
check_grepF "damaged record: it is named" "$S/ids-dmg.out" "generation 20991231-235959-999"
expect "damaged record: the two others are listed" "$(grep -cE '^[0-9]{8}-[0-9]{6}-[0-9]{3} ' "$S/ids-dmg.out")" 2

# ---------------------------------------------------------------- retention
R2=$(mp_root keep)
sed -i 's/^interval: .*/interval: 60/' "$R2/etc/mailprov/mailprovd.conf"
for i in $(seq 1 30); do
	sed "s/ops: \[alice, bob\]/ops: [user$i]/" conf/desired.yaml >"$R2/etc/mailprov/desired.yaml"
	run "$R2" apply --no-validate >/dev/null 2>&1 || fail "retention: apply $i exits 0"
	echo "$(sums "$R2" | tr '\n' ' ')" >"$S/keep.$i"
done
expect "retention: 30 applies with keep 10 leave 10 generations" "$(ids "$R2" | wc -l)" 10
expect "retention: no object without a generation, none missing" "$(orphans "$R2")" ""
ok=0 k=20
for id in $(ids "$R2"); do
	k=$((k + 1))
	rm -rf "$S/copy" && cp -a "$R2" "$S/copy"
	run "$S/copy" restore "$id" >"$S/keep.out" 2>&1 &&
	    [ "$(sums "$S/copy" | tr '\n' ' ')" = "$(cat "$S/keep.$k")" ] &&
	    [ "$(alias_of "$S/copy" ops)" = "user$k" ] && ok=$((ok + 1)) ||
	    echo "retention: $id: $(tail -1 "$S/keep.out")"
done
expect "retention: each of the 10 kept generations is restorable byte for byte" "$ok" 10

# ---------------------------------------------------------------- crash
R3=$(mp_root crash)
awk 'BEGIN { print "postmaster: root"; print "MAILER-DAEMON: postmaster";
    for (i = 0; i < 20000; i++) printf "user%d: u%d@example.org\n", i, i }' >"$R3/etc/mail/aliases"
install -m 0600 "$S/d1.yaml" "$R3/etc/mailprov/desired.yaml"
run "$R3" apply >/dev/null 2>&1 && HA=$(sums "$R3")
install -m 0600 "$S/d3.yaml" "$R3/etc/mailprov/desired.yaml"
run "$R3" apply >/dev/null 2>&1 && HB=$(sums "$R3")
CA=$(ids "$R3" | sed -n 1p) CB=$(ids "$R3" | sed -n 2p)
{ printf '%s\n' "$HA"; printf '%s\n' "$HB"; } >"$S/allowed"
a=$(date +%s%N); run "$R3" restore "$CA" >/dev/null 2>&1; b=$(date +%s%N)
SPAN=$(( (b - a) / 1000000 * 11 / 10 ))
echo "a restore of 20,000 aliases takes $SPAN ms (a tenth added)"
bad=0 killed=0 conv_bad=0 middle=0
for i in $(seq 1 "$KILLS"); do
	if [ $((i % 2)) -eq 1 ]; then id=$CB; else id=$CA; fi
	delay=$(( (RANDOM * 32768 + RANDOM) % SPAN ))
	$MP restore "$id" --root "$R3" --sendmail "$SBX" --src-backend mock >"$S/kill.out" 2>&1 &
	pid=$!
	sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ $? -eq 137 ] && killed=$((killed + 1))
	[ -e "$R3/var/mailprov/applying" ] && middle=$((middle + 1))
	w=$(sums "$R3" | grep -vxF -f "$S/allowed")
	[ -n "$w" ] && { bad=$((bad + 1)); [ $bad -le 3 ] && fail "kill $i after $delay ms: every file whole" "$w"; }
	if [ $((i % 10)) -eq 0 ] || [ "$i" = "$KILLS" ]; then
		run "$R3" history >/dev/null 2>&1 || fail "kill $i: the history is readable"
		run "$R3" apply >"$S/conv.out" 2>&1
		want=$HA; cmp -s "$R3/etc/mailprov/desired.yaml" "$S/d3.yaml" && want=$HB
		if [ "$(sums "$R3")" != "$want" ] || [ -n "$(leftovers "$R3")" ] ||
		    [ "$(run "$R3" apply 2>&1)" != "mailprov: no changes" ]; then
			conv_bad=$((conv_bad + 1))
			fail "after kill $i: the next apply converges and leaves nothing behind" "$(tail -2 "$S/conv.out") $(leftovers "$R3")"
		fi
	fi
done
echo "crash: $KILLS restores, $killed killed before they ended, $middle of them between the marker and the end"
expect "after each of $KILLS kills every file is whole (old or new)" "$bad" 0
expect "after the kills every apply converged" "$conv_bad" 0
[ "$killed" -ge $((KILLS / 3)) ] && pass "a third or more of the restores were killed before they ended ($killed of $KILLS)" ||
    fail "a third or more of the restores were killed before they ended" "$killed of $KILLS"
expect "after the kills: no object without a generation, none missing" "$(orphans "$R3")" ""
exit $((fails > 0))
