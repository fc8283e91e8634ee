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
	FW_EXPIRY_COUNT
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

/* "silent drop", "RST on next packet", "RST both ways": for people. */
const char *fw_expiry_name(enum fw_expiry e);
/* "silent", "rst-next", "rst-both": the word scenario files, --fw-expiry
 * and JSON use. */
const char *fw_expiry_keyword(enum fw_expiry e);
/* What a timeline says happens after the entry expired. */
const char *fw_expiry_consequence(enum fw_expiry e);
/* The expiry a keyword names, or -1. */
int fw_expiry_parse(const char *keyword);
/* "silent, rst-next or rst-both", for error messages. */
#define FW_EXPIRY_KEYWORDS "silent, rst-next or rst-both"

#endif
