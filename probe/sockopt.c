/* sockopt.c - keepalive options on real sockets. */
#include "sockopt.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

static const struct ka_opt {
	const char *name;
	int level;
	int opt;
} ka_opts[] = {
	{ "TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE },
	{ "TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL },
	{ "TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT },
};

static int set_int(int fd, int level, int opt, const char *name, int v, struct dcd_err *err)
{
	if (setsockopt(fd, level, opt, &v, sizeof(v)) != 0) {
		err_set(err, "setsockopt %s=%d: %s", name, v, strerror(errno));
		return -1;
	}
	return 0;
}

static int get_int(int fd, int level, int opt, const char *name, int *v, struct dcd_err *err)
{
	socklen_t len = sizeof(*v);

	if (getsockopt(fd, level, opt, v, &len) != 0) {
		err_set(err, "getsockopt %s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

int sockopt_keepalive_read(int fd, int *on, struct keepalive *ka, struct dcd_err *err)
{
	int *fields[] = { &ka->idle_s, &ka->intvl_s, &ka->cnt };

	if (get_int(fd, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE", on, err) != 0)
		return -1;
	for (size_t i = 0; i < 3; i++)
		if (get_int(fd, ka_opts[i].level, ka_opts[i].opt, ka_opts[i].name, fields[i],
		            err) != 0)
			return -1;
	return 0;
}

int sockopt_keepalive_apply(int fd, const struct keepalive *ka, struct keepalive *readback,
                            struct dcd_err *err)
{
	const int values[] = { ka->idle_s, ka->intvl_s, ka->cnt };
	int on;

	/* Set the timings before SO_KEEPALIVE so the timer is armed with them. */
	for (size_t i = 0; i < 3; i++)
		if (set_int(fd, ka_opts[i].level, ka_opts[i].opt, ka_opts[i].name, values[i],
		            err) != 0)
			return -1;
	if (set_int(fd, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE", 1, err) != 0)
		return -1;
	if (sockopt_keepalive_read(fd, &on, readback, err) != 0)
		return -1;
	if (!on || readback->idle_s != ka->idle_s || readback->intvl_s != ka->intvl_s ||
	    readback->cnt != ka->cnt) {
		err_set(err, "getsockopt reads back SO_KEEPALIVE=%d %d/%d/%d, not 1 %d/%d/%d", on,
		        readback->idle_s, readback->intvl_s, readback->cnt, ka->idle_s, ka->intvl_s,
		        ka->cnt);
		return -1;
	}
	return 0;
}

int sockopt_keepalive_off(int fd, struct dcd_err *err)
{
	return set_int(fd, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE", 0, err);
}

int sockopt_keepalive_os_default(int fd, struct dcd_err *err)
{
	return set_int(fd, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE", 1, err);
}

int sockopt_user_timeout(int fd, unsigned ms, struct dcd_err *err)
{
	return set_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, "TCP_USER_TIMEOUT", (int)ms, err);
}

int sockopt_tcp_end_info(int fd, struct tcp_end_info *out)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	unsigned uto = 0;
	socklen_t ulen = sizeof(uto);

	memset(out, 0, sizeof(*out));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return -1;
	out->probes = ti.tcpi_probes;
	out->retransmits = ti.tcpi_retransmits;
	out->total_retrans = ti.tcpi_total_retrans;
	out->last_data_recv_ms = ti.tcpi_last_data_recv;
	out->last_ack_recv_ms = ti.tcpi_last_ack_recv;
	if (getsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &uto, &ulen) == 0)
		out->user_timeout_ms = uto;
	return 0;
}

enum end_cause sockopt_classify_error(int error, const struct tcp_end_info *ti)
{
	switch (error) {
	case ECONNRESET:
	case EPIPE: return END_RST;
	case ETIMEDOUT:
		/* tcp_write_timeout / tcp_keepalive_timer both end in ETIMEDOUT;
		 * icsk_probes_out counts keepalive probes, icsk_retransmits data
		 * retransmissions. With TCP_USER_TIMEOUT set, either can end by it. */
		if (ti->user_timeout_ms > 0)
			return END_USER_TIMEOUT;
		if (ti->probes > 0 && ti->retransmits == 0)
			return END_KEEPALIVE_TIMEOUT;
		return END_RETRANS_TIMEOUT;
	default: return END_ERROR;
	}
}
