/* topo.c - the lab's three namespaces and two veth pairs, through libnl.
 *
 * Each veth is created inside a lab namespace with its peer sent straight
 * to the firewall's (IFLA_NET_NS_FD), so no interface ever appears in the
 * host's namespace. */
#include "topo.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "netns.h"

const char *const topo_role_name[TOPO_ROLES] = { "client", "fw", "server" };

/* What each namespace gets: its interfaces, addresses and default routes. */
struct iface_plan {
	enum topo_role role;
	const char *ifname;
	const char *addr4, *addr6;
};

static const struct iface_plan ifaces[] = {
	{ TOPO_CLIENT, "c0", "192.0.2.2/24", "2001:db8:1::2/64" },
	{ TOPO_FIREWALL, "fc", "192.0.2.1/24", "2001:db8:1::1/64" },
	{ TOPO_FIREWALL, "fs", "198.51.100.1/24", "2001:db8:2::1/64" },
	{ TOPO_SERVER, "s0", "198.51.100.2/24", "2001:db8:2::2/64" },
};

static const struct route_plan {
	enum topo_role role;
	const char *ifname;
	const char *gw4, *gw6;
} routes[] = {
	{ TOPO_CLIENT, "c0", "192.0.2.1", "2001:db8:1::1" },
	{ TOPO_SERVER, "s0", "198.51.100.1", "2001:db8:2::1" },
};

static struct nl_sock *nl_open(struct dcd_err *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int rc;

	if (sk == NULL) {
		err_set(err, "netlink: nl_socket_alloc failed");
		return NULL;
	}
	if ((rc = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		err_set(err, "netlink: connect: %s", nl_geterror(rc));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

int topo_enter(const struct topo *t, enum topo_role role, struct dcd_err *err)
{
	return netns_enter(t->fd[role], t->name[role], err);
}

int topo_leave(const struct topo *t, struct dcd_err *err)
{
	return netns_enter(t->host_fd, "the original namespace", err);
}

/* veth `name` here, its peer `peer` in the firewall's namespace. */
static int make_veth(struct nl_sock *sk, const char *name, const char *peer, int fw_fd,
                     struct dcd_err *err)
{
	struct rtnl_link *l = rtnl_link_veth_alloc(), *p;
	int rc;

	if (l == NULL) {
		err_set(err, "veth %s: out of memory", name);
		return -1;
	}
	rtnl_link_set_name(l, name);
	p = rtnl_link_veth_get_peer(l);
	rtnl_link_set_name(p, peer);
	rtnl_link_set_ns_fd(p, fw_fd);
	rc = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(p);
	rtnl_link_veth_release(l);
	if (rc < 0) {
		err_set(err, "veth %s/%s: %s", name, peer, nl_geterror(rc));
		return -1;
	}
	return 0;
}

static int link_up(struct nl_sock *sk, const char *name, int *ifindex, struct dcd_err *err)
{
	struct rtnl_link *l = NULL, *change;
	int rc = rtnl_link_get_kernel(sk, 0, name, &l);

	if (rc < 0) {
		err_set(err, "link %s: %s", name, nl_geterror(rc));
		return -1;
	}
	if (ifindex)
		*ifindex = rtnl_link_get_ifindex(l);
	change = rtnl_link_alloc();
	if (change == NULL) {
		rtnl_link_put(l);
		err_set(err, "link %s up: out of memory", name);
		return -1;
	}
	rtnl_link_set_flags(change, IFF_UP);
	rc = rtnl_link_change(sk, l, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(l);
	if (rc < 0) {
		err_set(err, "link %s up: %s", name, nl_geterror(rc));
		return -1;
	}
	return 0;
}

static int add_addr(struct nl_sock *sk, int ifindex, const char *text, int family,
                    struct dcd_err *err)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = NULL;
	int rc;

	if (a == NULL) {
		err_set(err, "address %s: out of memory", text);
		return -1;
	}
	if ((rc = nl_addr_parse(text, family, &local)) < 0) {
		err_set(err, "address %s: %s", text, nl_geterror(rc));
		rtnl_addr_put(a);
		return -1;
	}
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_local(a, local);
	if (family == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD); /* usable at once: no DAD wait */
	rc = rtnl_addr_add(sk, a, 0);
	nl_addr_put(local);
	rtnl_addr_put(a);
	if (rc < 0) {
		err_set(err, "address %s: %s", text, nl_geterror(rc));
		return -1;
	}
	return 0;
}

static int add_default_route(struct nl_sock *sk, int ifindex, const char *gw_text, int family,
                             struct dcd_err *err)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = NULL, *gw = NULL;
	int rc = -1;

	if (r == NULL || nh == NULL) {
		err_set(err, "route via %s: out of memory", gw_text);
		goto out;
	}
	if ((rc = nl_addr_parse(family == AF_INET ? "0.0.0.0/0" : "::/0", family, &dst)) < 0 ||
	    (rc = nl_addr_parse(gw_text, family, &gw)) < 0) {
		err_set(err, "route via %s: %s", gw_text, nl_geterror(rc));
		goto out;
	}
	rtnl_route_set_family(r, (uint8_t)family);
	rtnl_route_set_dst(r, dst);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_add_nexthop(r, nh);
	nh = NULL; /* the route owns it now */
	rc = rtnl_route_add(sk, r, NLM_F_CREATE);
	if (rc < 0)
		err_set(err, "default route via %s: %s", gw_text, nl_geterror(rc));
out:
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(dst);
	nl_addr_put(gw);
	rtnl_route_put(r);
	return rc < 0 ? -1 : 0;
}

/* Inside `role`'s namespace: loopback, its interfaces, addresses, routes. */
static int configure(struct topo *t, enum topo_role role, struct dcd_err *err)
{
	struct nl_sock *sk;
	int rc = -1;

	if (topo_enter(t, role, err) != 0)
		return -1;
	sk = nl_open(err);
	if (sk == NULL)
		goto back;
	if (role == TOPO_CLIENT && make_veth(sk, "c0", "fc", t->fd[TOPO_FIREWALL], err) != 0)
		goto out;
	if (role == TOPO_SERVER && make_veth(sk, "s0", "fs", t->fd[TOPO_FIREWALL], err) != 0)
		goto out;
	if (link_up(sk, "lo", NULL, err) != 0)
		goto out;
	for (size_t i = 0; i < sizeof(ifaces) / sizeof(ifaces[0]); i++) {
		int ifindex;
		if (ifaces[i].role != role)
			continue;
		if (link_up(sk, ifaces[i].ifname, &ifindex, err) != 0 ||
		    add_addr(sk, ifindex, ifaces[i].addr4, AF_INET, err) != 0 ||
		    add_addr(sk, ifindex, ifaces[i].addr6, AF_INET6, err) != 0)
			goto out;
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		struct rtnl_link *l = NULL;
		if (routes[i].role != role)
			continue;
		if (rtnl_link_get_kernel(sk, 0, routes[i].ifname, &l) < 0) {
			err_set(err, "link %s vanished", routes[i].ifname);
			goto out;
		}
		int ifindex = rtnl_link_get_ifindex(l);
		rtnl_link_put(l);
		if (add_default_route(sk, ifindex, routes[i].gw4, AF_INET, err) != 0 ||
		    add_default_route(sk, ifindex, routes[i].gw6, AF_INET6, err) != 0)
			goto out;
	}
	/* /proc/sys/net is the namespace of whoever opens it: we are inside. */
	if (role == TOPO_FIREWALL &&
	    (netns_sysctl("/proc/sys/net/ipv4/ip_forward", "1", err) != 0 ||
	     netns_sysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1", err) != 0))
		goto out;
	rc = 0;
out:
	nl_socket_free(sk);
back:
	if (topo_leave(t, rc == 0 ? err : NULL) != 0)
		rc = -1;
	return rc;
}

int topo_up(struct topo *t, int run, struct dcd_err *err)
{
	memset(t, 0, sizeof(*t));
	for (int r = 0; r < TOPO_ROLES; r++)
		t->fd[r] = -1;
	t->host_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (t->host_fd < 0) {
		err_set(err, "open /proc/self/ns/net: %s", strerror(errno));
		return -1;
	}
	for (int r = 0; r < TOPO_ROLES; r++) {
		snprintf(t->name[r], sizeof(t->name[r]), "%s%d-%d-%s", LAB_PREFIX, (int)getpid(),
		         run, topo_role_name[r]);
		if (netns_create(t->name[r], err) != 0)
			goto fail;
		t->fd[r] = netns_open(t->name[r], err);
		if (t->fd[r] < 0)
			goto fail;
	}
	/* No duplicate address detection in a lab of three hosts: without it
	 * IPv6 neighbours resolve at once instead of after 1-2 s. Set before
	 * any interface exists, in every namespace, so new ones inherit it. */
	for (int r = 0; r < TOPO_ROLES; r++) {
		if (topo_enter(t, (enum topo_role)r, err) != 0)
			goto fail;
		int rc = netns_sysctl("/proc/sys/net/ipv6/conf/default/accept_dad", "0", err) |
		         netns_sysctl("/proc/sys/net/ipv6/conf/all/accept_dad", "0", err);
		if (topo_leave(t, err) != 0 || rc != 0)
			goto fail;
	}
	/* The firewall's namespace exists before the peers are sent to it. */
	if (configure(t, TOPO_CLIENT, err) != 0 || configure(t, TOPO_SERVER, err) != 0 ||
	    configure(t, TOPO_FIREWALL, err) != 0)
		goto fail;
	return 0;
fail:
	topo_down(t);
	return -1;
}

void topo_down(struct topo *t)
{
	for (int r = 0; r < TOPO_ROLES; r++) {
		if (t->fd[r] >= 0)
			close(t->fd[r]);
		t->fd[r] = -1;
		if (t->name[r][0])
			netns_delete(t->name[r], NULL);
		t->name[r][0] = '\0';
	}
	if (t->host_fd >= 0) /* 0 is a descriptor too */
		close(t->host_fd);
	t->host_fd = -1;
}

/* Remove the lab's namespaces that belong to `only_pid`, or with 0 those of
 * every run that is no longer alive. Returns how many, or -1. */
static int cleanup_runs(pid_t only_pid, struct dcd_err *err)
{
	DIR *d = opendir(NETNS_RUN_DIR);
	struct dirent *e;
	int removed = 0;

	if (d == NULL)
		return errno == ENOENT
		               ? 0
		               : (err_set(err, "%s: %s", NETNS_RUN_DIR, strerror(errno)), -1);
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid;
		if (strncmp(e->d_name, LAB_PREFIX, strlen(LAB_PREFIX)) != 0)
			continue;
		pid = strtol(e->d_name + strlen(LAB_PREFIX), &end, 10);
		if (end == e->d_name + strlen(LAB_PREFIX) || *end != '-' || pid <= 0)
			continue;
		if (only_pid ? pid != only_pid
		             /* A run that is still alive keeps its namespaces. */
		             : kill((pid_t)pid, 0) == 0 || errno == EPERM)
			continue;
		if (netns_delete(e->d_name, err) != 0) {
			closedir(d);
			return -1;
		}
		removed++;
	}
	closedir(d);
	return removed;
}

int topo_cleanup_stale(struct dcd_err *err)
{
	return cleanup_runs(0, err);
}

int topo_cleanup_run(pid_t pid, struct dcd_err *err)
{
	return pid > 0 ? cleanup_runs(pid, err) : 0;
}
