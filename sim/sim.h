/* sim.h - the lab and sim subcommands. */
#ifndef DCDLAB_SIM_H
#define DCDLAB_SIM_H

int cmd_lab(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_check(int argc, char **argv);

#include <stdbool.h>
#include <stdint.h>

#include "../model/firewall.h"

/* What a path with this idle timeout and expiry means for a 19c server on
 * Linux, by dcdlab check's simulation: whether idle sessions without DCD
 * survive; if not, what their next call sees, and the largest
 * SQLNET.EXPIRE_TIME that keeps them (-1: none does). dcdlab measure
 * reports it. 0, or -1 (out of memory). */
struct path_consequence {
	bool idle_survives;
	int next_call_ora;
	int64_t next_call_fails_after_ms;
	int expire_time_max_min;
	bool as_ns_probes; /* keepalives not counted: NS probes (data) needed */
};
int check_path_consequence(int64_t fw_idle_ms, enum fw_expiry expiry, bool keepalives_ignored,
                           struct path_consequence *out);

/* The full help text of dcdlab lab. */
extern const char lab_usage[];

/* The full help text of dcdlab sim. */
extern const char sim_usage[];

/* The full help text of dcdlab check. */
extern const char check_usage[];

#endif
