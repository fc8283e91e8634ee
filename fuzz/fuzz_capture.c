/* fuzz_capture.c - the packet decoder and the flow analyzer together.
 * Input: byte 0 picks a link type; then records of [2-byte length][2-byte
 * signed time step in ms: timestamps also step back, as in merged files
 * and multi-queue captures][frame]. Every frame is decoded and, if TCP,
 * analyzed; the analyzer's invariants are checked when it finishes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../capture/analyze.h"
#include "../capture/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_report(const struct flow_report *r, void *arg)
{
	unsigned *flows = arg;
	(*flows)++;
	if ((unsigned)r->verdict >= VERDICT_COUNT || r->n_evidence > REPORT_MAX_EVIDENCE ||
	    r->last_s < r->first_s)
		abort();
	/* A flow's gaps lie inside it, whatever order its timestamps came in. */
	if (r->idle_max_s > r->last_s - r->first_s + 1e-9 || r->drop_gap_s > r->idle_max_s + 1e-9 ||
	    r->survived_gap_s > r->idle_max_s + 1e-9)
		abort();
	if (r->n_loss_pkt < 0 ||
	    (size_t)r->n_loss_pkt > sizeof(r->loss_pkt) / sizeof(r->loss_pkt[0]) ||
	    (unsigned)r->n_loss_pkt > r->not_captured)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int links[] = { 1, 113, 276, 101, 0, 108, 228, 229 };
	unsigned flows = 0;
	struct summary s;

	if (size < 1)
		return 0;
	link_decode_fn link = link_decoder(links[data[0] % 8]);
	struct analyzer *a = analyzer_new(on_report, NULL, &flows);
	uint64_t t_us = 1000000;
	uint32_t pkt = 0;
	size_t off = 1;
	while (off + 4 <= size) {
		size_t len = (size_t)(data[off] << 8 | data[off + 1]);
		int16_t step_ms = (int16_t)(data[off + 2] << 8 | data[off + 3]);
		if (step_ms >= 0 || t_us >= (uint64_t)(-step_ms) * 1000)
			t_us += (uint64_t)((int64_t)step_ms * 1000);
		off += 4;
		if (len > size - off)
			len = size - off;
		struct tcp_pkt p;
		enum decode_result r = decode_frame(link, data + off, (uint32_t)len, &p);
		pkt++;
		if (r == DECODE_TCP) {
			if (p.caplen_payload > p.payload_len ||
			    (p.caplen_payload && (p.payload < data + off ||
			                          p.payload + p.caplen_payload > data + off + len)))
				abort(); /* payload must lie inside the frame */
			analyzer_packet(a, t_us, pkt, &p);
		} else {
			analyzer_skip(a, r);
		}
		off += len;
	}
	analyzer_finish(a, &s);
	if (s.flows != flows)
		abort(); /* every flow reported exactly once */
	analyzer_free(a);
	return 0;
}
