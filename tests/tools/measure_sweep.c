/* measure_sweep.c - dcdlab measure's plan over many timeouts in virtual
 * time: T from 8 s to 7 h (log-spaced, 592 values) and the three firewall
 * expiry kinds, the default range 5 s - 8 h and 64 connections. Prints how
 * many brackets held the true T, how many met the speed targets (within
 * 3 % of T by 1.1 T + 10 s, within +-1 s by 2.2 T + 10 s) and the shortest
 * T that missed one. The README's figures come from here:
 *   make build/release/tools/measure_sweep && build/release/tools/measure_sweep */
#include <stdio.h>

#include "../../sim/virtual/measure_model.h"

int main(void)
{
	int n = 0, held = 0, ok3 = 0, ok1 = 0;
	double first_miss_s = 0;

	for (double t_s = 8; t_s <= 7 * 3600; t_s *= 1.0137)
		for (int e = M_EXPIRY_SILENT; e <= M_EXPIRY_RST_BOTH; e++) {
			struct measure_cfg cfg;
			measure_cfg_default(&cfg);
			/* the precision of the stricter target: 3 % of T, or 2 s wide */
			cfg.precision_ms = t_s * 30 < 2000 ? (int64_t)(t_s * 30) : 2000;
			struct vpath p = { (int64_t)(t_s * 1000), (enum m_expiry)e, false, 2, 40 };
			struct measure_result r;
			int64_t elapsed_ms;
			measure_simulate(&cfg, &p, &r, &elapsed_ms);
			double T = (double)p.idle_timeout_ms;
			int a = r.within_3pct_ms >= 0 && r.within_3pct_ms <= 1.1 * T + 10000;
			int b = r.within_1s_ms >= 0 && r.within_1s_ms <= 2.2 * T + 10000;
			n++;
			held += r.lo_ms < p.idle_timeout_ms && p.idle_timeout_ms <= r.hi_ms;
			ok3 += a;
			ok1 += b;
			if ((!a || !b) && (first_miss_s == 0 || t_s < first_miss_s))
				first_miss_s = t_s;
		}
	printf("%d runs: bracket held %d; within 3 %% by 1.1 T + 10 s: %d (%.1f %%); within "
	       "+-1 s by 2.2 T + 10 s: %d (%.1f %%); shortest T that missed: %.0f s\n",
	       n, held, ok3, 100.0 * ok3 / n, ok1, 100.0 * ok1 / n, first_miss_s);
	return held == n ? 0 : 1;
}
