/* bench_pcaploop.c - the peer for `make bench`: the fastest a libpcap
 * reader can go, a bare pcap_next_ex loop that touches each packet once.
 * usage: bench_pcaploop FILE  -> prints packets and seconds */
#include <pcap/pcap.h>
#include <stdio.h>
#include <time.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	struct timespec a, b;
	unsigned long long n = 0, sum = 0;

	if (argc != 2)
		return 2;
	/* The same 1 MiB stdio buffer dcdlab analyze uses: a fair peer. */
	FILE *fp = fopen(argv[1], "rb");
	if (fp == NULL) {
		perror(argv[1]);
		return 1;
	}
	setvbuf(fp, NULL, _IOFBF, 1 << 20);
	pcap_t *p = pcap_fopen_offline(fp, err);
	if (p == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	while (pcap_next_ex(p, &h, &d) == 1) {
		n++;
		sum += d[h->caplen - 1]; /* touch the data, as any reader must */
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%llu %.6f %llu\n", n, (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
	       sum & 1);
	pcap_close(p);
	return 0;
}
