/* tnsclient.h - one client connection to a TNS listener (tnsclient.c). */
#ifndef DCDLAB_TNSCLIENT_H
#define DCDLAB_TNSCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/sbuf.h"
#include "../lib/tns.h"
#include "../model/descriptor.h"

struct tns_client {
	int fd;
	bool large_sdu;
	int64_t call_timeout_ms;    /* 0: wait forever (Oracle's default) */
	int64_t connect_timeout_ms; /* 0: the kernel's own */
	uint64_t probes_seen;       /* legacy NS probes read */
	struct sbuf in;             /* bytes read, not yet a whole packet */
	unsigned local_port;        /* once connected: joins it to captures */
};

/* poll()'s timeout for a deadline on the monotonic clock (0 = none), at
 * most INT_MAX ms: a longer wait is repeated by the caller, never infinite. */
int tns_poll_ms(int64_t deadline_ms);

/* TCP connect to the address within connect_timeout_ms; the socket is left
 * blocking. -1 with the ORA code a client would show and why. */
int tns_client_connect_tcp(struct tns_client *c, const struct dcd_address *a, int *ora, char *why,
                           size_t whylen);
/* CONNECT with the descriptor's text, then ACCEPT (0) or REFUSE (-1, the
 * listener's ORA code). */
int tns_client_handshake(struct tns_client *c, const struct dcd_descriptor *d, int *ora, char *why,
                         size_t whylen);
/* One call (a DATA packet with the payload) and its answer, within
 * call_timeout_ms: 0, or the ORA code (03113 closed, 03135 timed out). NS
 * probes read on the way are counted. */
int tns_client_call(struct tns_client *c, const char *payload, char *why, size_t whylen);
/* A question to dcdlab listen (a call whose answer says something): the
 * answer's payload as text into answer; 0, or -1 with why. */
int tns_client_ask(struct tns_client *c, const char *question, char *answer, size_t alen, char *why,
                   size_t whylen);
/* Close the socket (if open) and free the buffer; fd is -1 after. */
void tns_client_close(struct tns_client *c);

/* All of buf, or -1 with errno. */
int tns_client_send(struct tns_client *c, const void *buf, size_t n);
/* One whole TNS packet into c->in (at its start) within timeout_ms (0 =
 * forever): 1, 0 on timeout, -1 with errno set (0 for EOF). */
int tns_client_read_packet(struct tns_client *c, int64_t timeout_ms, struct tns_header *h);
/* Drop the first n bytes of c->in (a packet handled). */
void tns_client_consume(struct tns_client *c, size_t n);
/* An answer that is the database's error ("ORA-00028: ..."): its number,
 * with the text into why; 0 when it is not. */
int tns_answer_ora(const uint8_t *p, size_t n, char *why, size_t whylen);
/* The ORA error a failed read or write means mid-session. */
int tns_ora_for_errno(int e);

#endif
