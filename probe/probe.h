/* probe.h - the probe subcommands and the helpers they share. */
#ifndef DCDLAB_PROBE_H
#define DCDLAB_PROBE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "../lib/err.h"
#include "../lib/sockaddr.h"

int cmd_listen(int argc, char **argv);
int cmd_connect(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_inspect(int argc, char **argv);

/* The full help text of dcdlab listen. */
extern const char listen_usage[];

/* The full help text of dcdlab connect. */
extern const char connect_usage[];

/* The full help text of dcdlab measure. */
extern const char measure_usage[];

/* The full help text of dcdlab inspect. */
extern const char inspect_usage[];

#endif
