/* sockdcd.c - what a live socket's DCD settings mean (see sockdcd.h). */
#include "sockdcd.h"

#include "linux_timers.h"

static const char *const profile_names[SP_COUNT] = {
	[SP_NONE] = "none",
	[SP_ORACLE] = "oracle",
	[SP_NODE_THIN] = "node-oracledb-thin",
	[SP_OS_DEFAULT] = "os-default",
	[SP_CUSTOM] = "custom",
};

const char *sock_profile_name(enum sock_profile p)
{
	return (unsigned)p < SP_COUNT ? profile_names[p] : "?";
}

enum sock_profile sock_profile_of(bool on, const struct keepalive *ka, int *expire_min)
{
	*expire_min = 0;
	if (!on)
		return SP_NONE;
	if (ka->idle_s % 60 == 0 && ka->idle_s > 0 && ka->cnt == ORACLE_DCD_KEEPCNT &&
	    (ka->intvl_s == ORACLE_DCD_KEEPINTVL_S || ka->intvl_s == 1)) {
		*expire_min = ka->idle_s / 60;
		return ka->intvl_s == 1 ? SP_NODE_THIN : SP_ORACLE;
	}
	if (ka->idle_s == os_tcp_linux_default.keepalive.idle_s &&
	    ka->intvl_s == os_tcp_linux_default.keepalive.intvl_s &&
	    ka->cnt == os_tcp_linux_default.keepalive.cnt)
		return SP_OS_DEFAULT;
	return SP_CUSTOM;
}

int64_t keepalive_dead_in_ms(uint32_t expires_ms, int probes_out, const struct keepalive *ka)
{
	/* The timer's next firing sends probe probes_out + 1, or gives up when
	 * cnt are out already; each further probe is an interval later. */
	int left = ka->cnt - probes_out;
	return (int64_t)expires_ms + (left > 0 ? (int64_t)left * ka->intvl_s * 1000 : 0);
}

enum fw_standing fw_standing_of(int64_t idle_ms, int64_t fw_idle_ms, bool on,
                                const struct keepalive *ka, bool keepalives_counted)
{
	if (fw_idle_ms <= 0)
		return FW_NOT_GIVEN;
	/* A keepalive keeps the flow when its first probe, as late as the
	 * kernel's timer may fire, comes before the middlebox forgets. */
	bool keeps = on && keepalives_counted && ka->idle_s > 0 &&
	             linux_timer_ms((int64_t)ka->idle_s * 1000, TIMER_LATEST) < fw_idle_ms;
	if (idle_ms < fw_idle_ms)
		return keeps || !on ? FW_WITHIN : FW_KEEPALIVE_LATE;
	return keeps ? FW_KEPT : FW_PAST;
}

const char *fw_standing_name(enum fw_standing s)
{
	static const char *const names[] = {
		[FW_NOT_GIVEN] = "-",
		[FW_WITHIN] = "within",
		[FW_KEPT] = "kept",
		[FW_PAST] = "past-fw-timeout",
		[FW_KEEPALIVE_LATE] = "keepalive-late",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
