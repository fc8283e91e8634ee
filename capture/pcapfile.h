/* pcapfile.h - classic pcap files read from a memory map.
 *
 * For a file on disk in the classic pcap format (the format of
 * `tcpdump -w`), walking the mapped records avoids libpcap's two freads per
 * packet, which is most of the cost of reading. pcapng, stdin and live
 * capture go through libpcap. Every record is checked against the file's
 * end; errors name the byte offset. */
#ifndef DCDLAB_PCAPFILE_H
#define DCDLAB_PCAPFILE_H

#include <stddef.h>
#include <stdint.h>

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

/* The next record: 1, 0 at a clean end, -1 when the file is truncated or
 * a record header is impossible ("byte N: ..." in `err`). */
int pcapfile_next(struct pcapfile *pf, struct pcap_rec *r, struct dcd_err *err);

void pcapfile_close(struct pcapfile *pf);

#endif
