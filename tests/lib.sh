# tests/lib.sh - helpers for integration tests (sourced).
#
# Every test runs in network namespaces it creates ("dcdt-<pid>-..."), joined
# only to each other, with documentation-range addresses; a trap removes them
# and every process the test started, on success, failure and Ctrl-C.
set -u
DCDLAB=${DCDLAB:-$PWD/dcdlab}
T=$(mktemp -d /tmp/dcdlab-test.XXXXXX)
NS=dcdt-$$
SRV=$NS-srv
CLI=$NS-cli
_pids=()
_netns=()

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIPPED: $*"; exit 77; }
ok() { echo "ok: $*"; }

_cleanup() {
	local p n
	for p in "${_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${_pids[@]}"; do wait "$p" 2>/dev/null; done
	for n in "${_netns[@]}"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$T"
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (CAP_NET_ADMIN) for network namespaces"
	command -v ip >/dev/null || skip "needs iproute2"
}

# bg CMD...: start in the background and remember it for cleanup.
bg() { "$@" & _pids+=($!); }

# Two namespaces, server 192.0.2.1 / 2001:db8::1 and client 192.0.2.2 /
# 2001:db8::2, one veth between.
netns_pair() {
	need_root
	ip netns add "$SRV" || fail "ip netns add $SRV"
	_netns+=("$SRV")
	ip netns add "$CLI" || fail "ip netns add $CLI"
	_netns+=("$CLI")
	ip link add vs netns "$SRV" type veth peer name vc netns "$CLI" || fail "veth"
	ip -n "$SRV" addr add 192.0.2.1/24 dev vs
	ip -n "$CLI" addr add 192.0.2.2/24 dev vc
	ip -n "$SRV" addr add 2001:db8::1/64 dev vs nodad
	ip -n "$CLI" addr add 2001:db8::2/64 dev vc nodad
	for n in "$SRV" "$CLI"; do ip -n "$n" link set lo up; done
	ip -n "$SRV" link set vs up
	ip -n "$CLI" link set vc up
}

# The client vanishes: its host drops everything, in and out, sending
# nothing (no RST, no FIN) - a crashed or unplugged machine.
cut_client() {
	ip netns exec "$CLI" nft -f - <<'NFT' || fail "nft in $CLI"
table inet dcdlab_cut {
	chain in { type filter hook input priority -300; policy drop; }
	chain out { type filter hook output priority -300; policy drop; }
}
NFT
}

# wait_for FILE JQ-FILTER SECONDS: until a JSON line matches (bounded).
wait_for() {
	local file=$1 filter=$2 secs=$3 i
	for ((i = 0; i < secs * 10; i++)); do
		if [ -s "$file" ] && jq -e -s "map(select($filter)) | length > 0" "$file" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# first FILE JQ-FILTER: the first matching JSON object.
first() { jq -c -s "map(select($2)) | first" "$1"; }

# within ACTUAL EXPECTED PERCENT: |actual-expected| <= percent% of expected.
within() {
	awk -v a="$1" -v e="$2" -v p="$3" 'BEGIN { d = a - e; if (d < 0) d = -d; exit !(d <= e * p / 100) }'
}

# wait_listening NETNS PORT: until a TCP listener is up (at most 5 s).
wait_listening() {
	local i
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	fail "nothing listening on port $2 in $1 after 5 s"
}
