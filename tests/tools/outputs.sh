#!/bin/bash
# Writes what dcdlab says about the repository's own inputs into DIR, so a
# refactoring can be shown not to change behaviour: diff -r DIR-before DIR-after.
#   sim.json     dcdlab sim --json --wire over every library scenario
#   analyze.json dcdlab analyze --json over every test capture
#   check.json   dcdlab check --json over the check test's inputs and a grid of
#                platforms, releases, firewalls and descriptors
# usage: tests/tools/outputs.sh DCDLAB DIR
set -u
dcdlab=$1 dir=$2
mkdir -p "$dir"
"$dcdlab" sim --json --wire scenarios/*.scn >"$dir/sim.json"
for p in tests/data/captures/*.pcap tests/data/corpus/libpcap-tests/*.pcap*; do
	[ -e "$p" ] || continue
	echo "# $p"
	"$dcdlab" analyze --json "$p" 2>&1
done >"$dir/analyze.json"
T=tests/data/tunables
{
	for rel in 11.2 12.1 19c 23ai; do
		for fw in cisco-asa f5-fastl4 azure-lb linux-conntrack; do
			for et in 0 1 4 10 58; do
				for d in "" "db1:1521/orcl?expire_time=5" "(DESCRIPTION=(ENABLE=BROKEN)(ADDRESS=(PROTOCOL=TCP)(HOST=db1)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=orcl)))"; do
					echo "# $rel $fw $et $d"
					"$dcdlab" check --json --release "$rel" --firewall "$fw" --expire-time "$et" ${d:+--descriptor "$d"} 2>&1
				done
			done
		done
	done
	for f in $T/*.txt; do
		for plat in linux aix hpux solaris windows macos freebsd; do
			echo "# $plat $f"
			"$dcdlab" check --json --expire-time 10 --fw-idle 3h --platform $plat --tunables "$f" 2>&1
			"$dcdlab" check --json --expire-time 10 --fw-idle 3h --client-platform $plat --client-tunables "$f" 2>&1
		done
	done
	for x in "--fw-idle 4h --keepalives-ignored" "--fw-idle 1h --fw-expiry rst-next" "--fw-idle 1h --fw-expiry rst-both" \
		"--sqlnet etc/sqlnet.ora --firewall cisco-asa" "--sqlnet tests/data/sqlnet-server.ora --fw-idle 30m" \
		"--descriptor orcl --tnsnames tests/data/tnsnames.ora --fw-idle 30m"; do
		echo "# $x"
		# shellcheck disable=SC2086
		"$dcdlab" check --json --expire-time 10 $x 2>&1
	done
} >"$dir/check.json"
