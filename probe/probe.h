/* probe.h - the probe subcommands and the helpers they share. */
#ifndef DCDLAB_PROBE_H
#define DCDLAB_PROBE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "../lib/cli.h"
#include "../lib/err.h"

int cmd_listen(int argc, char **argv);
int cmd_connect(int argc, char **argv);

/* "host:port", "[v6]:port" or ":port" into a sockaddr. */
int parse_hostport(const char *s, struct sockaddr_storage *ss, int *sslen, struct dcd_err *err);
/* "192.0.2.1:1521" / "[2001:db8::1]:1521". */
void format_sockaddr(const struct sockaddr *sa, char *buf, size_t len);

#endif
