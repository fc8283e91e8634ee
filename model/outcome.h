/* outcome.h - how a session ends, in the words the whole toolkit uses.
 *
 * The listener reports these, the analyzer infers them from captures, the
 * simulator predicts them. A "dead peer" is an end the server found by
 * itself, by probing. */
#ifndef DCDLAB_OUTCOME_H
#define DCDLAB_OUTCOME_H

#include <stdbool.h>

enum end_cause {
	END_EOF,               /* peer closed the TCP connection (FIN) */
	END_DISCONNECT,        /* peer sent a TNS DATA with the EOF flag */
	END_RST,               /* connection reset by peer or middlebox */
	END_KEEPALIVE_TIMEOUT, /* KEEPCNT probes unanswered: ETIMEDOUT */
	END_RETRANS_TIMEOUT,   /* data (e.g. NS probe) never ACKed: ETIMEDOUT */
	END_USER_TIMEOUT,      /* TCP_USER_TIMEOUT expired */
	END_CONNECT_TIMEOUT,   /* no complete CONNECT in time (ORA-03136) */
	END_REFUSED,           /* we sent REFUSE */
	END_PROTOCOL_ERROR,    /* bytes that are not TNS */
	END_SHUTDOWN,          /* we shut down */
	END_ERROR,             /* any other socket error */
	/* The database's own ends (dbend.h). */
	END_KILLED,           /* KILL SESSION: the client's next call got ORA-00028 */
	END_KILLED_IMMEDIATE, /* KILL SESSION IMMEDIATE: the process ended at once */
	END_KILLED_GONE,      /* KILLED, and the client went before it called again */
	END_MAX_IDLE,         /* MAX_IDLE_TIME */
	END_MAX_IDLE_BLOCKER, /* MAX_IDLE_BLOCKER_TIME */
	END_SNIPED,           /* profile IDLE_TIME: the next call got ORA-02396 */
	END_SNIPED_GONE,      /* SNIPED, and the client went before it called again */
	END_CAUSE_COUNT
};

const char *end_cause_name(enum end_cause c);
bool end_cause_is_dead_peer(enum end_cause c);
/* Ended by the database itself (KILL SESSION, an idle limit). */
bool end_cause_is_db(enum end_cause c);
/* Parse "keepalive-timeout" etc.; returns -1 if unknown. */
int end_cause_parse(const char *s);

/* What the capture analyzer concludes about a flow. */
enum verdict {
	VERDICT_ALIVE,
	VERDICT_CLOSED,
	VERDICT_DEAD_PEER,
	VERDICT_FIREWALL_DROP,
	VERDICT_SERVER_ENDED, /* the server closed an idle session (or sent an ORA error) */
	VERDICT_UNKNOWN,
	VERDICT_COUNT
};

const char *verdict_name(enum verdict v);
/* Parse "dead-peer" etc.; returns -1 if unknown. */
int verdict_parse(const char *s);

#endif
