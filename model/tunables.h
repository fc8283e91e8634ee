/* tunables.h - a host's TCP keepalive and retransmission settings, read
 * from the output users already have (DOMAIN.md §4):
 *
 *   linux    sysctl -a                       seconds
 *   aix      no -a                           HALF-seconds
 *   hpux     ndd -get /dev/tcp <name> ...    milliseconds
 *   solaris  ipadm show-prop ... tcp, or ndd milliseconds
 *   windows  reg query ...\Tcpip\Parameters  milliseconds, REG_DWORD hex
 *   macos, freebsd  sysctl net.inet.tcp      milliseconds
 *
 * Everything is converted to milliseconds; a value that looks like it was
 * written in the wrong unit becomes a warning naming file:line. */
#ifndef DCDLAB_TUNABLES_H
#define DCDLAB_TUNABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/err.h"

enum platform {
	PLAT_LINUX,
	PLAT_AIX,
	PLAT_HPUX,
	PLAT_SOLARIS,
	PLAT_WINDOWS,
	PLAT_MACOS,
	PLAT_FREEBSD,
	PLAT_COUNT
};

/* "linux" -> PLAT_LINUX; -1 if unknown. */
int platform_parse(const char *s);
const char *platform_name(enum platform p);

#define TUN_MAX_WARN 8

struct platform_tcp {
	enum platform platform;
	int64_t keepidle_ms, keepintvl_ms; /* the OS defaults (SO_KEEPALIVE alone) */
	int keepcnt;
	/* Unacknowledged data: Linux gives up per tcp_retries2; other
	 * platforms after an abort interval or a retransmission count. */
	int retries2;              /* Linux-style count; -1 when a time applies */
	int64_t retrans_limit_ms;  /* give-up time, -1 when retries2 applies */
	bool per_socket_keepalive; /* Oracle 12c+ can set its own numbers */
	bool retrans_modelled;     /* false: the give-up time is Linux's stand-in */
	char warn[TUN_MAX_WARN][240];
	int n_warn;
};

/* The platform's defaults (nothing read). */
void tunables_defaults(struct platform_tcp *t, enum platform p);

/* Parse the tunables output `text` (from `file`, for messages) into `t`,
 * starting from the platform's defaults. Unknown names are skipped (sysctl -a
 * prints thousands); a known name with a value that is not a number, or a
 * line that is not in the platform's format, is an error "file:line: ...". */
int tunables_parse(struct platform_tcp *t, enum platform p, const char *file, const char *text,
                   struct dcd_err *err);

#endif
