/* sockaddr.h - addresses as text, both ways: "192.0.2.1:1521",
 * "[2001:db8::1]:1521". */
#ifndef DCDLAB_SOCKADDR_H
#define DCDLAB_SOCKADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "err.h"

/* "host:port", "[v6]:port" or ":port" into a sockaddr. */
int parse_hostport(const char *s, struct sockaddr_storage *ss, int *sslen, struct dcd_err *err);
/* The address as text into host ("192.0.2.1", "2001:db8::1"; "?" when not
 * IPv4 or IPv6), and the port. */
uint16_t sockaddr_split(const struct sockaddr *sa, char *host, size_t len);
/* "192.0.2.1:1521" / "[2001:db8::1]:1521". */
void format_sockaddr(const struct sockaddr *sa, char *buf, size_t len);
/* The port of such a text, or 0 when it has none. */
uint16_t hostport_port(const char *text);

#endif
