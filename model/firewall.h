/* firewall.h - what middleboxes do to idle TCP flows (DOMAIN.md §5).
 *
 * Device defaults, shared by the capture analyzer (which devices fit an
 * observed idle timeout) and the lab (presets named after them). */
#ifndef DCDLAB_FIREWALL_H
#define DCDLAB_FIREWALL_H

#include <stddef.h>

enum fw_expiry {
	FW_EXPIRY_SILENT,   /* entry removed; later packets dropped */
	FW_EXPIRY_RST_NEXT, /* RST to whoever sends the next packet */
	FW_EXPIRY_RST_BOTH, /* RST to both ends at expiry */
};

struct fw_device {
	const char *name;        /* preset name: "cisco-asa" */
	const char *label;       /* "Cisco ASA" */
	unsigned idle_timeout_s; /* default established-flow idle timeout */
	enum fw_expiry expiry;
	const char *note;
};

extern const struct fw_device fw_devices[];
extern const size_t fw_device_count;

/* RFC 5382 REQ-5: established-flow idle timeout at least 2 h 4 min. */
#define RFC5382_MIN_IDLE_S 7440

const char *fw_expiry_name(enum fw_expiry e);

#endif
