/* measure_model.c - dcdlab measure's plan against a modelled path, in
 * virtual time (see measure_model.h). */
#include "measure_model.h"

#include <string.h>

#define NONE INT64_MAX

struct vconn {
	bool used, keepalive;
	int64_t opened_at, result_at, unsolicited_at; /* NONE: nothing due */
	int64_t sent_ms, last_ms;                     /* its check; its last packet */
	enum m_outcome result, unsolicited;
};

/* Does the path still hold conn's state at t? */
static bool state_held(const struct vpath *p, const struct vconn *c, int64_t t)
{
	if (p->idle_timeout_ms <= 0)
		return true;
	if (c->keepalive && p->keepalives_counted && p->expiry != M_EXPIRY_PEER_CLOSE)
		return true;
	int64_t late = p->expiry == M_EXPIRY_PEER_CLOSE ? p->expiry_late_ms : 0;
	return t - c->last_ms < p->idle_timeout_ms + late;
}

/* What happens to an idle conn without anyone sending: when, and how. */
static void schedule_unsolicited(const struct vpath *p, struct vconn *c, int keepidle_s)
{
	int64_t expire = c->last_ms + p->idle_timeout_ms + p->expiry_late_ms;

	c->unsolicited_at = NONE;
	if (p->idle_timeout_ms <= 0)
		return;
	if (p->expiry == M_EXPIRY_RST_BOTH || p->expiry == M_EXPIRY_PEER_CLOSE) {
		if (c->keepalive && p->keepalives_counted && p->expiry == M_EXPIRY_RST_BOTH)
			return;
		c->unsolicited_at = expire;
		c->unsolicited = p->expiry == M_EXPIRY_RST_BOTH ? M_RST : M_FIN;
	} else if (c->keepalive && !p->keepalives_counted) {
		/* The first keepalive after expiry: RST at once, or dropped with
		 * the rest until the kernel gives up (Linux: 9 probes). */
		int64_t probe = c->last_ms + p->idle_timeout_ms + (int64_t)keepidle_s * 1000;
		c->unsolicited_at = p->expiry == M_EXPIRY_RST_NEXT
		                            ? probe + p->rtt_ms / 2
		                            : probe + 9LL * keepidle_s * 1000;
		c->unsolicited = p->expiry == M_EXPIRY_RST_NEXT ? M_RST : M_NO_ANSWER;
	}
}

static void apply(const struct measure_cfg *cfg, const struct vpath *p, struct measure *m,
                  struct vconn *vc, const struct m_action *a, int64_t now)
{
	struct vconn *c = &vc[a->conn];

	switch (a->kind) {
	case M_OPEN:
		*c = (struct vconn){ .used = true,
			             .keepalive = a->keepalive,
			             .opened_at = now + 2 * p->rtt_ms,
			             .result_at = NONE,
			             .unsolicited_at = NONE };
		break;
	case M_CHECK:
		c->sent_ms = now;
		c->unsolicited_at = NONE;
		if (state_held(p, c, now)) {
			c->result = M_ANSWERED;
			c->result_at = now + p->rtt_ms;
			c->last_ms = now + p->rtt_ms;
		} else if (p->expiry == M_EXPIRY_SILENT) {
			c->result = M_NO_ANSWER;
			c->result_at = now + cfg->check_ms;
		} else {
			c->result = p->expiry == M_EXPIRY_PEER_CLOSE ? M_FIN : M_RST;
			c->result_at = now + p->rtt_ms / 2;
		}
		break;
	case M_CLOSE: memset(c, 0, sizeof(*c)); break;
	}
	(void)m;
}

void measure_simulate(const struct measure_cfg *cfg, const struct vpath *p,
                      struct measure_result *r, int64_t *elapsed_ms)
{
	static struct measure m; /* large: not on the stack */
	static struct vconn vc[MEASURE_MAX_CONNS];
	char why[128];
	int64_t now = 0, bound = 3 * cfg->max_ms + 3600000;

	memset(vc, 0, sizeof(vc));
	if (measure_init(&m, cfg, now, why, sizeof(why)) != 0) {
		memset(r, 0, sizeof(*r));
		*elapsed_ms = 0;
		return;
	}
	int keepidle_s = measure_keepidle_s(&m);
	for (long iter = 0; !measure_done(&m) && now <= bound && iter < 10000000; iter++) {
		struct m_action acts[64];
		int n;
		while ((n = measure_actions(&m, now, acts, 64)) > 0)
			for (int i = 0; i < n; i++)
				apply(cfg, p, &m, vc, &acts[i], now);
		if (measure_done(&m))
			break;
		int64_t next = measure_wake_ms(&m, now);
		for (int i = 0; i < cfg->max_conns; i++) {
			const struct vconn *c = &vc[i];
			if (!c->used)
				continue;
			int64_t t = c->opened_at < c->result_at ? c->opened_at : c->result_at;
			t = t < c->unsolicited_at ? t : c->unsolicited_at;
			next = t < next ? t : next;
		}
		if (next == NONE)
			break;
		now = next > now ? next : now;
		for (int i = 0; i < cfg->max_conns; i++) {
			struct vconn *c = &vc[i];
			if (!c->used)
				continue;
			if (c->opened_at <= now) {
				c->opened_at = NONE;
				c->last_ms = now;
				measure_opened(&m, i, now);
				schedule_unsolicited(p, c, keepidle_s);
			}
			if (c->result_at <= now) {
				c->result_at = NONE;
				measure_checked(&m, i, c->sent_ms, c->result, now);
			} else if (c->unsolicited_at <= now) {
				c->unsolicited_at = NONE;
				measure_unsolicited(&m, i, c->unsolicited, now);
			}
		}
	}
	measure_result(&m, r);
	*elapsed_ms = now;
}

void bisect_simulate(const struct measure_cfg *cfg, const struct vpath *p, struct measure_result *r,
                     int64_t *elapsed_ms)
{
	int64_t lo = 0, hi = NONE, now = 0, probe_hi = cfg->max_ms;
	int deaths = 0;

	memset(r, 0, sizeof(*r));
	now += 2 * p->rtt_ms; /* connected */
	for (int step = 0; step < 200; step++) {
		int64_t top = hi == NONE ? probe_hi : hi;
		int64_t prec = cfg->precision_ms > 0           ? cfg->precision_ms
		               : hi != NONE && hi / 100 > 1000 ? hi / 100
		                                               : 1000;
		if (top - lo <= prec)
			break;
		int64_t d = lo + (top - lo) / 2;
		if (d < cfg->min_ms)
			d = cfg->min_ms;
		now += d; /* idle, then the call */
		r->checks++;
		bool alive = p->idle_timeout_ms <= 0 || d < p->idle_timeout_ms;
		if (alive) {
			lo = d;
			now += p->rtt_ms;
			if (hi == NONE && d >= cfg->max_ms)
				break; /* no expiry up to max */
		} else {
			hi = d;
			deaths++;
			now += p->expiry == M_EXPIRY_SILENT ? cfg->check_ms : p->rtt_ms;
			now += 2 * p->rtt_ms; /* a new connection */
			r->opens++;
		}
	}
	r->lo_ms = lo;
	r->hi_ms = hi;
	r->expiry = deaths ? p->expiry : M_EXPIRY_NONE;
	r->keepalives = -1;
	r->max_open = 1;
	r->opens++;
	r->done = true;
	*elapsed_ms = now;
}
