/* ladder.h - one session as a ladder (sequence) diagram, the picture
 * people read at a glance: client, firewall and server as lanes, time
 * downwards (long idle stretches compressed and marked with their length),
 * each packet an arrow from sender to receiver; a packet the firewall
 * dropped ends at its lane with a cross, a RST it injected starts there;
 * the firewall's conntrack entry is a bar that empties as its timeout runs
 * down and fills again at each packet that counts; calls and their errors
 * beside the client, the session's end beside the server; the verdict and
 * the expectations at the foot.
 *
 * The lab, the simulator and the analyzer fill a struct ladder (from the
 * packets on each of the firewall's legs, ladder_from_legs, or from one
 * capture point); ladder_svg() draws it. No sockets, no root. */
#ifndef DCDLAB_LADDER_H
#define DCDLAB_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ladder_lane { LANE_CLIENT, LANE_FW, LANE_SERVER, LANE_COUNT };

enum ladder_kind {
	LK_SYN,
	LK_DATA,
	LK_ACK,
	LK_KEEPALIVE,
	LK_KEEPALIVE_ACK,
	LK_ZERO_WINDOW_PROBE,
	LK_NS_PROBE,
	LK_RETRANS,
	LK_FIN,
	LK_RST,
	LK_KIND_COUNT
};

struct ladder_pkt {
	double t_s;
	uint8_t from, to; /* enum ladder_lane; from LANE_FW: injected by the middle */
	uint8_t kind;     /* enum ladder_kind */
	bool dropped;     /* lost in the middle: the arrow ends there with a cross */
	uint32_t len;     /* payload bytes */
	uint32_t count;   /* packets this arrow stands for (a run of data), >= 1 */
	char note[40];    /* what it carried worth saying ("ORA-00028"), or "" */
};

#define LADDER_MAX_FOOT 16

struct ladder {
	char title[200];
	char middle[40];     /* the middle lane's name: "firewall", "capture point" */
	bool has_entry;      /* draw the middle's conntrack entry */
	bool ka_ignored;     /* keepalives do not refresh it */
	double fw_idle_s;    /* its idle timeout */
	double fw_expired_s; /* when it expired; < 0 never */
	struct ladder_pkt *p;
	size_t n, cap;
	struct ladder_note {
		double t_s;
		uint8_t lane;
		bool bad; /* an error: drawn bold */
		char text[200];
	} * notes;
	size_t n_notes, cap_notes;
	struct {
		bool bad;
		char text[240];
	} foot[LADDER_MAX_FOOT];
	int n_foot;
	size_t omitted; /* packets past LADDER_MAX_ROWS, not drawn */
};

/* Rows drawn at most; a longer session's middle is left out (and said). */
#define LADDER_MAX_ROWS 400

void ladder_init(struct ladder *l, const char *title, const char *middle);
void ladder_free(struct ladder *l);
/* Add a packet (merged into the last arrow when it continues a run of the
 * same kind in the same direction within 50 ms): 0, or -1 out of memory. */
int ladder_add(struct ladder *l, const struct ladder_pkt *p);
int ladder_note(struct ladder *l, double t_s, enum ladder_lane lane, bool bad, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
void ladder_foot(struct ladder *l, bool bad, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

const char *ladder_kind_name(enum ladder_kind k);

/* The drawing, a standalone SVG document (`standalone` false: an <svg>
 * element to inline in HTML). 0, or -1 when writing failed. */
int ladder_svg(const struct ladder *l, FILE *out, bool standalone);

/* One segment as a capture on one of the middle's legs saw it. */
struct leg_seg {
	double t_s;
	uint16_t cport; /* the client's port: which session */
	bool from_client;
	uint8_t flags; /* TCP flags (capture/decode.h) */
	uint32_t seq, ack, len;
	uint8_t cls; /* enum pkt_class of the analyzer, 0 plain */
	char note[40];
};

/* A decoded segment as a leg_seg at t_s, its ORA error (if its payload
 * shows one) as the note. */
struct tcp_pkt;
struct leg_seg leg_seg_of(const struct tcp_pkt *p, double t_s, bool from_client);

/* Both legs of one session into arrows: a segment seen on its sender's leg
 * and then on the other crossed; seen only on its sender's leg it was
 * dropped in the middle; seen only on the receiver's leg, the middle made
 * it (an injected RST). */
int ladder_from_legs(struct ladder *l, const struct leg_seg *cleg, size_t nc,
                     const struct leg_seg *sleg, size_t ns);

/* One capture point's segments (the analyzer): every one crossed. */
int ladder_from_capture(struct ladder *l, const struct leg_seg *s, size_t n);

#endif
