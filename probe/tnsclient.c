/* tnsclient.c - one client connection to a TNS listener: TCP connect with
 * a timeout, CONNECT -> ACCEPT/REFUSE, calls. Blocking sockets with poll()
 * timeouts, shared by dcdlab connect and dcdlab measure. */
#include "tnsclient.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/numparse.h"
#include "../lib/tns.h"
#include "../model/nv.h"

/* poll()'s timeout for a deadline on the monotonic clock (0 = none): at
 * most INT_MAX ms, so a timeout of 2^31 ms or more is a long wait that the
 * caller repeats until the deadline, never an infinite one. */
int tns_poll_ms(int64_t deadline)
{
	if (deadline == 0)
		return -1;
	int64_t left = deadline - clock_now_ms(&clock_monotonic);
	return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

int tns_client_connect_tcp(struct tns_client *c, const struct dcd_address *a, int *ora, char *why,
                           size_t whylen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	char port[8];
	int rc, saved = 0;

	snprintf(port, sizeof(port), "%u", a->port);
	rc = getaddrinfo(a->host, port, &hints, &res);
	if (rc != 0) {
		*ora = 12545;
		snprintf(why, whylen, "%s: %s", a->host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
			saved = errno;
			close(fd);
			continue;
		}
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int64_t deadline = c->connect_timeout_ms > 0
		                           ? clock_now_ms(&clock_monotonic) + c->connect_timeout_ms
		                           : 0;
		do
			rc = poll(&pfd, 1, tns_poll_ms(deadline));
		while ((rc < 0 && errno == EINTR) ||
		       (rc == 0 && deadline && clock_now_ms(&clock_monotonic) < deadline));
		if (rc <= 0) {
			/* A failed poll is a failed connect, never a connected one. */
			saved = rc == 0 ? ETIMEDOUT : errno;
			close(fd);
			continue;
		}
		socklen_t len = sizeof(saved);
		saved = 0;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &saved, &len) != 0)
			saved = errno;
		int fl = saved ? -1 : fcntl(fd, F_GETFL);
		if (saved == 0 && (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0))
			saved = errno;
		if (saved != 0) {
			close(fd);
			continue;
		}
		c->fd = fd;
		struct sockaddr_storage local;
		socklen_t llen = sizeof(local);
		if (getsockname(fd, (struct sockaddr *)&local, &llen) == 0)
			c->local_port = ntohs(local.ss_family == AF_INET6
			                              ? ((struct sockaddr_in6 *)&local)->sin6_port
			                              : ((struct sockaddr_in *)&local)->sin_port);
		freeaddrinfo(res);
		return 0;
	}
	freeaddrinfo(res);
	*ora = saved == ECONNREFUSED                             ? 12541
	       : saved == ETIMEDOUT                              ? 12170
	       : (saved == EHOSTUNREACH || saved == ENETUNREACH) ? 12543
	                                                         : 12560;
	snprintf(why, whylen, "%s:%u: %s", a->host, a->port, strerror(saved ? saved : EIO));
	return -1;
}

int tns_client_send(struct tns_client *c, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read one whole TNS packet into c->in (prefix), waiting up to
 * timeout_ms (0 = forever). Returns 1, 0 on timeout, -1 with errno set
 * (0 for EOF). */
int tns_client_read_packet(struct tns_client *c, int64_t timeout_ms, struct tns_header *h)
{
	int64_t deadline = timeout_ms > 0 ? clock_now_ms(&clock_monotonic) + timeout_ms : 0;

	for (;;) {
		const char *why;
		if (c->in.len >= TNS_HEADER_LEN) {
			enum tns_decode rc =
			        tns_header_decode((const uint8_t *)c->in.buf, c->in.len,
			                          c->large_sdu, 4u << 20, h, &why);
			if (rc == TNS_BAD) {
				errno = EPROTO;
				return -1;
			}
			if (c->in.len >= h->length)
				return 1;
		}
		if (deadline && deadline - clock_now_ms(&clock_monotonic) <= 0)
			return 0;
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		int rc = poll(&pfd, 1, tns_poll_ms(deadline));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue; /* the deadline is checked above (poll waits <= INT_MAX ms) */
		char buf[16384];
		ssize_t r = recv(c->fd, buf, sizeof(buf), 0);
		if (r == 0) {
			errno = 0;
			return -1;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		sbuf_add(&c->in, buf, (size_t)r);
	}
}

void tns_client_consume(struct tns_client *c, size_t n)
{
	memmove(c->in.buf, c->in.buf + n, c->in.len - n);
	c->in.len -= n;
}

/* The ORA error a failed read/write means mid-session. */
int tns_ora_for_errno(int e)
{
	return e == ETIMEDOUT ? 3135 : 3113;
}

int tns_client_handshake(struct tns_client *c, const struct dcd_descriptor *d, int *ora, char *why,
                         size_t whylen)
{
	struct sbuf out = { 0 };
	struct tns_header h;
	bool follows;
	int rc;

	tns_put_connect(&out, d->text, &follows);
	if (follows)
		tns_put_data(&out, false, 0, d->text, strlen(d->text));
	rc = tns_client_send(c, out.buf, out.len);
	sbuf_free(&out);
	if (rc != 0) {
		*ora = 12537;
		snprintf(why, whylen, "sending CONNECT: %s", strerror(errno));
		return -1;
	}
	rc = tns_client_read_packet(c, c->connect_timeout_ms, &h);
	if (rc <= 0) {
		*ora = rc == 0 ? 12170 : 12537;
		snprintf(why, whylen, "waiting for ACCEPT: %s",
		         rc == 0 ? "timed out"
		         : errno ? strerror(errno)
		                 : "connection closed");
		return -1;
	}
	const uint8_t *p = (const uint8_t *)c->in.buf;
	if (h.type == TNS_ACCEPT && h.length >= 10) {
		uint16_t version = (uint16_t)(p[8] << 8 | p[9]);
		c->large_sdu = version >= TNS_VERSION_LARGE_SDU;
		tns_client_consume(c, h.length);
		snprintf(why, whylen, "ACCEPT, TNS version %u", version);
		return 0;
	}
	if (h.type == TNS_REFUSE) {
		/* "(DESCRIPTION=(TMP=)(VSNNUM=0)(ERR=12514)...)" after 12 bytes. */
		struct nv_error nerr;
		struct nv *nv =
		        h.length > 12 ? nv_parse((const char *)p + 12, h.length - 12, &nerr) : NULL;
		const struct nv *e = nv ? nv_path(nv, "DESCRIPTION", "ERR", NULL) : NULL;
		long code = 12564;
		if (e && e->atom)
			parse_long(e->atom, 1, 99999, &code);
		*ora = (int)code;
		snprintf(why, whylen, "listener sent REFUSE%s", nv ? "" : " without readable text");
		nv_free(nv);
		tns_client_consume(c, h.length);
		return -1;
	}
	*ora = 12560;
	snprintf(why, whylen, "expected ACCEPT or REFUSE, got %s", tns_type_name(h.type));
	return -1;
}

int tns_answer_ora(const uint8_t *p, size_t n, char *why, size_t whylen)
{
	long code = 0;

	/* "ORA-00028: your session has been killed": the database's error. */
	if (n < 10 || memcmp(p, "ORA-", 4) != 0 || p[9] != ':')
		return 0;
	for (int i = 4; i < 9; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		code = code * 10 + (p[i] - '0');
	}
	snprintf(why, whylen, "the server's answer to the call");
	return code > 0 ? (int)code : 0;
}

/* One round trip. Returns 0, or the ORA code. */
/* A call; the answer's payload into answer (when not NULL). */
static int call(struct tns_client *c, const char *payload, char *answer, size_t alen, char *why,
                size_t whylen)
{
	struct sbuf out = { 0 };
	int64_t t = clock_now_ms(&clock_monotonic);
	struct tns_header h;

	tns_put_data(&out, c->large_sdu, 0, payload, strlen(payload));
	int rc = tns_client_send(c, out.buf, out.len);
	sbuf_free(&out);
	if (rc != 0) {
		snprintf(why, whylen, "send: %s", strerror(errno));
		return tns_ora_for_errno(errno);
	}
	for (;;) {
		int64_t left = 0;
		if (c->call_timeout_ms > 0) {
			left = c->call_timeout_ms - (clock_now_ms(&clock_monotonic) - t);
			if (left <= 0)
				left = -1;
		}
		rc = left < 0 ? 0 : tns_client_read_packet(c, left, &h);
		if (rc == 0) {
			snprintf(why, whylen, "no answer within the call timeout of %.3g s",
			         (double)c->call_timeout_ms / 1000.0);
			return 3135;
		}
		if (rc < 0) {
			int e = errno;
			snprintf(why, whylen, "%s",
			         e == 0        ? "connection closed by peer (FIN)"
			         : e == EPROTO ? "bytes that are not TNS"
			                       : strerror(e));
			return tns_ora_for_errno(e);
		}
		if (tns_is_dcd_probe((const uint8_t *)c->in.buf, h.length)) {
			c->probes_seen++;
			tns_client_consume(c, h.length);
			continue;
		}
		bool answered = h.type == TNS_DATA && h.length > TNS_DATA_HEADER_LEN;
		if (answered && answer) {
			size_t n = h.length - TNS_DATA_HEADER_LEN;
			n = n < alen - 1 ? n : alen - 1;
			memcpy(answer, c->in.buf + TNS_DATA_HEADER_LEN, n);
			answer[n] = '\0';
		}
		int ora = answered
		                  ? tns_answer_ora((const uint8_t *)c->in.buf + TNS_DATA_HEADER_LEN,
		                                   h.length - TNS_DATA_HEADER_LEN, why, whylen)
		                  : 0;
		tns_client_consume(c, h.length);
		if (ora)
			return ora;
		if (answered) {
			snprintf(why, whylen, "answered in %.3f s",
			         (double)(clock_now_ms(&clock_monotonic) - t) / 1000.0);
			return 0;
		}
	}
}

int tns_client_call(struct tns_client *c, const char *payload, char *why, size_t whylen)
{
	return call(c, payload, NULL, 0, why, whylen);
}

int tns_client_ask(struct tns_client *c, const char *question, char *answer, size_t alen, char *why,
                   size_t whylen)
{
	int ora = call(c, question, answer, alen, why, whylen);

	if (ora)
		snprintf(why + strlen(why), whylen - strlen(why), " (ORA-%05d)", ora);
	return ora ? -1 : 0;
}

void tns_client_close(struct tns_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	sbuf_free(&c->in);
	c->large_sdu = false;
}
