/* dcdlab.c - one binary, one table of subcommands (tmux cmd-*.c style). */
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "capture/capture.h"
#include "probe/probe.h"
#include "sim/sim.h"

#ifndef DCDLAB_VERSION
#define DCDLAB_VERSION "0.1.0"
#endif

/* Run a subcommand; argv[0] is its name. Returns the process exit code. */
typedef int (*cmd_fn)(int argc, char **argv);

struct cmd {
	const char *name;
	cmd_fn fn;
	const char *summary;
	const char *usage; /* full help text */
};

static int cmd_help(int argc, char **argv);

static const struct cmd cmds[] = {
	{
	        .name = "listen",
	        .fn = cmd_listen,
	        .summary = "emulate an Oracle listener's dead connection detection",
	        .usage = "usage: dcdlab listen [options]\n"
	                 "\n"
	                 "Accepts TNS connections like an Oracle listener and dedicated server, "
	                 "applies\n"
	                 "SQLNET.EXPIRE_TIME as the given release would (12c+: TCP keepalive\n"
	                 "n*60/6/10 on each socket; 11.2 or USE_NS_PROBES_FOR_DCD: 10-byte NS "
	                 "probes),\n"
	                 "and reports how and when each session ends.\n"
	                 "\n"
	                 "  -l, --listen ADDR:PORT      where to listen (default 127.0.0.1:1521)\n"
	                 "  -s, --service NAME          service to ACCEPT; repeatable (default "
	                 "orcl);\n"
	                 "                              others get REFUSE with ORA-12514\n"
	                 "      --sqlnet FILE           sqlnet.ora (default $TNS_ADMIN/sqlnet.ora "
	                 "if set)\n"
	                 "      --release REL           server release: 11.2, 12.1, 19c, ... "
	                 "(default 19c)\n"
	                 "      --expire-time MIN       override SQLNET.EXPIRE_TIME\n"
	                 "      --ns-probes             USE_NS_PROBES_FOR_DCD=TRUE\n"
	                 "      --keepidle S            lab scaling: TCP_KEEPIDLE in seconds\n"
	                 "      --keepintvl S           lab scaling: TCP_KEEPINTVL in seconds\n"
	                 "      --keepcnt N             lab scaling: TCP_KEEPCNT\n"
	                 "      --probe-interval DUR    lab scaling: NS probe interval (legacy "
	                 "DCD)\n"
	                 "      --user-timeout DUR      set TCP_USER_TIMEOUT on each session\n"
	                 "      --inbound-connect-timeout DUR  close sessions with no CONNECT by "
	                 "then\n"
	                 "                              (default SQLNET.INBOUND_CONNECT_TIMEOUT or "
	                 "60s)\n"
	                 "      --events FILE           JSON lines, one object per event ('-' = "
	                 "stdout)\n"
	                 "      --metrics ADDR:PORT     serve Prometheus text on /metrics\n"
	                 "      --diag-interval DUR     sample the kernel's timers (inet_diag); 0 "
	                 "= off\n"
	                 "      --duration DUR          stop after this long\n"
	                 "      --exit-after N          stop after N sessions have ended\n"
	                 "      --max-sessions N        close connections beyond N open (default "
	                 "20000)\n"
	                 "      --max-packet BYTES      largest TNS packet accepted (default "
	                 "65536)\n"
	                 "  -v, --verbose / -q, --quiet\n",
	},
	{
	        .name = "connect",
	        .fn = cmd_connect,
	        .summary = "a client that follows a plan of calls and idle periods",
	        .usage =
	                "usage: dcdlab connect [options] CONNECT-STRING\n"
	                "\n"
	                "CONNECT-STRING is a (DESCRIPTION=...) descriptor, an Easy Connect string\n"
	                "(host:port/service?expire_time=n) or a tnsnames.ora alias. Each call is\n"
	                "reported as an Oracle client would show it (ORA-03113, ORA-03135, "
	                "ORA-12514).\n"
	                "\n"
	                "      --plan PLAN             steps: call [DUR], idle DUR, close; N*step "
	                "repeats\n"
	                "                              (default \"call\"); call DUR: the server "
	                "takes DUR\n"
	                "      --tnsnames FILE         tnsnames.ora (default "
	                "$TNS_ADMIN/tnsnames.ora)\n"
	                "      --release REL           client release (default 19c): EXPIRE_TIME "
	                "in a\n"
	                "                              descriptor needs 19c+\n"
	                "      --sqlnet FILE           client sqlnet.ora (SQLNET.RECV_TIMEOUT)\n"
	                "      --keepidle S --keepintvl S --keepcnt N   lab scaling of client "
	                "keepalive\n"
	                "      --call-timeout DUR      a call unanswered this long fails with "
	                "ORA-03135\n"
	                "      --connect-timeout DUR   TCP connect + ACCEPT timeout (default 60s)\n"
	                "      --json                  one JSON object per step on stdout\n"
	                "\n"
	                "exit status: 0 all steps ok, 1 bad configuration, 2 usage, 3 session not\n"
	                "established (ORA-12xxx), 4 a call failed (ORA-03113 / ORA-03135)\n",
	},
	{
	        .name = "analyze",
	        .fn = cmd_analyze,
	        .summary = "keepalives, dead peers and firewall drops in a capture",
	        .usage = "usage: dcdlab analyze [options] FILE|-\n"
	                 "       dcdlab analyze -i IFACE [-f FILTER] [-Z USER] [options]\n"
	                 "\n"
	                 "Reads a pcap or pcapng capture (or - for stdin, or a live interface) in "
	                 "one\n"
	                 "pass and tells, per TCP flow, whether DCD is working: keepalive probes "
	                 "and\n"
	                 "ACKs per side, the keepalive settings they imply and the profile they "
	                 "match\n"
	                 "(Oracle EXPIRE_TIME=n, Linux defaults, Windows, custom), legacy NS "
	                 "probes, idle\n"
	                 "gaps, and a verdict: alive, closed, dead-peer, firewall-drop or unknown, "
	                 "with\n"
	                 "the packets that show it. Across flows: the middlebox idle timeout "
	                 "bracket.\n"
	                 "\n"
	                 "      --json                  JSON lines: one object per flow, then a "
	                 "summary\n"
	                 "      --flow ID|ADDR:PORT     one flow's timeline\n"
	                 "      --svg FILE              draw that timeline (with --flow)\n"
	                 "      --fw-timeout DUR        mark a firewall idle timeout in the SVG\n"
	                 "      --fail-on LIST          exit 1 if any flow has one of these "
	                 "verdicts\n"
	                 "                              (e.g. dead-peer,firewall-drop)\n"
	                 "      --packets               list each classified packet: NUMBER CLASS\n"
	                 "  -i, --interface IFACE       capture live (until Ctrl-C, -c or "
	                 "--duration)\n"
	                 "  -f, --filter EXPR           BPF filter for -i (default \"tcp port "
	                 "1521\")\n"
	                 "  -Z, --user USER             drop root privileges after opening IFACE\n"
	                 "  -c, --count N               stop after N packets\n"
	                 "      --duration DUR          stop after DUR of capture time\n"
	                 "\n"
	                 "exit status: 0 ok, 1 --fail-on matched, 2 usage, 3 unreadable or "
	                 "truncated\n"
	                 "input (what was read is still reported)\n",
	},
	{
	        .name = "lab",
	        .fn = cmd_lab,
	        .summary = "the real-kernel lab: client -- firewall -- server in namespaces",
	        .usage = "usage: dcdlab lab run [-j N] [--json] [--junit FILE] [--keep DIR] "
	                 "[--svg DIR] SCENARIO...\n"
	                 "       dcdlab lab topology [--hold DUR]\n"
	                 "       dcdlab lab cleanup\n"
	                 "\n"
	                 "run: each scenario file in network namespaces of its own: client -- "
	                 "firewall\n"
	                 "(nftables + conntrack: idle timeout, silent / rst-next / rst-both, "
	                 "keepalives\n"
	                 "counted or ignored, presets) -- server; dcdlab listen and dcdlab connect "
	                 "with\n"
	                 "the scenario's settings, faults at their times, both firewall legs "
	                 "captured and\n"
	                 "analyzed; prints the timeline and each expectation against what was "
	                 "observed.\n"
	                 "  -j N          run up to N scenarios at once\n"
	                 "  --json        one JSON report on stdout (text on stderr)\n"
	                 "  --junit FILE  JUnit XML, one testcase per scenario\n"
	                 "  --keep DIR    keep every run's captures and logs (default: only "
	                 "failed ones)\n"
	                 "  --svg DIR     an SVG timeline per scenario\n"
	                 "Exit 0 if every expectation held, 1 if not, 2 on a bad scenario file.\n"
	                 "topology: build the lab's path (client 192.0.2.2 -- firewall -- server "
	                 "198.51.100.2,\n"
	                 "2001:db8:1::/64, 2001:db8:2::/64) with libnl, never attached to this "
	                 "host's\n"
	                 "namespace; prove a TCP connection crosses it (IPv4 and IPv6); time it; "
	                 "remove it.\n"
	                 "--hold keeps it up (at most 1h) for a look with ip netns.\n"
	                 "cleanup: remove the namespaces (dcdlab-lab-PID-...) of runs that were "
	                 "killed.\n"
	                 "Needs root. Scenario format: man dcdlab, SCENARIO FILES; examples in "
	                 "scenarios/.\n",
	},
	{
	        .name = "sim",
	        .fn = cmd_sim,
	        .summary = "the lab's scenarios in virtual time, at real scale",
	        .usage = "usage: dcdlab sim [--json] [--wire] SCENARIO...\n"
	                 "       dcdlab sim --sessions N [--hours H] [--seed S] [--crash-share F]\n"
	                 "                  [--max-gap DUR] [--threads T] [--json] SCENARIO\n"
	                 "\n"
	                 "Runs each scenario file in virtual time: Linux's keepalive and "
	                 "retransmission\n"
	                 "timers (with the timer wheel's slack), delayed ACKs, dcdlab listen and "
	                 "connect,\n"
	                 "the firewall model and the faults, as a deterministic event loop. "
	                 "Prints the\n"
	                 "timeline and each expectation as the lab does; capture expectations "
	                 "are judged\n"
	                 "by the analyzer on the segments each firewall leg would have seen.\n"
	                 "--wire adds every probe and retransmission to the timeline.\n"
	                 "--sessions: N sessions with the scenario's DCD and firewall settings, "
	                 "each with\n"
	                 "its own calls and idle gaps (log-uniform from 1 s to --max-gap, default "
	                 "4h) over\n"
	                 "--hours (default 24); --crash-share of the clients (default 0.05) crash "
	                 "at a\n"
	                 "random time. Prints the share surviving, the failed calls and when the "
	                 "first\n"
	                 "came, and how long the server took to find crashed clients. Same seed, "
	                 "same output.\n"
	                 "Exit 0 if every expectation held, 1 if not, 2 on a bad scenario file.\n",
	},
	{
	        .name = "check",
	        .fn = cmd_check,
	        .summary = "a verdict on a DCD configuration for a platform and a firewall",
	        .usage = "usage: dcdlab check [options]\n"
	                 "\n"
	                 "  --sqlnet FILE           the server's sqlnet.ora (SQLNET.EXPIRE_TIME, "
	                 "...)\n"
	                 "  --expire-time MIN       or just its EXPIRE_TIME\n"
	                 "  --release REL           the server's release (default 19c)\n"
	                 "  --descriptor STR        the client's connect descriptor, Easy Connect "
	                 "or alias\n"
	                 "  --tnsnames FILE         where the alias is\n"
	                 "  --client-release REL    the client's release (default: the "
	                 "server's)\n"
	                 "  --platform P            the server's OS: linux, aix, hpux, solaris, "
	                 "windows,\n"
	                 "                          macos, freebsd (default linux)\n"
	                 "  --tunables FILE         its TCP settings as its own tool prints them:\n"
	                 "                          sysctl -a | no -a | ndd -get /dev/tcp ... |\n"
	                 "                          ipadm show-prop ... tcp | reg query "
	                 "...\\Tcpip\\Parameters |\n"
	                 "                          sysctl net.inet.tcp\n"
	                 "  --client-platform P, --client-tunables FILE   the same for the "
	                 "client\n"
	                 "  --firewall DEVICE       linux-conntrack, kube-proxy, cisco-asa, "
	                 "palo-alto,\n"
	                 "                          fortigate, check-point, juniper-srx, "
	                 "f5-fastl4,\n"
	                 "                          aws-nat-gateway, aws-nlb, azure-lb, "
	                 "gcp-cloud-nat,\n"
	                 "                          gcp-vpc-firewall (their default timeout)\n"
	                 "  --fw-idle DUR           or the idle timeout (\"1h\")\n"
	                 "  --fw-expiry silent|rst-next|rst-both   what it does at expiry\n"
	                 "  --keepalives-ignored    the firewall does not count keepalives\n"
	                 "  --json                  one JSON object\n"
	                 "\n"
	                 "Says whether idle sessions survive the firewall, which side's "
	                 "keepalives keep\n"
	                 "them, how long until a dead client and a dead server are noticed and "
	                 "what the\n"
	                 "client sees, with warnings (unit traps, ignored settings, EXPIRE_TIME "
	                 "too close\n"
	                 "to the timeout, RFC 5382). Each verdict is a simulated session "
	                 "(dcdlab sim).\n"
	                 "Exit 0: idle sessions survive and dead clients are found; 1: not; 2: "
	                 "bad input.\n",
	},
	{
	        .name = "help",
	        .fn = cmd_help,
	        .summary = "show help for dcdlab or a subcommand",
	        .usage = "usage: dcdlab help [SUBCOMMAND]\n",
	},
};

#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: dcdlab [--version] SUBCOMMAND [options]\n\n"
	             "Shows whether TCP dead connection detection works on a network path.\n\n"
	             "subcommands:\n");
	for (size_t i = 0; i < N_CMDS; i++)
		fprintf(out, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(out, "\n'dcdlab help SUBCOMMAND' for details; man dcdlab for everything.\n");
}

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < N_CMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

void cmd_help_topic(const char *topic, FILE *out)
{
	const struct cmd *c = find_cmd(topic);

	if (c)
		fputs(c->usage, out);
	else
		usage(out);
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if (find_cmd(argv[1]) == NULL) {
		log_error("no subcommand \"%s\"", argv[1]);
		usage(stderr);
		return 2;
	}
	cmd_help_topic(argv[1], stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("dcdlab %s\n", DCDLAB_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	c = find_cmd(argv[1]);
	if (c == NULL) {
		log_error("unknown subcommand \"%s\"", argv[1]);
		usage(stderr);
		return 2;
	}
	return c->fn(argc - 1, argv + 1);
}
