/* outcome.c - names of session ends. */
#include "outcome.h"

#include <strings.h>

static const struct {
	const char *name;
	bool dead_peer;
	bool db;
} end_causes[END_CAUSE_COUNT] = {
	[END_EOF] = { "eof", false },
	[END_DISCONNECT] = { "disconnect", false },
	[END_RST] = { "rst", false },
	[END_KEEPALIVE_TIMEOUT] = { "keepalive-timeout", true },
	[END_RETRANS_TIMEOUT] = { "retransmission-timeout", true },
	[END_USER_TIMEOUT] = { "user-timeout", true },
	[END_CONNECT_TIMEOUT] = { "inbound-connect-timeout", false },
	[END_REFUSED] = { "refused", false },
	[END_PROTOCOL_ERROR] = { "protocol-error", false },
	[END_SHUTDOWN] = { "shutdown", false },
	[END_ERROR] = { "error", false },
	[END_KILLED] = { "killed", false, true },
	[END_KILLED_IMMEDIATE] = { "killed-immediate", false, true },
	[END_KILLED_GONE] = { "killed-then-gone", false, true },
	[END_MAX_IDLE] = { "max-idle-time", false, true },
	[END_MAX_IDLE_BLOCKER] = { "max-idle-blocker-time", false, true },
	[END_SNIPED] = { "sniped", false, true },
	[END_SNIPED_GONE] = { "sniped-then-gone", false, true },
};

const char *end_cause_name(enum end_cause c)
{
	return (unsigned)c < END_CAUSE_COUNT ? end_causes[c].name : "unknown";
}

bool end_cause_is_dead_peer(enum end_cause c)
{
	return (unsigned)c < END_CAUSE_COUNT && end_causes[c].dead_peer;
}

bool end_cause_is_db(enum end_cause c)
{
	return (unsigned)c < END_CAUSE_COUNT && end_causes[c].db;
}

int end_cause_parse(const char *s)
{
	for (int i = 0; i < END_CAUSE_COUNT; i++)
		if (strcasecmp(s, end_causes[i].name) == 0)
			return i;
	return -1;
}

static const char *const verdict_names[VERDICT_COUNT] = {
	[VERDICT_ALIVE] = "alive",
	[VERDICT_CLOSED] = "closed",
	[VERDICT_DEAD_PEER] = "dead-peer",
	[VERDICT_FIREWALL_DROP] = "firewall-drop",
	[VERDICT_SERVER_ENDED] = "server-ended",
	[VERDICT_UNKNOWN] = "unknown",
};

const char *verdict_name(enum verdict v)
{
	return (unsigned)v < VERDICT_COUNT ? verdict_names[v] : "?";
}

int verdict_parse(const char *s)
{
	for (int i = 0; i < VERDICT_COUNT; i++)
		if (strcasecmp(s, verdict_names[i]) == 0)
			return i;
	return -1;
}
