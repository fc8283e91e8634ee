/* flow.c - the analyzer's flow table: flows in fixed chunks, a hash index
 * of them (open addressing), the free list, and the FIFO where closed flows
 * wait out their linger. What a flow holds is in flow.h. */
#include "flow.h"

#include <stdio.h>
#include <stdlib.h>

const unsigned FLOW_BYTES = sizeof(struct flow);

static void index_grow(struct analyzer *a);

static void index_insert(struct analyzer *a, uint64_t h, uint32_t n)
{
	uint32_t i = index_slot(a, h);

	while (a->index[i] != 0 && a->index[i] != INDEX_TOMB)
		i = (i + 1) & a->index_mask;
	if (a->index[i] == INDEX_TOMB)
		a->index_tomb--;
	else
		a->index_used++;
	a->index[i] = index_entry(h, n);
}

static uint64_t flow_hash(const struct analyzer *a, const struct flow *f)
{
	if (f->family == 4)
		return hash_v4(load32(f->addr[0]), load32(f->addr[1]), f->port[0], f->port[1]);
	return hash_v6(flow_addr(a, f, 0), f->port[0], flow_addr(a, f, 1), f->port[1]);
}

static void index_grow(struct analyzer *a)
{
	uint32_t old_size = a->index ? a->index_mask + 1 : 0;
	uint32_t *old = a->index;
	uint32_t size = old_size ? old_size * 2 : 1024;

	/* Grow only if the table is really fuller, not just tombstoned. */
	if (old_size && (uint64_t)(a->index_used - a->index_tomb) * 4 < (uint64_t)old_size)
		size = old_size;
	a->index = calloc(size, sizeof(uint32_t));
	if (a->index == NULL) {
		fputs("dcdlab analyze: out of memory for the flow index\n", stderr);
		abort();
	}
	a->index_mask = size - 1;
	a->index_used = a->index_tomb = 0;
	for (uint32_t i = 0; i < old_size; i++)
		if (old[i] != 0 && old[i] != INDEX_TOMB)
			index_insert(a, flow_hash(a, flow_at(a, index_flow(old[i]))),
			             index_flow(old[i]));
	free(old);
}

static uint32_t flow_alloc(struct analyzer *a)
{
	uint32_t n;

	if (a->free_head != UINT32_MAX) {
		n = a->free_head;
		a->free_head = flow_at(a, n)->id; /* a free flow's id links the list */
		return n;
	}
	if (a->n_flows_alloc == INDEX_MAX_FLOWS) {
		fprintf(stderr, "dcdlab analyze: more than %u flows open at once\n",
		        INDEX_MAX_FLOWS);
		abort();
	}
	if (a->n_flows_alloc % CHUNK_FLOWS == 0) {
		struct flow **c = realloc(a->chunks, (a->n_chunks + 1) * sizeof(*c));
		if (c == NULL)
			abort();
		a->chunks = c;
		uint8_t(**v6)[32] = realloc(a->v6_chunks, (a->n_chunks + 1) * sizeof(*v6));
		if (v6 == NULL)
			abort();
		a->v6_chunks = v6;
		a->v6_chunks[a->n_chunks] = NULL;
		a->chunks[a->n_chunks] = malloc(CHUNK_FLOWS * sizeof(struct flow));
		if (a->chunks[a->n_chunks] == NULL) {
			fputs("dcdlab analyze: out of memory for flows\n", stderr);
			abort();
		}
		a->n_chunks++;
	}
	return a->n_flows_alloc++;
}

struct analyzer *analyzer_new(report_fn on_report, pkt_fn on_pkt, void *arg)
{
	struct analyzer *a = calloc(1, sizeof(*a));

	if (a == NULL)
		abort();
	a->on_report = on_report;
	a->on_pkt = on_pkt;
	a->arg = arg;
	a->free_head = UINT32_MAX;
	a->s.longest_survived_gap_s = -1;
	a->s.shortest_drop_gap_s = -1;
	a->s.kernel_drops = -1;
	index_grow(a);
	return a;
}

struct flow *flow_new(struct analyzer *a, const struct tcp_pkt *p, uint64_t h, int *dir)
{
	unsigned alen = p->family == 4 ? 4 : 16;

	/* New flow. Keep the index at most half full (tombstones included):
	 * at 3/4 a lookup read 1.8 slots on average, and on a busy host where
	 * its loop ended was a guess (README, "Where the time goes"). */
	if ((uint64_t)(a->index_used + 1) * 2 > (uint64_t)(a->index_mask + 1)) {
		index_grow(a);
		return flow_new(a, p, h, dir);
	}
	uint32_t n = flow_alloc(a);
	struct flow *f = flow_at(a, n);
	memset(f, 0, sizeof(*f));
	f->self = n;
	f->family = p->family;
	if (alen == 4) {
		memcpy(f->addr[0], p->src, 4);
		memcpy(f->addr[1], p->dst, 4);
	} else {
		uint32_t c = n / CHUNK_FLOWS;
		if (a->v6_chunks[c] == NULL &&
		    (a->v6_chunks[c] = calloc(CHUNK_FLOWS, sizeof(*a->v6_chunks[c]))) == NULL) {
			fputs("dcdlab analyze: out of memory for IPv6 flows\n", stderr);
			abort();
		}
		memcpy(v6_at(a, n), p->src, 16);
		memcpy(v6_at(a, n) + 16, p->dst, 16);
	}
	f->port[0] = p->sport;
	f->port[1] = p->dport;
	f->state = FLOW_OPEN;
	f->id = ++a->next_id;
	f->base_ms[0] = (uint32_t)a->now_ms;
	f->base_ms[1] = (uint32_t)(a->now_ms >> 32);
	/* The client is the SYN sender, else the side with the higher port
	 * (servers listen on well-known ports such as 1521). */
	if ((p->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		f->client = 0;
	else if ((p->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		f->client = 1;
	else
		f->client = p->sport > p->dport ? 0 : 1;
	index_insert(a, h, n);
	a->n_open++;
	a->s.flows++;
	if (a->n_open > a->s.max_open_flows)
		a->s.max_open_flows = a->n_open;
	*dir = 0;
	return f;
}

void flow_release(struct analyzer *a, struct flow *f, uint32_t n)
{
	uint64_t h = flow_hash(a, f);
	uint32_t i = index_slot(a, h);

	while (a->index[i] != 0) {
		if (a->index[i] == index_entry(h, n)) {
			a->index[i] = INDEX_TOMB;
			a->index_tomb++;
			break;
		}
		i = (i + 1) & a->index_mask;
	}
	f->state = FLOW_FREE;
	f->id = a->free_head;
	if (a->last_flow == f)
		a->last_flow = NULL;
	a->free_head = n;
	a->n_open--;
}

void closing_push(struct analyzer *a, uint32_t n)
{
	if (a->closing_tail - a->closing_head == a->closing_cap) {
		uint32_t cap = a->closing_cap ? a->closing_cap * 2 : 1024;
		uint32_t *q = malloc(cap * sizeof(*q));
		if (q == NULL)
			abort();
		for (uint32_t i = 0; i < a->closing_cap; i++)
			q[i] = a->closing[(a->closing_head + i) % a->closing_cap];
		a->closing_tail = a->closing_cap;
		a->closing_head = 0;
		free(a->closing);
		a->closing = q;
		a->closing_cap = cap;
	}
	a->closing[a->closing_tail++ % a->closing_cap] = n;
}

/* Report and forget flows that closed more than the linger ago. */
void expire_closed(struct analyzer *a)
{
	while (a->closing_head != a->closing_tail) {
		uint32_t n = a->closing[a->closing_head % a->closing_cap];
		struct flow *f = flow_at(a, n);
		if (f->state == FLOW_CLOSING &&
		    a->now_ms < flow_base_ms(f) + f->t_last_ms + CLOSE_LINGER_MS)
			break;
		a->closing_head++;
		if (f->state != FLOW_CLOSING)
			continue; /* reopened: it went back to FLOW_OPEN */
		finish_flow(a, f);
		flow_release(a, f, n);
	}
}

void analyzer_free(struct analyzer *a)
{
	if (a == NULL)
		return;
	for (uint32_t c = 0; c < a->n_chunks; c++) {
		free(a->chunks[c]);
		free(a->v6_chunks[c]);
	}
	free(a->v6_chunks);
	free(a->chunks);
	free(a->index);
	free(a->closing);
	free(a->srv_idle_s);
	free(a);
}
