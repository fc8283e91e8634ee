# Every public capture in tests/data/corpus (libpcap's test suite: odd link
# types, invalid versions, broken pcapng blocks) passes through cleanly:
# results (exit 0) or a clear error naming the file (exit 3), never a crash
# or a sanitizer report.
. tests/lib.sh
corpus=${CORPUS:-tests/data/corpus/libpcap-tests}
[ -d "$corpus" ] || fail "no corpus at $corpus"
n=0
for f in "$corpus"/*.pcap "$corpus"/*.pcapng; do
	"$DCDLAB" analyze --json "$f" >"$T/out" 2>"$T/err"
	rc=$?
	n=$((n + 1))
	case $rc in
	0) tail -1 "$T/out" | jq -e '.type == "summary"' >/dev/null || fail "$f: no summary line" ;;
	3) grep -qF "$f" "$T/err" || fail "$f: exit 3 without naming the file: $(cat "$T/err")" ;;
	*) fail "$f: exit $rc: $(cat "$T/err")" ;;
	esac
	grep -E 'AddressSanitizer|runtime error' "$T/err" && fail "$f: sanitizer report"
	echo "$rc $(basename "$f") $(head -c 120 "$T/err")"
done
[ "$n" -ge 40 ] || fail "only $n corpus files"
ok "$n corpus captures: results or a clear error, no crash"
