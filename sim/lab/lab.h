/* lab.h - one scenario run on the real kernel: needs root (network
 * namespaces, nftables, conntrack, raw sockets). run.c drives it
 * (namespaces, firewall, listener, client, captures, faults) into a run
 * record (sim/record/record.h); fw.c is the firewall's namespace. */
#ifndef DCDLAB_LAB_H
#define DCDLAB_LAB_H

#include <stdbool.h>
#include <stdint.h>

#include "../../lib/err.h"
#include "../record/record.h"
#include "topo.h"

/* Now on the scenario clock (CLOCK_REALTIME, see run.c). */
int64_t lab_now_ms(const struct lab_run *r);

/* Run one scenario; fills `r`. Returns 0 if it could be run (whether or
 * not its expectations held), -1 with r->error otherwise. */
int lab_run_scenario(struct lab_run *r, const struct scenario *s, const char *dir,
                     volatile int *interrupted);
/* fw.c: the firewall's namespace. */
struct fw;
struct fw *fw_open(struct lab_run *r, struct dcd_err *err);
int fw_event_fd(const struct fw *f);
void fw_read_events(struct fw *f);
void fw_sample(struct fw *f);
int fw_flush(struct fw *f, struct dcd_err *err);
int fw_cut(struct fw *f, bool cut, struct dcd_err *err);
void fw_close(struct fw *f);
/* nftables text in a namespace of the run, through libnftables. */
int lab_nft(struct lab_run *r, enum topo_role role, const char *ruleset, struct dcd_err *err);

#endif
