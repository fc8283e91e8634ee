/* topo.h - the lab's path: client -- firewall -- server, three network
 * namespaces joined by veth pairs, built with libnl (route), never attached
 * to the host's namespace, addresses from the documentation ranges:
 *   client 192.0.2.2 / 2001:db8:1::2  --  192.0.2.1 / 2001:db8:1::1 firewall
 *   firewall 198.51.100.1 / 2001:db8:2::1  --  198.51.100.2 / 2001:db8:2::2 server */
#ifndef DCDLAB_TOPO_H
#define DCDLAB_TOPO_H

#include <stdbool.h>
#include <sys/types.h>

#include "../../lib/err.h"

/* Every lab namespace's name starts with this, then the run's pid. */
#define LAB_PREFIX "dcdlab-lab-"

enum topo_role { TOPO_CLIENT, TOPO_FIREWALL, TOPO_SERVER, TOPO_ROLES };

struct topo {
	char name[TOPO_ROLES][64]; /* namespace names */
	int fd[TOPO_ROLES];        /* for setns; -1 if not made */
	int host_fd;               /* where we came from */
};

extern const char *const topo_role_name[TOPO_ROLES];

/* Build it: namespaces "<LAB_PREFIX><pid>-<run>-{client,fw,server}".
 * On error, what was made is removed again. */
int topo_up(struct topo *t, int run, struct dcd_err *err);

/* Enter a role's namespace / return to the host's. */
int topo_enter(const struct topo *t, enum topo_role role, struct dcd_err *err);
int topo_leave(const struct topo *t, struct dcd_err *err);

/* Remove the namespaces (and with them the veths). Safe to call twice. */
void topo_down(struct topo *t);

/* Remove lab namespaces whose run (pid in the name) no longer exists.
 * Returns how many were removed, -1 on error. */
int topo_cleanup_stale(struct dcd_err *err);
/* Remove the namespaces of the run whose process is `pid` (it died without
 * removing them: killed, or crashed). Returns how many, or -1. */
int topo_cleanup_run(pid_t pid, struct dcd_err *err);

#endif
