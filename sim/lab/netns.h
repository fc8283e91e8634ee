/* netns.h - named network namespaces, as `ip netns` makes them: a bind
 * mount of the namespace on /run/netns/NAME, so `ip netns exec` and tests
 * see what the lab builds. */
#ifndef DCDLAB_NETNS_H
#define DCDLAB_NETNS_H

#include "../../lib/err.h"

#define NETNS_RUN_DIR "/run/netns"

/* Create /run/netns/NAME with a fresh network namespace (its loopback is
 * down). The calling thread stays in its own namespace. */
int netns_create(const char *name, struct dcd_err *err);

/* Unmount and remove /run/netns/NAME; what lived only there goes with it. */
int netns_delete(const char *name, struct dcd_err *err);

/* An fd for setns(2), or -1 with `err`. */
int netns_open(const char *name, struct dcd_err *err);

/* Move the calling thread into the namespace of `fd`. */
int netns_enter(int fd, const char *what, struct dcd_err *err);

/* Write a sysctl under /proc/sys of the namespace the caller is in (the
 * net.* tree is per namespace, seen by whoever opens it). */
int netns_sysctl(const char *path, const char *value, struct dcd_err *err);

#endif
