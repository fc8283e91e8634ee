/* fuzz_capture.c - the packet decoder and the flow analyzer together.
 * Input: byte 0 picks a link type (and a batch size); then records of
 * [2-byte length][2-byte signed time step in ms: timestamps also step
 * back, as in merged files and multi-queue captures][frame]. Every frame is
 * decoded and, if TCP, analyzed; the analyzer's invariants are checked when
 * it finishes. The same frames go to a second analyzer in batches
 * (analyzer_batch), which must report the same flows. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/analyze.h"
#include "../capture/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	unsigned flows;
	uint64_t hash; /* of every report, in order */
};

static uint64_t mixin(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull;
}

static void on_report(const struct flow_report *r, void *arg)
{
	struct seen *seen = arg;
	uint64_t h = seen->hash, t;
	seen->flows++;
	h = mixin(h, r->id);
	h = mixin(h, (uint64_t)r->verdict << 32 | r->packets);
	memcpy(&t, &r->last_s, 8);
	h = mixin(h, t);
	h = mixin(h, (uint64_t)r->n_evidence << 32 | r->not_captured);
	for (int i = 0; i < r->n_evidence; i++)
		h = mixin(h, r->evidence[i].pkt);
	seen->hash = h;
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
	static struct an_packet pk[AN_BATCH];
	struct seen one = { 0, 0 }, batched = { 0, 0 };
	struct summary s, sb;
	unsigned n = 0;

	if (size < 1)
		return 0;
	link_decode_fn link = link_decoder(links[data[0] % 8]);
	unsigned batch = 1 + (unsigned)(data[0] >> 3) % AN_BATCH;
	struct analyzer *a = analyzer_new(on_report, NULL, &one);
	struct analyzer *b = analyzer_new(on_report, NULL, &batched);
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
		struct an_packet *p = &pk[n++];
		p->dr = decode_frame(link, data + off, (uint32_t)len, &p->tp);
		p->ts_us = t_us;
		p->pktno = ++pkt;
		if (p->dr == DECODE_TCP) {
			if (p->tp.caplen_payload > p->tp.payload_len ||
			    (p->tp.caplen_payload &&
			     (p->tp.payload < data + off ||
			      p->tp.payload + p->tp.caplen_payload > data + off + len)))
				abort(); /* payload must lie inside the frame */
			analyzer_packet(a, t_us, pkt, &p->tp);
		} else {
			analyzer_skip(a, p->dr);
		}
		if (n == batch) {
			analyzer_batch(b, pk, n);
			n = 0;
		}
		off += len;
	}
	analyzer_batch(b, pk, n);
	analyzer_finish(a, &s);
	analyzer_finish(b, &sb);
	if (s.flows != one.flows)
		abort(); /* every flow reported exactly once */
	if (batched.flows != one.flows || batched.hash != one.hash || sb.packets != s.packets ||
	    sb.max_open_flows != s.max_open_flows ||
	    memcmp(sb.by_verdict, s.by_verdict, sizeof(s.by_verdict)) != 0)
		abort(); /* batches change nothing */
	analyzer_free(a);
	analyzer_free(b);
	return 0;
}
