/* metrics.c - Prometheus text exposition of the listener's counters. */
#include "server.h"

void metrics_format(const struct server *srv, struct sbuf *out)
{
	const struct counters *c = &srv->counters;

	sbuf_printf(
	        out,
	        "# HELP dcdlab_sessions_active Sessions open now.\n"
	        "# TYPE dcdlab_sessions_active gauge\n"
	        "dcdlab_sessions_active %llu\n"
	        "# HELP dcdlab_sessions_total Sessions accepted at TCP level.\n"
	        "# TYPE dcdlab_sessions_total counter\n"
	        "dcdlab_sessions_total %llu\n"
	        "# HELP dcdlab_refused_total CONNECTs answered with REFUSE.\n"
	        "# TYPE dcdlab_refused_total counter\n"
	        "dcdlab_refused_total %llu\n"
	        "# HELP dcdlab_ns_probes_sent_total Legacy DCD probes (10-byte DATA) sent.\n"
	        "# TYPE dcdlab_ns_probes_sent_total counter\n"
	        "dcdlab_ns_probes_sent_total %llu\n"
	        "# HELP dcdlab_protocol_errors_total Sessions closed for bytes that are not TNS.\n"
	        "# TYPE dcdlab_protocol_errors_total counter\n"
	        "dcdlab_protocol_errors_total %llu\n",
	        (unsigned long long)c->sessions_active, (unsigned long long)c->sessions_total,
	        (unsigned long long)c->refused_total, (unsigned long long)c->ns_probes_sent_total,
	        (unsigned long long)c->protocol_errors_total);
	sbuf_printf(out, "# HELP dcdlab_dead_peers_total Dead peers found by probing, by cause.\n"
	                 "# TYPE dcdlab_dead_peers_total counter\n");
	for (int i = 0; i < END_CAUSE_COUNT; i++)
		if (end_cause_is_dead_peer((enum end_cause)i))
			sbuf_printf(out, "dcdlab_dead_peers_total{cause=\"%s\"} %llu\n",
			            end_cause_name((enum end_cause)i),
			            (unsigned long long)c->ends_total[i]);
	uint64_t by_status[DB_STATUS_COUNT] = { 0 };
	for (const struct session *s = srv->sessions; s; s = s->next)
		if (s->state == SESSION_OPEN)
			by_status[session_status(s)]++;
	sbuf_printf(out, "# HELP dcdlab_sessions Open sessions by v$session status.\n"
	                 "# TYPE dcdlab_sessions gauge\n");
	for (int i = 0; i < DB_STATUS_COUNT; i++)
		sbuf_printf(out, "dcdlab_sessions{status=\"%s\"} %llu\n",
		            db_status_name((enum db_status)i), (unsigned long long)by_status[i]);
	sbuf_printf(out, "# HELP dcdlab_session_ends_total Sessions ended, by cause.\n"
	                 "# TYPE dcdlab_session_ends_total counter\n");
	for (int i = 0; i < END_CAUSE_COUNT; i++)
		sbuf_printf(out, "dcdlab_session_ends_total{cause=\"%s\"} %llu\n",
		            end_cause_name((enum end_cause)i),
		            (unsigned long long)c->ends_total[i]);
}
