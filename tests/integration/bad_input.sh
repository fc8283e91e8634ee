# Hostile clients: garbage, zero/short/oversize lengths, unknown types,
# truncated and malformed CONNECTs, silent clients, a flood of connections
# holding half-sent packets. Every bad session is logged and closed, the
# server keeps serving, and its memory stays bounded.
. tests/lib.sh
command -v python3 >/dev/null || skip "needs python3"
netns_pair
ulimit -n 16384

bg ip netns exec "$SRV" "$DCDLAB" listen -l 192.0.2.1:1521 --events "$T/ev.json" \
	--inbound-connect-timeout 2s --diag-interval 0 --duration 120
lpid=${_pids[-1]}
wait_listening "$SRV" 1521
H="ip netns exec $CLI python3 tests/tools/hostile.py 192.0.2.1 1521"

cases="garbage zero_length short_length bad_type oversize data_first short_connect cdata_past_end
 cdata_zero cdata_into_header bad_descriptor deep_nesting binary_descriptor truncated silent
 flood_after_connect"
$H $cases >"$T/cases.json" || fail "hostile client crashed"
cat "$T/cases.json"
n=$(jq -s 'map(select(.closed)) | length' "$T/cases.json")
total=$(jq -s length "$T/cases.json")
[ "$total" -eq 16 ] || fail "ran $total cases, expected 16"
[ "$n" -eq "$total" ] || fail "$((total - n)) bad sessions were left open: $(jq -c -s 'map(select(.closed | not))' "$T/cases.json")"
ok "all $total bad sessions closed by the server"
# truncated and silent ones by the inbound connect timeout (2 s), not before.
jq -e -s 'map(select(.case == "truncated" or .case == "silent")) | all(.after_s >= 1.9 and .after_s < 4)' \
	"$T/cases.json" >/dev/null || fail "truncated/silent not closed at the 2 s inbound connect timeout"
# malformed descriptors get a REFUSE (type 4) before the close.
jq -e -s 'map(select(.case == "bad_descriptor" or .case == "deep_nesting")) | all(.reply_type == 4)' \
	"$T/cases.json" >/dev/null || fail "malformed descriptors were not REFUSEd"
ok "timeouts at 2 s; malformed descriptors REFUSEd"
sleep 0.2
pe=$(jq -s '[.[] | select(.event == "end" and .cause == "protocol-error")] | length' "$T/ev.json")
to=$(jq -s '[.[] | select(.event == "end" and .cause == "inbound-connect-timeout")] | length' "$T/ev.json")
[ "$pe" -ge 13 ] && [ "$to" -eq 2 ] || fail "events: $pe protocol errors (expected >= 13), $to inbound timeouts (expected 2)"
jq -c -s '.[] | select(.event == "end" and .cause == "protocol-error") | .detail' "$T/ev.json"
ok "each bad session logged with what was wrong ($pe protocol errors, $to timeouts)"

# A flood of connections each holding a 16 KiB packet minus one byte.
rss() { awk '/^VmRSS/ { print $2 }' /proc/"$lpid"/status; }
before=$(rss)
N=2000
mkfifo "$T/hold"
ip netns exec "$CLI" python3 tests/tools/hostile.py 192.0.2.1 1521 flood=$N <"$T/hold" >"$T/flood.json" &
fpid=$!
_pids+=($fpid)
exec 9>"$T/hold"
for ((i = 0; i < 300; i++)); do grep -q '"open"' "$T/flood.json" 2>/dev/null && break; sleep 0.1; done
grep -q "\"open\": $N" "$T/flood.json" || fail "flood did not open $N connections: $(cat "$T/flood.json")"
# The server still serves a real client while the flood holds on.
ip netns exec "$CLI" "$DCDLAB" connect --connect-timeout 5s --call-timeout 5s --plan "call, close" \
	192.0.2.1:1521/orcl || fail "a good client was not served during the flood"
during=$(rss)
growth_kb=$((during - before))
echo "listener RSS: ${before} kB before, ${during} kB with $N half-sent 16 KiB packets (+${growth_kb} kB)"
# Bound: 16 KiB of buffered packet plus 16 KiB of bookkeeping per connection.
[ "$growth_kb" -lt $((N * 32)) ] || fail "memory grew ${growth_kb} kB for $N connections, bound is $((N * 32)) kB"
ok "memory bounded: +$((growth_kb / N)) kB per flooding connection"
# They all get closed by the inbound connect timeout.
sleep 3
exec 9>&-
wait "$fpid"
cat "$T/flood.json"
[ "$(tail -1 "$T/flood.json" | jq .still_open)" -eq 0 ] || fail "flood connections survived the inbound connect timeout"
ok "all $N flooding connections closed by the inbound connect timeout"
