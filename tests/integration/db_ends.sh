# The database's own ends through dcdlab listen's admin endpoints, with
# real sockets: GET /sessions shows v$session-like status, blocking and
# idle time; POST /sessions/ID/kill[?immediate] kills; each end is an event
# with its cause and a metric; dcdlab connect shows what a real client
# would and exits 4. Bad requests get a clear error and change nothing.
. tests/lib.sh
netns_pair
L="ip netns exec $SRV"
C="ip netns exec $CLI $DCDLAB connect --connect-timeout 3s"
curl_() { $L curl -s -m 3 "$@"; }

bg ip netns exec "$SRV" "$DCDLAB" listen -l 192.0.2.1:1521 --metrics 127.0.0.1:9101 \
	--events "$T/ev.jsonl" --max-idle-blocker-time 2s --duration 60
wait_listening "$SRV" 1521
wait_listening "$SRV" 9101
H=127.0.0.1:9101

# Client 1 takes a lock and idles; client 2 waits for it.
bg $C --json --plan "lock row1, idle 4s, call" 192.0.2.1:1521/orcl >"$T/c1.jsonl"
sleep 0.5
bg $C --json --plan "lock row1, commit, idle 6s, call" 192.0.2.1:1521/orcl >"$T/c2.jsonl"
sleep 0.5
curl_ "http://$H/sessions" >"$T/s1.json" || fail "GET /sessions"
cat "$T/s1.json"
jq -e 'length == 2 and (map(select(.holds == "row1" and .status == "INACTIVE")) | length == 1)
	and (map(select(.waits_for == "row1" and .status == "ACTIVE" and .blocked_by == 1)) | length == 1)' \
	"$T/s1.json" >/dev/null || fail "GET /sessions: expected session 1 holding row1, session 2 ACTIVE waiting for it"
ok "GET /sessions: the holder INACTIVE, the waiter ACTIVE and blocked by it"

# MAX_IDLE_BLOCKER_TIME 2 s: the holder is ended, the waiter proceeds.
wait_for "$T/ev.jsonl" '.event == "end" and .cause == "max-idle-blocker-time"' 5 ||
	fail "no max-idle-blocker-time end within 5 s"
wait_for "$T/ev.jsonl" '.event == "lock" and .session == 2' 2 || fail "the waiter did not get the lock"
jq -e -s 'map(select(.event == "end" and .cause == "max-idle-blocker-time")) | first | .by_database == true' \
	"$T/ev.jsonl" >/dev/null || fail "the end event lacks by_database"
ok "the idle blocker ended by MAX_IDLE_BLOCKER_TIME, the waiter got the lock"

# Errors: no such session, a bad id, a bad query, the wrong method.
code() { curl_ -o "$T/body" -w '%{http_code}' "$@"; }
[ "$(code -X POST "http://$H/sessions/99/kill")" = 404 ] || fail "kill of an unknown session: expected 404"
[ "$(code -X POST "http://$H/sessions/x1/kill")" = 400 ] || fail "kill of \"x1\": expected 400"
grep -q "a session number or" "$T/body" || fail "400 without saying what was expected"
[ "$(code -X POST "http://$H/sessions/2/kill?now")" = 400 ] || fail "kill?now: expected 400"
[ "$(code "http://$H/sessions/2/kill")" = 405 ] || fail "GET of a kill: expected 405"
[ "$(code -X POST "http://$H/sessions")" = 405 ] || fail "POST /sessions: expected 405"
curl_ "http://$H/sessions" | jq -e 'map(select(.id == 2 and .status == "INACTIVE")) | length == 1' >/dev/null ||
	fail "a bad request changed session 2"
ok "bad admin requests: 404, 400, 405 with what was expected; nothing changed"

# KILL SESSION of the idle session 2: KILLED until it calls, then ORA-00028.
curl_ -X POST "http://$H/sessions/2/kill" | jq -e '.killed == [2]' >/dev/null || fail "POST kill"
curl_ "http://$H/sessions" | jq -e 'map(select(.id == 2 and .status == "KILLED")) | length == 1' >/dev/null ||
	fail "session 2 is not KILLED"
curl_ "http://$H/metrics" | grep -q '^dcdlab_sessions{status="KILLED"} 1$' || fail "no KILLED gauge"
ok "killed while idle: status KILLED (and its gauge)"

for p in "${_pids[@]:1}"; do wait "$p" 2>/dev/null; done
cat "$T/c1.jsonl" "$T/c2.jsonl"
jq -e -s 'map(select(.step == "call 2")) | first | .ora == "ORA-03113"' "$T/c1.jsonl" >/dev/null ||
	fail "the blocker's next call: expected ORA-03113"
jq -e -s 'map(select(.step == "call 3")) | first | .ora == "ORA-00028"' "$T/c2.jsonl" >/dev/null ||
	fail "the killed session's next call: expected ORA-00028"
wait_for "$T/ev.jsonl" '.event == "end" and .cause == "killed"' 2 || fail "no end with cause killed"
curl_ "http://$H/metrics" | grep -q '^dcdlab_session_ends_total{cause="killed"} 1$' ||
	fail "no killed end in the metrics"
ok "the clients: ORA-03113 for the blocker, ORA-00028 for the killed session"

# connect's exit code and words, and a call after the end is answered by
# the client itself (ORA-01012), as a SQL*Plus script goes on.
bg ip netns exec "$SRV" "$DCDLAB" listen -l 192.0.2.1:1522 --metrics 127.0.0.1:9102 \
	--idle-time 1s --duration 20
wait_listening "$SRV" 1522
$C --plan "call, idle 2s, call, call" 192.0.2.1:1522/orcl >"$T/sn.out" 2>&1
rc=$?
cat "$T/sn.out"
[ "$rc" -eq 4 ] || fail "a sniped session's client exited $rc, expected 4"
grep -q "call 2: ORA-02396: exceeded maximum idle time, please connect again" "$T/sn.out" ||
	fail "no ORA-02396 for the sniped session's call"
grep -q "call 3: ORA-01012: not logged on" "$T/sn.out" || fail "no ORA-01012 after ORA-02396"
ok "SNIPED: ORA-02396, then ORA-01012; exit 4"

# A release that lacks a limit refuses it, saying which.
out=$("$DCDLAB" listen --release 12.1 --max-idle-time 30 2>&1)
[ $? -eq 1 ] && grep -q "MAX_IDLE_TIME came with release 12.2; --release 12.1 lacks it" <<<"$out" ||
	fail "12.1 with --max-idle-time: $out"
ok "refused on 12.1: $out"
