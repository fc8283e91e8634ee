# dcdlab lab topology: three namespaces of its own joined by veths made
# with libnl, documentation addresses, a TCP connection from client to
# server through the firewall over IPv4 and IPv6; nothing ever appears in
# the host's namespace; everything is removed on success, on Ctrl-C, and -
# for a killed run - by `dcdlab lab cleanup`.
. tests/lib.sh
need_root
labns() { ip netns list | awk '{print $1}' | grep "^dcdlab-lab-$1-" ; }
host_links_before=$(ip -o link show | awk -F': ' '{print $2}' | sort)

out=$("$DCDLAB" lab topology) || fail "lab topology failed: $out"
echo "$out"
grep -q "path ok: TCP from the client reaches the server through the firewall (IPv4 and IPv6)" <<<"$out" ||
	fail "no proof of the path"
ms=$(sed -n 's/^lab up in \([0-9]*\) ms.*/\1/p' <<<"$out")
[ -n "$ms" ] && [ "$ms" -lt 250 ] || fail "topology up took ${ms:-?} ms, limit 250"
[ -z "$(ip netns list | grep dcdlab-lab-)" ] || fail "namespaces left: $(ip netns list)"
ok "built, proved and removed in ${ms} ms, nothing left"

# Held up: look inside, and at the host, then Ctrl-C.
"$DCDLAB" lab topology --hold 60s >"$T/hold.out" 2>&1 &
pid=$!
_pids+=($pid)
for ((i = 0; i < 50; i++)); do [ "$(labns $pid | wc -l)" -eq 3 ] && break; sleep 0.1; done
[ "$(labns $pid | wc -l)" -eq 3 ] || fail "expected 3 lab namespaces, got: $(labns $pid)"
ip -n "dcdlab-lab-$pid-0-client" -o addr show dev c0 | grep -q "192.0.2.2/24" || fail "client address"
ip -n "dcdlab-lab-$pid-0-fw" -o link show | grep -q "fs@" || fail "firewall's server-side veth"
[ "$(ip -o link show | awk -F': ' '{print $2}' | sort)" = "$host_links_before" ] ||
	fail "the host's interfaces changed while the lab was up"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "interrupted run exited $rc, expected 130"
[ -z "$(labns $pid)" ] || fail "Ctrl-C left namespaces: $(labns $pid)"
ok "held up: 3 namespaces, host untouched; Ctrl-C removed them (exit 130)"

# A run killed outright leaves its namespaces; cleanup removes them.
"$DCDLAB" lab topology --hold 60s >/dev/null 2>&1 &
pid=$!
for ((i = 0; i < 50; i++)); do [ "$(labns $pid | wc -l)" -eq 3 ] && break; sleep 0.1; done
kill -9 "$pid"
wait "$pid" 2>/dev/null
[ "$(labns $pid | wc -l)" -eq 3 ] || fail "expected a killed run to leave 3 namespaces"
out=$("$DCDLAB" lab cleanup) || fail "lab cleanup failed"
echo "$out"
grep -q "removed 3 network namespaces" <<<"$out" || fail "cleanup: $out"
[ -z "$(labns $pid)" ] || fail "cleanup left: $(labns $pid)"
ok "a killed run's namespaces removed by dcdlab lab cleanup"

# Without privileges: said up front, nothing created.
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$DCDLAB" lab topology 2>&1)
	rc=$?
	[ "$rc" -eq 1 ] && grep -q "run as root" <<<"$out" || fail "unprivileged: exit $rc: $out"
	ok "unprivileged: a clear error, exit 1"
fi
