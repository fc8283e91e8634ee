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
	        .usage = listen_usage,
	},
	{
	        .name = "connect",
	        .fn = cmd_connect,
	        .summary = "a client that follows a plan of calls and idle periods",
	        .usage = connect_usage,
	},
	{
	        .name = "measure",
	        .fn = cmd_measure,
	        .summary = "the idle timeout of a real path, and what happens at expiry",
	        .usage = measure_usage,
	},
	{
	        .name = "inspect",
	        .fn = cmd_inspect,
	        .summary = "the live DCD state of every database session on a host",
	        .usage = inspect_usage,
	},
	{
	        .name = "analyze",
	        .fn = cmd_analyze,
	        .summary = "keepalives, dead peers and firewall drops in a capture",
	        .usage = analyze_usage,
	},
	{
	        .name = "lab",
	        .fn = cmd_lab,
	        .summary = "the real-kernel lab: client -- firewall -- server in namespaces",
	        .usage = lab_usage,
	},
	{
	        .name = "sim",
	        .fn = cmd_sim,
	        .summary = "the lab's scenarios in virtual time, at real scale",
	        .usage = sim_usage,
	},
	{
	        .name = "check",
	        .fn = cmd_check,
	        .summary = "a verdict on a DCD configuration for a platform and a firewall",
	        .usage = check_usage,
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

static void cmd_help_topic(const char *topic, FILE *out)
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
