# The threads dcdlab starts, under ThreadSanitizer: the pager of a large
# capture (capture/pcapfile.c), the population simulator's workers
# (sim/virtual/population.c) and listen's inet_diag sampler
# (probe/sampler.c). A data race is undefined behaviour that ASan and UBSan
# (the rest of the suite under SANITIZE=1) do not see. Each run must end
# as the release build's does, with no TSan report. Loopback only.
. tests/lib.sh
make --no-print-directory -s SANITIZE=thread build/tsan/dcdlab >"$T/build.log" 2>&1 ||
	fail "TSan build: $(tail -5 "$T/build.log")"
TS=$PWD/build/tsan/dcdlab
# GCC 12's TSan runtime maps its shadow memory at fixed addresses, which a
# kernel with more address-space randomisation can collide with
# ("unexpected memory mapping"): run without it where that may be turned off.
norand=(setarch "$(uname -m)" -R)
"${norand[@]}" true 2>/dev/null || norand=()
tsan() { TSAN_OPTIONS="exitcode=66 halt_on_error=1 history_size=4" "${norand[@]}" "$@"; }
reported() { grep -q "ThreadSanitizer" "$1"; }

# The pager: a capture of more than 16 MB, two CPUs.
"$BUILD/tools/gen_capture" "$T/big.pcap" 3000 12 2 interleaved >/dev/null || fail "gen_capture"
[ "$(stat -c %s "$T/big.pcap")" -gt $((16 << 20)) ] || fail "big.pcap is too small for the pager"
[ "$(nproc)" -ge 2 ] || fail "the pager needs two CPUs to start"
"$DCDLAB" analyze --json "$T/big.pcap" >"$T/big.want" || fail "analyze big.pcap"
tsan "$TS" analyze --json "$T/big.pcap" >"$T/big.got" 2>"$T/big.err"
rc=$?
reported "$T/big.err" && fail "analyze with its pager: $(head -40 "$T/big.err")"
[ "$rc" -eq 0 ] || fail "analyze under TSan: exit $rc: $(tail -5 "$T/big.err")"
cmp -s "$T/big.want" "$T/big.got" || fail "analyze under TSan reports otherwise"
ok "analyze, its pager thread beside the reader: no race, the same report"

# The population simulator's two workers.
strip() { sed 's/,"wall_s".*//'; }
want=$("$DCDLAB" sim --sessions 4000 --threads 2 --json scenarios/real/asa-1h-no-dcd.scn | strip)
got=$(tsan "$TS" sim --sessions 4000 --threads 2 --json scenarios/real/asa-1h-no-dcd.scn 2>"$T/sim.err" | strip)
reported "$T/sim.err" && fail "sim --threads 2: $(head -40 "$T/sim.err")"
[ -n "$want" ] && [ "$want" = "$got" ] || fail "sim under TSan: $got, expected $want"
ok "sim --sessions on two threads: no race, the same numbers"

# listen's sampler, dumping the sessions every 100 ms while 20 clients call.
PORT=15951
bg tsan "$TS" listen -q -l 127.0.0.1:$PORT --expire-time 1 --diag-interval 100ms --duration 5s \
	2>"$T/listen.err"
lpid=${_pids[-1]}
for _ in $(seq 1 50); do
	ss -Htln "sport = :$PORT" | grep -q . && break
	sleep 0.1
done
trips_per_s=$("$BUILD/tools/bench_load" --tns $PORT 20 2) || fail "bench_load against listen"
[ "${trips_per_s:-0}" -gt 100 ] || fail "only ${trips_per_s:-0} round trips/s through listen"
wait "$lpid"
rc=$?
reported "$T/listen.err" && fail "listen with its sampler: $(head -40 "$T/listen.err")"
[ "$rc" -eq 0 ] || fail "listen under TSan: exit $rc: $(tail -5 "$T/listen.err")"
ok "listen, its inet_diag sampler every 100 ms under 20 clients ($trips_per_s round trips/s): no race"
