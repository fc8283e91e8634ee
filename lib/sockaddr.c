/* sockaddr.c - addresses as text, both ways. */
#include "sockaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "host:port", "[v6]:port" or ":port" into a sockaddr. Numeric addresses
 * only (as listening and metrics addresses are): no resolver is asked. */
int parse_hostport(const char *s, struct sockaddr_storage *ss, int *sslen, struct dcd_err *err)
{
	const char *text = s; /* for the message */
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	size_t hlen;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') { /* [v6]:port */
		const char *close = strchr(s, ']');
		colon = close && close[1] == ':' ? close + 1 : NULL;
		hlen = close ? (size_t)(close - s - 1) : 0;
		s++;
	} else {
		colon = strrchr(s, ':');
		hlen = colon ? (size_t)(colon - s) : 0;
		if (colon && memchr(s, ':', hlen))
			colon = NULL; /* a bare IPv6 address: its port needs [ ] */
	}
	if (colon == NULL || hlen >= sizeof(host))
		goto bad;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port < 1 || port > 65535)
		goto bad;
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (hlen == 0 || inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET; /* ":port": every IPv4 address */
		in->sin_port = htons((uint16_t)port);
		*sslen = (int)sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*sslen = (int)sizeof(*in6);
		return 0;
	}
bad:
	err_set(err, "address \"%.200s\": expected HOST:PORT (IPv6 as [ADDR]:PORT)", text);
	return -1;
}

uint16_t sockaddr_split(const struct sockaddr *sa, char *host, size_t len)
{
	snprintf(host, len, "?");
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, (socklen_t)len);
		return ntohs(in->sin_port);
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, (socklen_t)len);
		return ntohs(in6->sin6_port);
	}
	return 0;
}

void format_sockaddr(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	unsigned port = sockaddr_split(sa, host, sizeof(host));

	if (sa->sa_family == AF_INET)
		snprintf(buf, len, "%s:%u", host, port);
	else if (sa->sa_family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", host, port);
	else
		snprintf(buf, len, "unknown");
}

uint16_t hostport_port(const char *text)
{
	const char *c = strrchr(text, ':');
	char *end;
	long port;

	if (c == NULL)
		return 0;
	errno = 0;
	port = strtol(c + 1, &end, 10);
	return errno == 0 && end != c + 1 && *end == '\0' && port > 0 && port <= 65535
	               ? (uint16_t)port
	               : 0;
}
