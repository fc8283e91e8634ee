/* cmd_sim.c - `dcdlab sim`: the lab's scenarios in virtual time.
 *
 *   dcdlab sim [--json] [--wire] SCENARIO...
 *       each scenario as the lab would run it, judged by the same
 *       expectations (capture verdicts from the analyzer on the segments
 *       each firewall leg would have seen)
 *   dcdlab sim --sessions N [--hours H] [--seed S] [--crash-share F] SCENARIO
 *       N sessions through the scenario's firewall and DCD settings, each
 *       with its own pattern of calls and idle gaps, in aggregate */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../lib/sockaddr.h"
#include "../../lib/grow.h"
#include "../../lib/clock.h"
#include "../../lib/log.h"
#include "../../capture/analyze.h"
#include "../../lib/numparse.h"
#include "../record/record.h"
#include "../../report/html.h"
#include "measure_model.h"
#include "model.h"
#include "population.h"
#include "../sim.h"

/* `dcdlab help sim` and `dcdlab sim --help`. */
const char sim_usage[] =
        "usage: dcdlab sim [--json] [--wire] [--svg DIR] [--html FILE] SCENARIO...\n"
        "       dcdlab sim --sessions N [--hours H] [--seed S] [--crash-share F]\n"
        "                  [--max-gap DUR] [--threads T] [--json] [--html FILE] SCENARIO\n"
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
        "--svg DIR writes each session's ladder diagram as DIR/NAME.svg (NAME-2.svg\n"
        "...), as lab run does; --html FILE one self-contained page: the table of\n"
        "scenarios, each expectation against what was observed, each ladder.\n"
        "--sessions: N sessions with the scenario's DCD and firewall settings, "
        "each with\n"
        "its own calls and idle gaps (log-uniform from 1 s to --max-gap, default "
        "4h) over\n"
        "--hours (default 24); --crash-share of the clients (default 0.05) crash "
        "at a\n"
        "random time. Prints the share surviving, the failed calls and when the "
        "first\n"
        "came, and how long the server took to find crashed clients (--html: as\n"
        "plots). Same seed, same output.\n"
        "Exit 0 if every expectation held, 1 if not, 2 on a bad scenario file.\n";

/* What the firewall's two capture points would have recorded. */
struct legs {
	struct sim_packet *pk[2];
	size_t n[2], cap[2];
	bool oom;
};

static void on_packet(void *arg, enum sim_leg leg, const struct sim_packet *p)
{
	struct legs *l = arg;

	struct sim_packet *n = grow(l->pk[leg], &l->cap[leg], l->n[leg], sizeof(*n), 256);
	if (!n) {
		l->oom = true;
		return;
	}
	l->pk[leg] = n;
	l->pk[leg][l->n[leg]] = *p;
	l->pk[leg][l->n[leg]].order = (uint32_t)l->n[leg];
	l->n[leg]++;
}

static int by_time(const void *a, const void *b)
{
	const struct sim_packet *x = a, *y = b;

	if (x->t_ms != y->t_ms)
		return x->t_ms < y->t_ms ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

struct verdict_ctx {
	struct lab_run *r;
	enum scn_leg leg;
};

static void on_report(const struct flow_report *rep, void *arg)
{
	struct verdict_ctx *v = arg;
	uint16_t port = hostport_port(rep->client.addr);
	struct lab_session *se = port ? lab_session_by_port(v->r, port) : NULL;

	if (se)
		se->verdict[v->leg] = rep->verdict;
}

/* The analyzer's class of the segment just kept: the ladder draws it. */
static void on_class(uint32_t pkt, enum pkt_class cls, void *arg)
{
	struct verdict_ctx *v = arg;
	struct lab_run *r = v->r;

	(void)pkt;
	if (r->n_segs[v->leg])
		r->segs[v->leg][r->n_segs[v->leg] - 1].cls = (uint8_t)cls;
}

/* The capture analyzer on each leg, as the lab runs it on its pcaps. */
static void analyze_legs(struct lab_run *r, struct legs *l)
{
	for (int leg = 0; leg < 2; leg++) {
		struct verdict_ctx v = { r, (enum scn_leg)leg };
		struct analyzer *a = analyzer_new(on_report, on_class, &v);
		struct summary sum;
		if (!a)
			continue;
		/* sessions were simulated one after another: merge them by time,
		 * equal times in the order they were made */
		qsort(l->pk[leg], l->n[leg], sizeof(*l->pk[leg]), by_time);
		for (size_t i = 0; i < l->n[leg]; i++) {
			const struct sim_packet *p = &l->pk[leg][i];
			struct tcp_pkt t = { 0 };
			static const uint8_t caddr[4] = { 192, 0, 2, 2 },
			                     saddr[4] = { 198, 51, 100, 2 };
			t.family = 4;
			t.flags = p->flags;
			t.ttl = p->ttl;
			t.sport = p->from_client ? p->cport : 1521;
			t.dport = p->from_client ? 1521 : p->cport;
			t.seq = p->seq;
			t.ack = p->ack;
			t.win = 502;
			t.payload_len = t.caplen_payload = p->len;
			memcpy(t.head, p->head, sizeof(p->head));
			char text[80];
			if (p->ora) { /* the error's text, as dcdlab listen sends it */
				int n = snprintf(text, sizeof(text), "ORA-%05d: %s\n", p->ora,
				                 ora_text(p->ora));
				t.payload = (const uint8_t *)text;
				t.caplen_payload = (uint32_t)(n < (int)p->len ? n : p->len);
			}
			memcpy(t.src, p->from_client ? caddr : saddr, 4);
			memcpy(t.dst, p->from_client ? saddr : caddr, 4);
			struct leg_seg seg = { .t_s = (double)p->t_ms / 1000,
				               .cport = p->cport,
				               .from_client = p->from_client,
				               .flags = p->flags,
				               .seq = p->seq,
				               .ack = p->ack,
				               .len = p->len };
			if (p->ora)
				snprintf(seg.note, sizeof(seg.note), "ORA-%05d", p->ora);
			lab_leg_seg(r, leg, &seg);
			analyzer_packet(a, (uint64_t)p->t_ms * 1000 + 1000000, (uint32_t)i + 1, &t);
		}
		analyzer_finish(a, &sum);
		analyzer_free(a);
	}
}

/* client measure: dcdlab measure's plan against the scenario's firewall,
 * modelled as the lab's (conntrack's expiry found within the 50 ms the
 * lab samples it in), into the record the lab would have made. */
static void sim_measure(const struct scenario *s, struct lab_run *r)
{
	struct measure_cfg cfg;
	struct vpath p = { .idle_timeout_ms = s->fw == SCN_FW_NONE ? 0 : s->fw_idle_ms,
		           .expiry = m_expiry_of_fw(s->expiry),
		           .keepalives_counted = !s->keepalives_ignored,
		           .rtt_ms = 1,
		           .expiry_late_ms = 30 };
	struct measure_result res;
	struct lab_measured *m = &r->measured;
	int64_t elapsed_ms;
	char hi[32] = "?";

	measure_cfg_default(&cfg);
	if (s->measure_min_ms)
		cfg.min_ms = s->measure_min_ms;
	if (s->measure_max_ms)
		cfg.max_ms = s->measure_max_ms;
	if (s->measure_precision_ms)
		cfg.precision_ms = s->measure_precision_ms;
	if (s->measure_connections)
		cfg.max_conns = s->measure_connections;
	if (s->measure_sequential)
		bisect_simulate(&cfg, &p, &res, &elapsed_ms);
	else
		measure_simulate(&cfg, &p, &res, &elapsed_ms);
	*m = (struct lab_measured){ .ran = true,
		                    .lo_ms = res.lo_ms,
		                    .hi_ms = res.hi_ms == INT64_MAX ? -1 : res.hi_ms,
		                    .expiry = res.expiry,
		                    .keepalives = res.keepalives,
		                    .elapsed_s = (double)elapsed_ms / 1000,
		                    .opened = res.opens,
		                    .max_open = res.max_open,
		                    .exit = res.hi_ms == INT64_MAX ? 1 : 0 };
	if (res.expiry == M_EXPIRY_RST_NEXT || res.expiry == M_EXPIRY_RST_BOTH)
		snprintf(m->rst_from, sizeof(m->rst_from), "path");
	if (m->hi_ms >= 0)
		snprintf(hi, sizeof(hi), "%.3f", (double)m->hi_ms / 1000);
	lab_event(r, elapsed_ms, "client",
	          "measure: %s; idle timeout %.3f .. %s s, expiry %s, keepalives %s, %u "
	          "connections",
	          m->hi_ms < 0 ? "no-expiry" : "measured", (double)m->lo_ms / 1000, hi,
	          m_expiry_name(res.expiry),
	          res.keepalives == 1   ? "counted"
	          : res.keepalives == 0 ? "ignored"
	                                : "unknown",
	          m->opened);
	r->wall_s = m->elapsed_s;
}

/* Run every client's session once; the record into r when `trace`. */
static void sim_round(const struct scenario *s, struct sim_params *p, struct plan *const *plans,
                      const struct sim_locks *in, struct sim_locks *out, bool trace,
                      struct lab_run *r)
{
	struct lab_session scratch;

	out->n = 0;
	p->locks_in = in;
	p->locks_out = out;
	p->trace = trace;
	for (int k = 0; k < s->clients; k++) {
		struct sim_extra x;
		char tag[8] = "";
		if (s->clients > 1)
			snprintf(tag, sizeof(tag), "#%d ", k + 1);
		p->plan = plans[k];
		p->session = k;
		p->cport = (uint16_t)(40000 + k);
		sim_session(p, trace ? &r->sess[k] : &scratch, &x, r, tag);
		if (!trace)
			continue;
		r->sess[k].cport = p->cport;
		if ((double)x.end_ms / 1000 > r->wall_s)
			r->wall_s = (double)x.end_ms / 1000; /* virtual seconds */
		if (x.fw_expired) {
			r->fw_expired++;
			if (r->fw_expired_ms < 0 || x.fw_expired_ms < r->fw_expired_ms)
				r->fw_expired_ms = x.fw_expired_ms;
		}
	}
}

/* Sessions that share locks: each round runs every session with what the
 * others did in the last one, until a round changes nothing. */
#define SIM_LOCK_ROUNDS 8

/* One scenario, all its clients; the record the lab would have made. */
static int sim_scenario(const struct scenario *s, bool wire, struct lab_run *r, struct dcd_err *err)
{
	struct plan *plans[SCN_MAX_CLIENTS] = { 0 };
	struct sim_locks *locks[2] = { calloc(1, sizeof(struct sim_locks)),
		                       calloc(1, sizeof(struct sim_locks)) };
	struct sim_params p;
	struct legs legs = { 0 };
	bool has_locks = false;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	r->s = s;
	r->simulated = true;
	r->fw_expired_ms = -1;
	r->events = calloc(LAB_MAX_EVENTS, sizeof(*r->events));
	r->samples = calloc(1, sizeof(*r->samples));
	snprintf(r->dir, sizeof(r->dir), "(virtual time)");
	for (int k = 0; k < s->clients; k++)
		if (!(plans[k] = calloc(1, sizeof(struct plan)))) {
			err_set(err, "out of memory");
			goto out;
		}
	if (!r->events || !r->samples || !locks[0] || !locks[1]) {
		err_set(err, "out of memory");
		goto out;
	}
	r->measured =
	        (struct lab_measured){ .hi_ms = -1, .expiry = -1, .keepalives = -1, .exit = -1 };
	if (s->measure) {
		sim_measure(s, r);
		lab_evaluate(r);
		rc = 0;
		goto out;
	}
	for (int k = 0; k < s->clients; k++) {
		if (plan_parse(plans[k], scenario_plan(s, k), err) != 0) {
			err_prefix(err, "%s: client %d's plan", s->file, k + 1);
			goto out;
		}
		for (int i = 0; i < plans[k]->n; i++)
			has_locks |= plans[k]->step[i].op == PLAN_LOCK;
	}
	if (sim_params_from_scenario(&p, s, plans[0], err) != 0) {
		err_prefix(err, "%s", s->file);
		goto out;
	}
	p.wire = wire;
	int round = 0;
	for (; has_locks && round < SIM_LOCK_ROUNDS; round++) {
		sim_round(s, &p, plans, locks[round % 2], locks[(round + 1) % 2], false, r);
		if (locks[0]->n == locks[1]->n &&
		    memcmp(locks[0]->use, locks[1]->use, sizeof(locks[0]->use[0]) * locks[0]->n) ==
		            0)
			break;
	}
	if (has_locks && round == SIM_LOCK_ROUNDS) {
		err_set(err, "%s: the sessions' locks did not settle in %d rounds", s->file,
		        SIM_LOCK_ROUNDS);
		goto out;
	}
	p.on_packet = on_packet;
	p.packet_arg = &legs;
	sim_round(s, &p, plans, locks[(round + 1) % 2], locks[round % 2], true, r);
	analyze_legs(r, &legs);
	if (legs.oom) {
		err_set(err, "out of memory for the simulated captures");
		goto out;
	}
	lab_sort_events(r);
	lab_evaluate(r);
	rc = 0;
out:
	free(legs.pk[0]);
	free(legs.pk[1]);
	for (int k = 0; k < SCN_MAX_CLIENTS; k++)
		free(plans[k]);
	free(locks[0]);
	free(locks[1]);
	return rc;
}

static void pct(FILE *out, const char *what, uint64_t n, uint64_t of)
{
	fprintf(out, "  %-44s %10llu  %6.2f%%\n", what, (unsigned long long)n,
	        of ? 100.0 * (double)n / (double)of : 0.0);
}

static const char *secs_or_null(int64_t ms, char b[32])
{
	if (ms < 0)
		return "null";
	snprintf(b, 32, "%.3f", (double)ms / 1000);
	return b;
}

/* --sessions: one scenario's settings, N sessions of their own shape. */
/* sim --sessions --html: the outcomes and the detection times as plots. */
static int population_html(const char *path, const struct scenario *s, const struct pop_config *c,
                           const struct pop_result *r)
{
	char *doc = NULL, sub[300];
	size_t len = 0;
	FILE *out = open_memstream(&doc, &len);
	int rc = -1;

	if (!out)
		return -1;
	snprintf(sub, sizeof(sub),
	         "dcdlab sim --sessions %llu over %g virtual hours, seed %llu: %s",
	         (unsigned long long)r->sessions, c->hours, (unsigned long long)c->seed,
	         s->describe[0] ? s->describe : s->name);
	html_begin(out, "dcdlab: a population of sessions", sub);
	const char *ol[] = { "survived", "a call failed: ORA-03113", "a call failed: ORA-03135",
		             "client crashed: found", "client crashed: never found" };
	double ov[] = { (double)r->survived, (double)r->ora03113, (double)r->ora03135,
		        (double)r->detected, (double)r->stale };
	fputs("<h2>how the sessions ended</h2>\n<div class=\"pic\">\n", out);
	html_bars(out, "sessions by outcome", ol, ov, 5, 0, 0, "sessions (shaded: survived)");
	fputs("</div>\n", out);
	fprintf(out,
	        "<p>%.1f%% survived; %llu failed calls; the firewall's entry expired for %llu "
	        "sessions.</p>\n",
	        r->sessions ? 100.0 * (double)r->survived / (double)r->sessions : 0,
	        (unsigned long long)r->failed, (unsigned long long)r->fw_expired);
	fputs("<h2>from a client's crash to the server finding it</h2>\n", out);
	if (r->detected) {
		const char *ql[] = { "p50", "p90", "p99", "max" };
		double qv[4];
		for (int i = 0; i < 4; i++)
			qv[i] = (double)r->detect_q_ms[i] / 1000;
		fputs("<div class=\"pic\">\n", out);
		html_bars(out, "detection time by quantile", ql, qv, 4, -1, -1, "seconds");
		fputs("</div>\n", out);
	} else {
		fprintf(out,
		        "<p class=\"fail\">%llu clients crashed; the server found none of "
		        "them.</p>\n",
		        (unsigned long long)r->crashed);
	}
	html_end(out);
	if (fclose(out) == 0)
		rc = html_write_file(path, doc, len);
	free(doc);
	return rc;
}

static int population(const char *file, const struct pop_config *c, bool json, const char *html)
{
	struct scenario s;
	struct plan *plan = calloc(1, sizeof(*plan));
	struct sim_params p;
	struct pop_result r;
	struct dcd_err err = { "" };
	char b[4][32];

	if (!plan)
		return 1;
	if (scenario_load(&s, file, &err) != 0 || plan_parse(plan, s.plan, &err) != 0 ||
	    sim_params_from_scenario(&p, &s, plan, &err) != 0) {
		log_error("%s", err.msg);
		free(plan);
		return 2;
	}
	p.bound_ms = (int64_t)(c->hours * 3600000.0);
	if (sim_population(c, &p, &r, &err) != 0) {
		log_error("%s", err.msg);
		free(plan);
		return 1;
	}
	free(plan);
	double secs = (double)r.wall_ms / 1000;
	if (json) {
		char f1[32], f2[32], q[4][32];
		printf("{\"scenario\":\"%s\",\"sessions\":%llu,\"hours\":%g,\"seed\":%llu,"
		       "\"survived\":%llu,\"failed\":%llu,\"ora_03113\":%llu,\"ora_03135\":%llu,"
		       "\"first_failure_s\":%s,\"first_ora_03113_s\":%s,\"crashed\":%llu,"
		       "\"detected\":%llu,\"stale\":%llu,\"detect_s\":{\"p50\":%s,\"p90\":%s,"
		       "\"p99\":%s,\"max\":%s},\"fw_expired\":%llu,\"events\":%llu,"
		       "\"probes\":%llu,\"wall_s\":%.3f,\"events_per_s\":%.0f}\n",
		       s.name, (unsigned long long)r.sessions, c->hours,
		       (unsigned long long)c->seed, (unsigned long long)r.survived,
		       (unsigned long long)r.failed, (unsigned long long)r.ora03113,
		       (unsigned long long)r.ora03135, secs_or_null(r.first_failure_ms, f1),
		       secs_or_null(r.first_03113_ms, f2), (unsigned long long)r.crashed,
		       (unsigned long long)r.detected, (unsigned long long)r.stale,
		       secs_or_null(r.detected ? r.detect_q_ms[0] : -1, q[0]),
		       secs_or_null(r.detected ? r.detect_q_ms[1] : -1, q[1]),
		       secs_or_null(r.detected ? r.detect_q_ms[2] : -1, q[2]),
		       secs_or_null(r.detected ? r.detect_q_ms[3] : -1, q[3]),
		       (unsigned long long)r.fw_expired, (unsigned long long)r.events,
		       (unsigned long long)r.probes, secs,
		       secs > 0 ? (double)r.events / secs : 0.0);
		return html && population_html(html, &s, c, &r) != 0 ? 1 : 0;
	}
	printf("== %s: %llu sessions over %g virtual hours (seed %llu)\n", s.name,
	       (unsigned long long)r.sessions, c->hours, (unsigned long long)c->seed);
	pct(stdout, "sessions that survived (no crash, every call ok)", r.survived, r.sessions);
	pct(stdout, "sessions with a failed call", r.failed, r.sessions);
	pct(stdout, "  ORA-03113 (reset: a firewall's RST, ...)", r.ora03113, r.sessions);
	pct(stdout, "  ORA-03135 (no answer: dropped silently)", r.ora03135, r.sessions);
	printf("  %-44s %s (the first ORA-03113: %s)\n", "first failed call at",
	       fmt_approx_ms(r.first_failure_ms, b[0], 32),
	       fmt_approx_ms(r.first_03113_ms, b[1], 32));
	pct(stdout, "firewall entries that expired", r.fw_expired, r.sessions);
	pct(stdout, "clients that crashed", r.crashed, r.sessions);
	pct(stdout, "  found dead by the server", r.detected, r.crashed);
	pct(stdout, "  still held by the server at the end", r.stale, r.crashed);
	if (r.detected)
		printf("  %-44s p50 %s, p90 %s, p99 %s, max %s\n", "crash to detection",
		       fmt_approx_ms(r.detect_q_ms[0], b[0], 32),
		       fmt_approx_ms(r.detect_q_ms[1], b[1], 32),
		       fmt_approx_ms(r.detect_q_ms[2], b[2], 32),
		       fmt_approx_ms(r.detect_q_ms[3], b[3], 32));
	printf("  %llu events in %.2f s: %.1f M events/s\n", (unsigned long long)r.events, secs,
	       secs > 0 ? (double)r.events / secs / 1e6 : 0.0);
	if (html && population_html(html, &s, c, &r) != 0)
		return 1;
	return 0;
}

static int usage(void)
{
	fputs(sim_usage, stderr);
	return 2;
}

/* --html: the page from its rows and sections (memory streams, closed and
 * freed here); 0, or -1 after saying why. */
static int write_html(const char *path, FILE *rows, char **rows_buf, size_t *rows_len, FILE *sects,
                      char **sect_buf, size_t *sect_len, int nrun, int failed, int bad)
{
	char *doc = NULL, sub[200];
	size_t len = 0;
	FILE *page = open_memstream(&doc, &len);
	int rc = -1;

	fclose(rows);
	fclose(sects);
	if (page) {
		snprintf(sub, sizeof(sub),
		         "dcdlab sim, virtual time: %d scenarios, %d passed, %d failed, %d bad "
		         "files",
		         nrun, nrun - failed, failed, bad);
		html_begin(page, "dcdlab: scenarios in the simulator", sub);
		fputs("<table class=\"sortable\"><thead><tr><th>scenario</th><th>result</th>"
		      "<th>expectations held</th><th>what it shows</th></tr></thead><tbody>\n",
		      page);
		fwrite(*rows_buf, 1, *rows_len, page);
		fputs("</tbody></table>\n", page);
		fwrite(*sect_buf, 1, *sect_len, page);
		html_end(page);
		if (fclose(page) == 0)
			rc = html_write_file(path, doc, len);
		else
			log_error("--html: out of memory");
	}
	free(doc);
	free(*rows_buf);
	free(*sect_buf);
	return rc;
}

int cmd_sim(int argc, char **argv)
{
	bool json = false, wire = false;
	const char *svg_dir = NULL, *html_path = NULL;
	int i = 1, bad = 0, failed = 0, nrun = 0;

	/* options anywhere, as the other subcommands take them */
	struct pop_config pc = { 0, 24, 1, 0.05, 4 * 3600000LL, 2 };
	int nfiles = 0;
	for (int k = 1; k < argc; k++) {
		const char *o = argv[k], *v = k + 1 < argc ? argv[k + 1] : NULL;
		long n;
		int64_t ms;
		if (strcmp(o, "--json") == 0)
			json = true;
		else if (strcmp(o, "--wire") == 0)
			wire = true;
		else if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
			fputs(sim_usage, stdout);
			return 0;
		} else if (o[0] != '-' || !o[1]) {
			argv[++nfiles] = argv[k];
		} else if (!v) {
			log_error("sim: %s needs a value", o);
			return usage();
		} else if (strcmp(o, "--html") == 0) {
			html_path = v, k++;
		} else if (strcmp(o, "--svg") == 0) {
			svg_dir = v, k++;
			if (mkdir(svg_dir, 0755) != 0 && errno != EEXIST) {
				log_error("--svg %s: %s", svg_dir, strerror(errno));
				return 2;
			}
		} else if (strcmp(o, "--sessions") == 0) {
			if (parse_long(v, 1, 100000000, &n) != 0) {
				log_error("--sessions \"%s\": expected 1 to 100000000", v);
				return 2;
			}
			pc.sessions = (uint64_t)n, k++;
		} else if (strcmp(o, "--hours") == 0) {
			char *end;
			pc.hours = strtod(v, &end);
			if (*end || !(pc.hours > 0 && pc.hours <= 24 * 30)) {
				log_error("--hours \"%s\": expected a number of hours up to 720",
				          v);
				return 2;
			}
			k++;
		} else if (strcmp(o, "--seed") == 0) {
			if (parse_long(v, 0, 2147483647, &n) != 0) {
				log_error("--seed \"%s\": expected a number", v);
				return 2;
			}
			pc.seed = (uint64_t)n, k++;
		} else if (strcmp(o, "--crash-share") == 0) {
			char *end;
			pc.crash_share = strtod(v, &end);
			if (*end || !(pc.crash_share >= 0 && pc.crash_share <= 1)) {
				log_error("--crash-share \"%s\": expected a share from 0 to 1", v);
				return 2;
			}
			k++;
		} else if (strcmp(o, "--max-gap") == 0) {
			if (parse_duration_ms(v, 1000, &ms) != 0 || ms < 1000) {
				log_error("--max-gap \"%s\": expected a duration of 1s or more", v);
				return 2;
			}
			pc.max_gap_ms = ms, k++;
		} else if (strcmp(o, "--threads") == 0) {
			if (parse_long(v, 1, 64, &n) != 0) {
				log_error("--threads \"%s\": expected 1 to 64", v);
				return 2;
			}
			pc.threads = (int)n, k++;
		} else {
			log_error("sim: unknown option \"%s\"", o);
			return usage();
		}
	}
	if (pc.sessions) {
		if (nfiles != 1) {
			log_error("sim --sessions: one scenario file");
			return 2;
		}
		return population(argv[1], &pc, json, html_path);
	}
	if (nfiles == 0)
		return usage();
	argc = nfiles + 1;
	/* --html: the table's rows and the scenarios' sections, joined at the end */
	char *rows_buf = NULL, *sect_buf = NULL;
	size_t rows_len = 0, sect_len = 0;
	FILE *rows = html_path ? open_memstream(&rows_buf, &rows_len) : NULL;
	FILE *sects = html_path ? open_memstream(&sect_buf, &sect_len) : NULL;
	if (html_path && (!rows || !sects)) {
		log_error("--html: out of memory");
		return 2;
	}
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
		if (svg_dir) {
			char name[sizeof(s.name) + 8];
			snprintf(name, sizeof(name), "%s.svg", s.name);
			if ((s.measure ? report_write(svg_dir, name, &r, report_svg)
			               : report_write_ladders(svg_dir, s.name, &r)) != 0)
				bad++;
		}
		if (json) {
			printf("%s", nrun ? "," : "");
			report_json(&r, stdout);
		} else {
			report_text(&r, stdout);
		}
		if (html_path) {
			report_html_row(&r, rows);
			report_html_section(&r, sects);
		}
		nrun++;
		lab_run_free(&r);
	}
	if (html_path && write_html(html_path, rows, &rows_buf, &rows_len, sects, &sect_buf,
	                            &sect_len, nrun, failed, bad) != 0)
		bad++;
	if (json)
		printf("],\"passed\":%d,\"failed\":%d,\"bad_files\":%d}\n", nrun - failed, failed,
		       bad);
	else
		printf("sim: %d scenarios: %d passed, %d failed, %d bad files\n", nrun,
		       nrun - failed, failed, bad);
	return bad ? 2 : failed ? 1 : 0;
}
