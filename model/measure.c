/* measure.c - the plan of dcdlab measure (see measure.h). */
#include "measure.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "firewall.h"

#define NONE INT64_MAX

/* Target d opens at LADDER_STAGGER * d + (slack - 2 checks): its check
 * comes at (1 + LADDER_STAGGER) * d + slack - 2 checks, and the openings
 * are spread out, so when the first death bounds T the connections opened
 * for larger targets have idles spread across the bracket. */
#ifndef LADDER_STAGGER
#define LADDER_STAGGER 0.03
#endif

enum { GRID_PENDING, GRID_STARTED, GRID_DONE };

/* A conn marked so is closed by the next measure_actions. */
#define MC_CLOSE ((enum m_conn_state)(MC_CHECKING + 1))

static const struct {
	const char *name, *consequence;
} expiries[M_EXPIRY_COUNT] = {
	[M_EXPIRY_NONE] = { "none", "no idle expiry: idle sessions survive" },
	[M_EXPIRY_SILENT] = { "silent",
	                      "silent drop: an idle session's next call is retransmitted "
	                      "unanswered until TCP gives up (ORA-03135 after ~15 min on Linux)" },
	[M_EXPIRY_RST_NEXT] = { "rst-next",
	                        "RST to the next sender: an idle session's next call fails at "
	                        "once (ORA-03113)" },
	[M_EXPIRY_RST_BOTH] = { "rst-both",
	                        "RST to both ends at expiry: idle sessions end at once, the "
	                        "next call fails (ORA-03113)" },
	[M_EXPIRY_PEER_CLOSE] = { "peer-closes",
	                          "the far end closes idle sessions itself (FIN): a server-side "
	                          "idle limit, not a middlebox (ORA-03113 at the next call)" },
};

const char *m_expiry_name(enum m_expiry e)
{
	return (unsigned)e < M_EXPIRY_COUNT ? expiries[e].name : "?";
}

int m_expiry_parse(const char *name)
{
	for (int e = 0; e < M_EXPIRY_COUNT; e++)
		if (strcmp(name, expiries[e].name) == 0)
			return e;
	return -1;
}

static const int fw_expiries[M_EXPIRY_COUNT] = {
	[M_EXPIRY_NONE] = -1,
	[M_EXPIRY_SILENT] = FW_EXPIRY_SILENT,
	[M_EXPIRY_RST_NEXT] = FW_EXPIRY_RST_NEXT,
	[M_EXPIRY_RST_BOTH] = FW_EXPIRY_RST_BOTH,
	[M_EXPIRY_PEER_CLOSE] = -1,
};

int fw_expiry_of_m(enum m_expiry e)
{
	return (unsigned)e < M_EXPIRY_COUNT ? fw_expiries[e] : -1;
}

enum m_expiry m_expiry_of_fw(int fw_expiry)
{
	for (int e = 0; e < M_EXPIRY_COUNT; e++)
		if (fw_expiries[e] == fw_expiry && fw_expiry >= 0)
			return (enum m_expiry)e;
	return M_EXPIRY_NONE;
}

const char *m_expiry_consequence(enum m_expiry e)
{
	return (unsigned)e < M_EXPIRY_COUNT ? expiries[e].consequence : "?";
}

/* The ladder for step r: targets min, min*r, ... up to max, each with its
 * opening time, and how many would be open at once at the worst moment. */
static int build_ladder(struct measure *m, double r, int *concurrency)
{
	const struct measure_cfg *c = &m->cfg;
	int n = 0;

	for (double d = (double)c->min_ms; n < MEASURE_MAX_TARGETS; d *= r) {
		int64_t ms = d >= (double)c->max_ms ? c->max_ms : (int64_t)llround(d);
		m->grid_ms[n++] = ms;
		if (ms >= c->max_ms)
			break;
	}
	if (m->grid_ms[n - 1] < c->max_ms)
		return -1; /* too fine a step for the range */
	for (int k = 0; k < n; k++) {
		double by = LADDER_STAGGER * (double)m->grid_ms[k] + (double)c->slack_ms -
		            2.0 * (double)c->check_ms;
		m->start_by_ms[k] = by > 0 ? (int64_t)by : 0;
	}
	/* Open from start_by to start_by + target + check: the most at once. */
	int most = 0;
	for (int k = 0; k < n; k++) {
		int64_t t = m->start_by_ms[k], open = 0;
		for (int j = 0; j < n; j++)
			open += m->start_by_ms[j] <= t &&
			        t < m->start_by_ms[j] + m->grid_ms[j] + c->check_ms;
		if (open > most)
			most = (int)open;
	}
	*concurrency = most;
	m->n_grid = n;
	return 0;
}

void measure_cfg_default(struct measure_cfg *cfg)
{
	*cfg = (struct measure_cfg){ .min_ms = 5000,
		                     .max_ms = 8 * 3600000LL,
		                     .max_conns = 64,
		                     .keepalive_test = true,
		                     .check_ms = 1000,
		                     .slack_ms = 10000 };
}

int measure_init(struct measure *m, const struct measure_cfg *cfg, int64_t now_ms, char *why,
                 int whylen)
{
	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	m->t0_ms = now_ms;
	m->lo_ms = 0;
	m->hi_ms = NONE;
	m->keepalives = -1;
	m->within_3pct_ms = m->within_1s_ms = -1;
	m->witness = -1;
	int ka = cfg->keepalive_test ? MEASURE_KA_CONNS : 0;
	if (cfg->min_ms < 1000 || cfg->max_ms <= cfg->min_ms) {
		snprintf(why, (size_t)whylen, "the range must be at least 1 s and --min < --max");
		return -1;
	}
	if (cfg->max_conns < ka + 2 || cfg->max_conns > MEASURE_MAX_CONNS) {
		snprintf(why, (size_t)whylen, "--connections: from %d to %d", ka + 2,
		         MEASURE_MAX_CONNS);
		return -1;
	}
	/* The finest step whose ladder fits the connections left for it. */
	int budget = cfg->max_conns - ka, most = 0;
	double r = 1.01;
	for (; r < 16; r *= 1.005)
		if (build_ladder(m, r, &most) == 0 && most <= budget)
			break;
	if (r >= 16) {
		snprintf(why, (size_t)whylen, "no ladder of idle periods fits %d connections",
		         budget);
		return -1;
	}
	m->ratio = r;
	return 0;
}

int measure_keepidle_s(const struct measure *m)
{
	int s = (int)(m->cfg.min_ms / 2000);
	return s < 1 ? 1 : s;
}

static int64_t precision(const struct measure *m)
{
	if (m->cfg.precision_ms > 0)
		return m->cfg.precision_ms;
	if (m->hi_ms == NONE)
		return 1000;
	return m->hi_ms / 100 > 1000 ? m->hi_ms / 100 : 1000;
}

static bool useless(const struct measure *m, int64_t target_ms)
{
	return target_ms <= m->lo_ms || target_ms >= m->hi_ms;
}

/* Is anything of the ladder still to tell, or a connection out? */
static bool bracket_settled(const struct measure *m)
{
	for (int k = 0; k < m->n_grid; k++)
		if (m->grid_state[k] == GRID_PENDING && !useless(m, m->grid_ms[k]))
			return false;
	for (int i = 0; i < m->cfg.max_conns; i++) {
		const struct m_conn *c = &m->conn[i];
		if (!c->keepalive &&
		    (c->state == MC_OPENING || c->state == MC_IDLE || c->state == MC_CHECKING))
			return false;
	}
	return true;
}

/* Once a death bounds T: the largest gap between lo, the targets inside
 * (lo, hi) and hi; its middle in *mid. */
static int64_t largest_gap(const struct measure *m, int64_t *mid)
{
	int64_t t[MEASURE_MAX_CONNS + 2];
	int n = 0;

	t[n++] = m->lo_ms;
	for (int i = 0; i < m->cfg.max_conns; i++) {
		const struct m_conn *c = &m->conn[i];
		if (!c->keepalive && c->state != MC_FREE && c->state != MC_CLOSE &&
		    !useless(m, c->target_ms))
			t[n++] = c->target_ms;
	}
	t[n++] = m->hi_ms;
	for (int a = 1; a < n; a++) /* insertion sort: at most a few hundred */
		for (int b = a; b > 0 && t[b - 1] > t[b]; b--) {
			int64_t x = t[b];
			t[b] = t[b - 1];
			t[b - 1] = x;
		}
	int64_t best = 0;
	for (int a = 1; a < n; a++)
		if (t[a] - t[a - 1] > best) {
			best = t[a] - t[a - 1];
			*mid = t[a - 1] + best / 2;
		}
	return best;
}

static bool keepalive_settled(const struct measure *m)
{
	if (!m->cfg.keepalive_test || m->keepalives >= 0)
		return true;
	for (int i = 0; i < m->cfg.max_conns; i++)
		if (m->conn[i].keepalive && m->conn[i].state != MC_FREE)
			return false;
	return true; /* none left to ask */
}

/* How long the witness waits past the shortest idle that died. */
static int64_t witness_wait_ms(const struct measure *m)
{
	return m->hi_ms / 50 > 2000 ? m->hi_ms / 50 : 2000;
}

bool measure_done(const struct measure *m)
{
	if (m->gave_up)
		return true;
	if (m->witness >= 0)
		return false;
	if (!keepalive_settled(m) && m->hi_ms != NONE)
		return false;
	if (m->hi_ms != NONE && m->hi_ms - m->lo_ms <= precision(m))
		return true;
	return bracket_settled(m); /* nothing more out, none more to open */
}

static int take_free_conn(struct measure *m)
{
	for (int i = 0; i < m->cfg.max_conns; i++)
		if (m->conn[i].state == MC_FREE)
			return i;
	return -1;
}

static void open_conn(struct measure *m, int i, int64_t target_ms, bool keepalive)
{
	m->conn[i] = (struct m_conn){ .state = MC_OPENING,
		                      .keepalive = keepalive,
		                      .target_ms = target_ms };
	m->n_open++;
	if (m->n_open > m->max_open)
		m->max_open = m->n_open;
}

static int push(struct m_action *out, int n, int max, enum m_action_kind kind, int conn,
                bool keepalive)
{
	if (n < max)
		out[n++] = (struct m_action){ kind, conn, keepalive };
	return n;
}

/* Refine a bracket: a connection whose target the bracket made useless is
 * a clock already running - checked now if its idle is inside the bracket,
 * else given the middle of the largest gap; free connections open for the
 * gaps still wider than the precision, while their check can come within
 * the time bound. */
static int refine(struct measure *m, int64_t now_ms, struct m_action *out, int n, int max)
{
	if (m->hi_ms == NONE)
		return n;
	if (m->witness < 0 && !m->witnessed && m->deaths[M_EXPIRY_RST_NEXT] &&
	    !m->deaths[M_EXPIRY_RST_BOTH]) {
		/* The connection idle the longest stays unasked until well past
		 * what died: does a RST come to it by itself? */
		int64_t longest = -1;
		for (int i = 0; i < m->cfg.max_conns; i++) {
			const struct m_conn *c = &m->conn[i];
			if (!c->keepalive && c->state == MC_IDLE &&
			    now_ms - c->idle_since_ms > longest) {
				longest = now_ms - c->idle_since_ms;
				m->witness = i;
			}
		}
		if (m->witness >= 0) {
			m->witnessed = true;
			m->conn[m->witness].target_ms = NONE / 2;
		}
	}
	for (int i = 0; i < m->cfg.max_conns; i++) {
		struct m_conn *c = &m->conn[i];
		if (c->keepalive || c->state != MC_IDLE || !useless(m, c->target_ms) ||
		    i == m->witness)
			continue;
		int64_t idle = now_ms - c->idle_since_ms, mid = 0;
		if (idle >= m->hi_ms)
			c->state = MC_CLOSE; /* it is past what died */
		else if (idle > m->lo_ms)
			c->target_ms = idle; /* inside the bracket: ask now */
		else if (largest_gap(m, &mid) > precision(m))
			c->target_ms = mid;
		else
			c->state = MC_CLOSE;
	}
	int64_t bound =
	        m->t0_ms + m->cfg.slack_ms + (int64_t)(MEASURE_TIME_BOUND * (double)m->hi_ms);
	int64_t mid = 0;
	while (n < max && m->n_open < m->cfg.max_conns && largest_gap(m, &mid) > precision(m) &&
	       now_ms + mid + m->cfg.check_ms <= bound) {
		int i = take_free_conn(m);
		open_conn(m, i, mid, false);
		n = push(out, n, max, M_OPEN, i, false);
	}
	return n;
}

int measure_actions(struct measure *m, int64_t now_ms, struct m_action *out, int max)
{
	int n = 0;
	int64_t since_t0 = now_ms - m->t0_ms;

	n = refine(m, now_ms, out, n, max);
	if (m->witness >= 0 && m->conn[m->witness].state == MC_IDLE &&
	    now_ms - m->conn[m->witness].idle_since_ms >= m->hi_ms + witness_wait_ms(m)) {
		m->conn[m->witness].state = MC_CLOSE; /* no RST came: rst-next */
		m->witness = -1;
	}
	for (int i = 0; i < m->cfg.max_conns && n < max; i++) {
		struct m_conn *c = &m->conn[i];
		if (c->state == MC_CLOSE) {
			n = push(out, n, max, M_CLOSE, i, false);
			c->state = MC_FREE;
			m->n_open--;
		} else if (c->state == MC_IDLE && !c->keepalive &&
		           now_ms - c->idle_since_ms >= c->target_ms) {
			n = push(out, n, max, M_CHECK, i, false);
			c->state = MC_CHECKING;
		} else if (c->state == MC_IDLE && c->keepalive && m->keepalives < 0 &&
		           m->hi_ms != NONE && now_ms - c->idle_since_ms >= m->hi_ms) {
			/* Idle longer than an idle that died: alive only if its
			 * keepalives kept the path's state. One asks for both. */
			bool asked = false;
			for (int j = 0; j < m->cfg.max_conns; j++)
				asked |= m->conn[j].keepalive && m->conn[j].state == MC_CHECKING;
			if (!asked) {
				n = push(out, n, max, M_CHECK, i, false);
				c->state = MC_CHECKING;
			}
		}
	}
	if (measure_done(m) || n >= max)
		return n;
	/* The keepalive pair first, at the start. */
	if (m->cfg.keepalive_test && m->opens + m->open_failures == 0 && m->n_open == 0)
		for (int k = 0; k < MEASURE_KA_CONNS && n < max; k++) {
			int i = take_free_conn(m);
			open_conn(m, i, 0, true);
			n = push(out, n, max, M_OPEN, i, true);
		}
	for (int k = 0; k < m->n_grid && n < max; k++) {
		if (m->grid_state[k] != GRID_PENDING)
			continue;
		if (useless(m, m->grid_ms[k])) {
			m->grid_state[k] = GRID_DONE;
			continue;
		}
		if (m->start_by_ms[k] > since_t0)
			break; /* in order of their latest start */
		int i = take_free_conn(m);
		if (i < 0)
			break;
		m->grid_state[k] = GRID_STARTED;
		open_conn(m, i, m->grid_ms[k], false);
		n = push(out, n, max, M_OPEN, i, false);
	}
	return n;
}

int64_t measure_wake_ms(const struct measure *m, int64_t now_ms)
{
	int64_t at = NONE;
	bool free_slot = m->n_open < m->cfg.max_conns;

	bool ka_asked = false;

	for (int i = 0; i < m->cfg.max_conns; i++)
		ka_asked |= m->conn[i].keepalive && m->conn[i].state == MC_CHECKING;
	for (int i = 0; i < m->cfg.max_conns; i++) {
		const struct m_conn *c = &m->conn[i];
		if (c->state == MC_CLOSE)
			return now_ms;
		if (c->state == MC_IDLE && !c->keepalive && c->idle_since_ms + c->target_ms < at)
			at = c->idle_since_ms + c->target_ms;
		if (c->state == MC_IDLE && c->keepalive && !ka_asked && m->keepalives < 0 &&
		    m->hi_ms != NONE && c->idle_since_ms + m->hi_ms < at)
			at = c->idle_since_ms + m->hi_ms;
	}
	if (m->witness >= 0 &&
	    m->conn[m->witness].idle_since_ms + m->hi_ms + witness_wait_ms(m) < at)
		at = m->conn[m->witness].idle_since_ms + m->hi_ms + witness_wait_ms(m);
	for (int k = 0; free_slot && k < m->n_grid; k++)
		if (m->grid_state[k] == GRID_PENDING && !useless(m, m->grid_ms[k])) {
			if (m->t0_ms + m->start_by_ms[k] < at)
				at = m->t0_ms + m->start_by_ms[k];
			break;
		}
	return at < now_ms ? now_ms : at;
}

void measure_opened(struct measure *m, int conn, int64_t now_ms)
{
	struct m_conn *c = &m->conn[conn];

	m->opens++;
	c->state = MC_IDLE;
	c->idle_since_ms = now_ms;
	if (!c->keepalive && useless(m, c->target_ms))
		c->state = MC_CLOSE; /* what it was for is known by now */
}

void measure_open_failed(struct measure *m, int conn)
{
	struct m_conn *c = &m->conn[conn];

	m->open_failures++;
	c->state = MC_FREE;
	m->n_open--;
	/* Three in a row with none open at all: the far end is not there. */
	if (m->open_failures >= 3 && m->opens == 0)
		m->gave_up = true;
	if (!c->keepalive) {
		for (int k = 0; k < m->n_grid; k++)
			if (m->grid_ms[k] == c->target_ms && m->grid_state[k] == GRID_STARTED)
				m->grid_state[k] = GRID_PENDING; /* try it again */
	}
}

/* What the bracket's new ends make useless is closed. */
static void close_useless(struct measure *m)
{
	for (int i = 0; i < m->cfg.max_conns; i++) {
		struct m_conn *c = &m->conn[i];
		if (!c->keepalive && c->state == MC_IDLE && useless(m, c->target_ms))
			c->state = MC_CLOSE;
	}
}

static void died(struct measure *m, int64_t idle_ms, enum m_expiry kind)
{
	if (idle_ms <= m->lo_ms) {
		m->inconsistent++; /* shorter than an idle that survived: the path flapped */
		return;
	}
	m->deaths[kind]++;
	if (idle_ms < m->hi_ms)
		m->hi_ms = idle_ms;
}

static void settle(struct measure *m, int64_t now_ms)
{
	if (m->hi_ms == NONE) {
		close_useless(m);
		return;
	}
	int64_t width = m->hi_ms - m->lo_ms;
	if (m->within_3pct_ms < 0 && width * 100 <= m->hi_ms * 3)
		m->within_3pct_ms = now_ms - m->t0_ms;
	if (m->within_1s_ms < 0 && width <= 2000)
		m->within_1s_ms = now_ms - m->t0_ms;
}

void measure_checked(struct measure *m, int conn, int64_t sent_ms, enum m_outcome o, int64_t now_ms)
{
	struct m_conn *c = &m->conn[conn];
	int64_t idle_ms = sent_ms - c->idle_since_ms;

	m->checks++;
	c->state = MC_CLOSE;
	if (c->keepalive) {
		m->keepalives = o == M_ANSWERED ? 1 : 0;
		for (int i = 0; i < m->cfg.max_conns; i++)
			if (m->conn[i].keepalive && m->conn[i].state == MC_IDLE)
				m->conn[i].state = MC_CLOSE;
		settle(m, now_ms);
		return;
	}
	if (o == M_ANSWERED) {
		if (idle_ms >= m->hi_ms)
			m->inconsistent++; /* longer than one that died: the path flapped */
		else if (idle_ms > m->lo_ms)
			m->lo_ms = idle_ms;
	} else {
		died(m, idle_ms,
		     o == M_RST   ? M_EXPIRY_RST_NEXT
		     : o == M_FIN ? M_EXPIRY_PEER_CLOSE
		                  : M_EXPIRY_SILENT);
	}
	settle(m, now_ms);
}

void measure_unsolicited(struct measure *m, int conn, enum m_outcome o, int64_t now_ms)
{
	struct m_conn *c = &m->conn[conn];
	int64_t idle_ms = now_ms - c->idle_since_ms;

	if (c->state != MC_IDLE && c->state != MC_CHECKING)
		return;
	if (c->keepalive) {
		/* Its keepalives did not keep it: ignored (or dropped) by the path. */
		c->state = MC_CLOSE;
		/* a FIN is the far end closing: no verdict on keepalives */
		if (m->keepalives < 0 && (o == M_RST || o == M_NO_ANSWER))
			m->keepalives = 0;
		settle(m, now_ms);
		return;
	}
	c->state = MC_CLOSE;
	if (conn == m->witness)
		m->witness = -1;
	died(m, idle_ms,
	     o == M_RST   ? M_EXPIRY_RST_BOTH
	     : o == M_FIN ? M_EXPIRY_PEER_CLOSE
	                  : M_EXPIRY_SILENT);
	settle(m, now_ms);
}

void measure_result(const struct measure *m, struct measure_result *r)
{
	memset(r, 0, sizeof(*r));
	r->lo_ms = m->lo_ms;
	r->hi_ms = m->hi_ms;
	r->keepalives = m->keepalives;
	r->precision_ms = precision(m);
	r->checks = m->checks;
	r->opens = m->opens;
	r->max_open = (unsigned)m->max_open;
	r->inconsistent = m->inconsistent;
	r->ratio = m->ratio;
	r->done = measure_done(m);
	r->within_3pct_ms = m->within_3pct_ms;
	r->within_1s_ms = m->within_1s_ms;
	r->expiry = M_EXPIRY_NONE;
	if (m->deaths[M_EXPIRY_RST_BOTH]) { /* a RST unasked: the path resets idle flows */
		r->expiry = M_EXPIRY_RST_BOTH;
		return;
	}
	for (int e = M_EXPIRY_SILENT; e < M_EXPIRY_COUNT; e++)
		if (m->deaths[e] > m->deaths[r->expiry] ||
		    (r->expiry == M_EXPIRY_NONE && m->deaths[e]))
			r->expiry = (enum m_expiry)e;
}

int measured_path_load(const char *file, struct measured_path *p, struct dcd_err *err)
{
	json_error_t je;
	json_t *o = json_load_file(file, 0, &je);
	const char *expiry = NULL, *ka = NULL;

	if (!o) {
		err_set(err, "%s:%d:%d: %s", file, je.line, je.column, je.text);
		return -1;
	}
	json_t *t = json_object_get(o, "timeout_s"), *lo = json_object_get(o, "survived_s");
	if (json_unpack(o, "{s:s, s:s}", "expiry", &expiry, "keepalives", &ka) != 0 ||
	    !json_is_number(lo)) {
		err_set(err,
		        "%s: not the JSON of dcdlab measure --json (expected expiry, keepalives, "
		        "survived_s)",
		        file);
	} else if (!json_is_object(t) || strcmp(expiry, "none") == 0) {
		err_set(err,
		        "%s: the measurement found no idle timeout (up to %.0f s): there is no "
		        "firewall to check against",
		        file, json_number_value(lo));
	} else if (fw_expiry_parse(expiry) < 0) {
		err_set(err, "%s: expiry \"%s\": %s", file, expiry,
		        strcmp(expiry, "peer-closes") == 0
		                ? "the far end closes idle sessions itself, a server-side idle "
		                  "limit, not a firewall"
		                : "expected " FW_EXPIRY_KEYWORDS);
	} else if (json_number_value(lo) < 1) {
		err_set(err, "%s: no idle of 1 s or more survived", file);
	} else {
		p->idle_ms = (int64_t)(json_number_value(lo) * 1000);
		p->expiry = fw_expiry_parse(expiry);
		p->keepalives_counted = strcmp(ka, "ignored") != 0;
	}
	json_decref(o);
	return err->msg[0] ? -1 : 0;
}
