# Every example in dcdlab.1 runs, in a network namespace of its own (loopback
# only), and exits as the page says: "exit status N" in the paragraph before
# an example, 0 otherwise. Listeners run in the background, bounded by
# --duration; the others run in page order.
. tests/lib.sh
need_root
command -v curl >/dev/null || skip "needs curl"
ip netns add "$NS-man" || fail "ip netns add"
_netns+=("$NS-man")
ip -n "$NS-man" link set lo up
mkdir -p "$T/etc" "$T/tests/data" && cp etc/sqlnet.ora "$T/etc/" && cp -r tests/data/captures tests/data/tunables tests/data/measure "$T/tests/data/" && cp -r scenarios "$T/"
export PATH="$(dirname "$DCDLAB"):$PATH"

# (expected-exit, command) pairs from the .EX blocks, \- unescaped.
awk 'BEGIN { want = 0 }
	/^\.EX/ { ex = 1; next }
	/^\.EE/ { ex = 0; next }
	/^\.SH/ { section = $2 }
	section != "EXAMPLES" { next }
	ex { gsub(/\\-/, "-"); print want "\t" $0; want = 0; next }
	/exit status [0-9]/ { match($0, /exit status [0-9]/); want = substr($0, RSTART + 12, 1) }
' dcdlab.1 >"$T/examples.tsv"
n=$(wc -l <"$T/examples.tsv")
[ "$n" -ge 7 ] || fail "found only $n examples in dcdlab.1"
cat "$T/examples.tsv"

i=0
while IFS=$'\t' read -r want cmd; do
	i=$((i + 1))
	if [[ $cmd == "dcdlab listen"* ]]; then
		port=$(grep -oE '127\.0\.0\.1:[0-9]+' <<<"$cmd" | head -1 | cut -d: -f2)
		(cd "$T" && exec ip netns exec "$NS-man" sh -c "exec $cmd --duration 20") >"$T/listen$i.log" 2>&1 &
		_pids+=($!)
		wait_listening "$NS-man" "$port"
		ok "example $i runs: $cmd"
		continue
	fi
	(cd "$T" && ip netns exec "$NS-man" sh -c "$cmd") >"$T/out$i.log" 2>&1
	rc=$?
	cat "$T/out$i.log"
	[ "$rc" -eq "$want" ] || fail "example $i exited $rc, the page says $want: $cmd"
	ok "example $i exits $rc: $cmd"
done <"$T/examples.tsv"

# What the examples should have shown.
grep -q 'dcdlab_sessions_total' "$T"/out*.log || fail "metrics example printed no metrics"
grep -q 'ORA-12514' "$T"/out*.log || fail "unknown-service example printed no ORA-12514"
[ -s "$T/events.json" ] || fail "the --events example wrote nothing"
ok "metrics, ORA-12514 and events.json as described"
