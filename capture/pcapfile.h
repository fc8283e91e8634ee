/* pcapfile.h - classic pcap files read from a memory map.
 *
 * For a file on disk in the classic pcap format (the format of
 * `tcpdump -w`), walking the mapped records avoids libpcap's two freads per
 * packet, which is most of the cost of reading. pcapng, stdin and live
 * capture go through libpcap. Every record is checked against the file's
 * end; errors name the byte offset. */
#ifndef DCDLAB_PCAPFILE_H
#define DCDLAB_PCAPFILE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../lib/err.h"

struct pcapfile {
	const uint8_t *base; /* the mapping, or caller's memory */
	size_t size;
	size_t off; /* of the next record */
	int linktype;
	uint32_t snaplen;
	int swapped; /* file written in the other byte order */
	int nsec;    /* timestamps in nanoseconds */
	int mapped;
	size_t released; /* pages before this were given back */
	/* A large mapped file has a pager thread: it maps the pages ahead of
	 * the reader and gives back those behind `used`, so that the reader
	 * takes no page faults (pcapfile.c). */
	bool paging;
	pthread_t pager;
	_Atomic size_t used; /* records before this offset are done with */
	atomic_bool stop;
};

struct pcap_rec {
	uint64_t ts_us;
	uint32_t caplen, len;
	const uint8_t *data;
};

/* Open `path`: 1 if it is a classic pcap file (mapped), 0 if it is
 * something else (pcapng, a pipe: use libpcap), -1 on error (`err`). */
int pcapfile_open(struct pcapfile *pf, const char *path, struct dcd_err *err);

/* The same over bytes in memory (tests, fuzzing). */
int pcapfile_open_mem(struct pcapfile *pf, const uint8_t *data, size_t size, struct dcd_err *err);

/* Pages behind the reader are given back every this many bytes, so a
 * mapped file costs a constant, not its size, in resident memory. */
#define RELEASE_STEP_BYTES (4u << 20)

/* libpcap refuses records above this (MAXIMUM_SNAPLEN); so do we. */
#define PCAP_MAX_CAPLEN 262144u

/* pcapfile.c: the end of the file, or why the next record is bad; giving
 * back the pages read. */
int pcapfile_next_slow(struct pcapfile *pf, struct pcap_rec *r, struct dcd_err *err);
void pcapfile_release(struct pcapfile *pf);

/* The records read so far are no longer used (their data pointers may be
 * given back). A reader that keeps records for a while (a batch) says so
 * when it is done with them; until then their pages stay. */
static inline void pcapfile_consumed(struct pcapfile *pf)
{
	if (pf->paging)
		atomic_store_explicit(&pf->used, pf->off, memory_order_release);
	else if (pf->mapped && pf->off - pf->released >= RELEASE_STEP_BYTES)
		pcapfile_release(pf);
}

/* The next record: 1, 0 at a clean end, -1 when the file is truncated or
 * a record header is impossible ("byte N: ..." in `err`). Its data stays
 * valid until pcapfile_consumed(). Inline: it runs for every packet, and
 * is most of what reading costs. */
static inline int pcapfile_next(struct pcapfile *pf, struct pcap_rec *r, struct dcd_err *err)
{
	const uint8_t *h = pf->base + pf->off;
	uint32_t v[4];

	if (pf->size - pf->off < 16)
		return pcapfile_next_slow(pf, r, err);
	memcpy(v, h, 16);
	if (pf->swapped)
		for (int i = 0; i < 4; i++)
			v[i] = __builtin_bswap32(v[i]);
	if (v[2] > PCAP_MAX_CAPLEN || pf->size - pf->off - 16 < v[2])
		return pcapfile_next_slow(pf, r, err);
	r->caplen = v[2];
	r->len = v[3];
	r->ts_us = (uint64_t)v[0] * 1000000u + (pf->nsec ? v[1] / 1000u : v[1]);
	r->data = h + 16;
	pf->off += 16 + (size_t)v[2];
	return 1;
}

void pcapfile_close(struct pcapfile *pf);

#endif
