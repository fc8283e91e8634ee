/* linux_timers.c - when Linux's TCP timers fire (see linux_timers.h). */
#include "linux_timers.h"

static int64_t wheel_granularity_ms(int64_t ms)
{
	int64_t jiffies = ms * LINUX_HZ / 1000;
	int level = 0;

	while (level < 8 && jiffies >= (63LL << (3 * level)))
		level++;
	return (1LL << (3 * level)) * 1000 / LINUX_HZ;
}

int64_t linux_timer_ms(int64_t ms, enum timer_lateness late)
{
	switch (late) {
	case TIMER_EXACT: return ms;
	case TIMER_TYPICAL: return ms + wheel_granularity_ms(ms) / 2;
	case TIMER_LATEST: break;
	}
	return ms + wheel_granularity_ms(ms);
}

int64_t tcp_retrans_timeout_ms(int retries, int rto_base_ms)
{
	/* RTO doubles until it reaches TCP_RTO_MAX, then stays there; the
	 * connection dies when this much time has passed since the first
	 * retransmission was due. */
	int64_t rto = rto_base_ms, total = 0;

	for (int i = 0; i <= retries; i++) {
		total += rto;
		rto = rto * 2 > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : rto * 2;
	}
	return total;
}

int64_t keepalive_give_up_ms(const struct keepalive *ka, enum timer_lateness late)
{
	int64_t ms = linux_timer_ms((int64_t)ka->idle_s * 1000, late);

	for (int i = 0; i < ka->cnt; i++)
		ms += linux_timer_ms((int64_t)ka->intvl_s * 1000, late);
	return ms;
}
