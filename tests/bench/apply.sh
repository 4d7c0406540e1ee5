#!/bin/bash
# apply.sh - what a mailprov apply costs, against the floor of only
# reading the same files.  Reports; asserts nothing (see README).
#   - no-op apply on a typical host (m4 sendmail.cf, 100 aliases)
#   - no-op apply on 10,000 and 100,000 aliases
#   - a one-alias change on 10,000 and 100,000 aliases, the sendmail -bi
#     rebuild left out (a stand-in sendmail that only reports success)
#     and the candidate check too (--no-validate: it is sendmail's time,
#     -bt and -bi on the check copy, not mailprov's)
set -eu
cd "$(dirname "$0")/../.."
. tests/testenv.sh
MP=$PWD/daemon/mailprov
S=$(mp_scratch bench)
trap 'rm -rf "$S"' EXIT

cat >"$S/fake-sendmail" <<'EOF2'
#!/bin/sh
# Reports the rebuild of the aliases file named by -oA, builds nothing.
for a in "$@"; do case $a in -oA*) echo "${a#-oA}: 1 aliases, longest 1 bytes, 1 bytes total" ;; esac; done
exit 0
EOF2
chmod +x "$S/fake-sendmail"

# mkhost DIR N: a converged root with N aliases in its file.
mkhost() {
	mkdir -p "$1/etc/mail" "$1/etc/mailprov"
	sh tests/mkcf.sh tests/fixtures/m4-aix.mc "$1/etc/mail/sendmail.cf"
	awk -v n="$2" 'BEGIN { print "postmaster: root"; print "MAILER-DAEMON: postmaster";
	    for (i = 0; i < n - 2; i++) printf "user%d: u%d@example.org\n", i, i }' >"$1/etc/mail/aliases"
	# The mail files only: SRC steps are not what this measures.
	awk '/^service:/ { skip = 1; next } /^[a-z]/ { skip = 0 } !skip' \
	    conf/desired.yaml >"$1/etc/mailprov/desired.yaml"
	$MP apply --root "$1" --no-validate --sendmail "$S/fake-sendmail" >/dev/null
}

# ms CMD...: mean wall milliseconds of CMD over $RUNS runs.
ms() {
	local s e
	s=$(date +%s%N)
	for _ in $(seq "$RUNS"); do "$@" >/dev/null 2>&1 || true; done
	e=$(date +%s%N)
	awk -v a="$s" -v b="$e" -v n="$RUNS" 'BEGIN { printf "%.2f", (b - a) / n / 1e6 }'
}
floor() {
	cat "$1/etc/mail/sendmail.cf" "$1/etc/mail/aliases" "$1/etc/mail/local-host-names" \
	    "$1/etc/mail/relay-domains" "$1/etc/mailprov/desired.yaml" >/dev/null
}
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

printf '| case | aliases | mailprov ms | floor (cat) ms | ratio | RSS KiB |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
for n in 100 10000 100000; do
	H=$S/h$n
	mkhost "$H" "$n"
	RUNS=$([ "$n" -le 10000 ] && echo 100 || echo 20)
	a=$(ms $MP apply --root "$H" --sendmail "$S/fake-sendmail")
	f=$(ms floor "$H")
	r=$(rss $MP apply --root "$H" --sendmail "$S/fake-sendmail")
	printf '| no-op apply | %d | %s | %s | %.1fx | %s |\n' "$n" "$a" "$f" \
	    "$(awk -v a="$a" -v f="$f" 'BEGIN { print a / f }')" "$r"
done
for n in 10000 100000; do
	H=$S/h$n
	RUNS=10
	# Each run flips one alias between two values: always a real change.
	cp "$H/etc/mailprov/desired.yaml" "$S/d1.yaml"
	sed 's/ops: \[alice, bob\]/ops: [alice, bob, carol]/' "$S/d1.yaml" >"$S/d2.yaml"
	s=$(date +%s%N)
	for i in $(seq "$RUNS"); do
		$MP apply -f "$S/d$((i % 2 + 1)).yaml" --root "$H" --no-validate \
		    --sendmail "$S/fake-sendmail" >/dev/null
	done
	e=$(date +%s%N)
	# The runs ended on d1.yaml (RUNS is even): d2.yaml is a change.
	printf '| one-alias change (no rebuild) | %d | %s | | | %s |\n' "$n" \
	    "$(awk -v a="$s" -v b="$e" -v n="$RUNS" 'BEGIN { printf "%.2f", (b - a) / n / 1e6 }')" \
	    "$(rss $MP apply -f "$S/d2.yaml" --root "$H" --no-validate --sendmail "$S/fake-sendmail")"
done
