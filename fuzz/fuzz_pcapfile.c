/* fuzz_pcapfile.c - the mapped classic-pcap reader over arbitrary bytes,
 * each record decoded: records must stay inside the buffer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../capture/decode.h"
#include "../capture/pcapfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcapfile pf;
	struct pcap_rec r;
	struct dcd_err err;

	if (pcapfile_open_mem(&pf, data, size, &err) != 1)
		return 0;
	link_decode_fn link = link_decoder(pf.linktype);
	while (pcapfile_next(&pf, &r, &err) == 1) {
		struct tcp_pkt p;
		if (r.data < data || r.data + r.caplen > data + size)
			abort();
		decode_frame(link, r.data, r.caplen, &p);
	}
	return 0;
}
