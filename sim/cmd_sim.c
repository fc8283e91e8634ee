/* cmd_sim.c - `dcdlab sim`: the lab's scenarios in virtual time.
 *
 *   dcdlab sim [--json] [--wire] SCENARIO...
 *       each scenario as the lab would run it, judged by the same
 *       expectations (captures excepted: nothing is captured)
 *   dcdlab sim --sessions N [--hours H] [--seed S] [--crash-share F] SCENARIO
 *       N sessions through the scenario's firewall and DCD settings, each
 *       with its own pattern of calls and idle gaps, in aggregate */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cli.h"
#include "../lib/clock.h"
#include "../lib/log.h"
#include "../lib/numparse.h"
#include "lab.h"
#include "model.h"
#include "sim.h"

/* One scenario, all its clients; the record the lab would have made. */
static int sim_scenario(const struct scenario *s, bool wire, struct lab_run *r, struct dcd_err *err)
{
	struct plan *plan = calloc(1, sizeof(*plan));
	struct sim_params p;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	r->s = s;
	r->simulated = true;
	r->fw_expired_ms = -1;
	r->events = calloc(LAB_MAX_EVENTS, sizeof(*r->events));
	r->samples = calloc(1, sizeof(*r->samples));
	snprintf(r->dir, sizeof(r->dir), "(virtual time)");
	if (!plan || !r->events || !r->samples) {
		err_set(err, "out of memory");
		goto out;
	}
	if (plan_parse(plan, s->plan, err) != 0 ||
	    sim_params_from_scenario(&p, s, plan, err) != 0) {
		err_prefix(err, "%s", s->file);
		goto out;
	}
	p.trace = true;
	p.wire = wire;
	for (int k = 0; k < s->clients; k++) {
		struct sim_extra x;
		char tag[8] = "";
		if (s->clients > 1)
			snprintf(tag, sizeof(tag), "#%d ", k + 1);
		sim_session(&p, &r->sess[k], &x, r, tag);
		if ((double)x.end_ms / 1000 > r->wall_s)
			r->wall_s = (double)x.end_ms / 1000; /* virtual seconds */
		if (x.fw_expired) {
			r->fw_expired++;
			if (r->fw_expired_ms < 0 || x.fw_expired_ms < r->fw_expired_ms)
				r->fw_expired_ms = x.fw_expired_ms;
		}
	}
	lab_sort_events(r);
	lab_evaluate(r);
	rc = 0;
out:
	free(plan);
	return rc;
}

static int usage(void)
{
	cmd_help_topic("sim", stderr);
	return 2;
}

int cmd_sim(int argc, char **argv)
{
	bool json = false, wire = false;
	int i = 1, bad = 0, failed = 0, n = 0;

	/* options anywhere, as the other subcommands take them */
	int nfiles = 0;
	for (int k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--json") == 0)
			json = true;
		else if (strcmp(argv[k], "--wire") == 0)
			wire = true;
		else if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
			cmd_help_topic("sim", stdout);
			return 0;
		} else if (argv[k][0] == '-' && argv[k][1]) {
			log_error("sim: unknown option \"%s\"", argv[k]);
			return usage();
		} else
			argv[++nfiles] = argv[k];
	}
	if (nfiles == 0)
		return usage();
	argc = nfiles + 1;
	if (json)
		printf("{\"scenarios\":[");
	for (; i < argc; i++) {
		struct scenario s;
		struct lab_run r;
		struct dcd_err err = { "" };
		if (scenario_load(&s, argv[i], &err) != 0) {
			log_error("%s", err.msg);
			bad++;
			continue;
		}
		if (sim_scenario(&s, wire, &r, &err) != 0) {
			log_error("%s", err.msg);
			bad++;
			lab_run_free(&r);
			continue;
		}
		failed += !lab_run_passed(&r);
		if (json) {
			printf("%s", n ? "," : "");
			report_json(&r, stdout);
		} else {
			report_text(&r, stdout);
		}
		n++;
		lab_run_free(&r);
	}
	if (json)
		printf("],\"passed\":%d,\"failed\":%d,\"bad_files\":%d}\n", n - failed, failed,
		       bad);
	else
		printf("sim: %d scenarios: %d passed, %d failed, %d bad files\n", n, n - failed,
		       failed, bad);
	return bad ? 2 : failed ? 1 : 0;
}
