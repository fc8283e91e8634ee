/* pcapfile.c - classic pcap records straight from a memory map. */
#include "pcapfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint32_t rd32(const struct pcapfile *pf, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return pf->swapped ? __builtin_bswap32(v) : v;
}

int pcapfile_open_mem(struct pcapfile *pf, const uint8_t *data, size_t size, struct dcd_err *err)
{
	uint32_t magic;

	memset(pf, 0, sizeof(*pf));
	if (size < 24)
		return 0; /* let libpcap say what it is */
	memcpy(&magic, data, 4);
	switch (magic) {
	case 0xa1b2c3d4: break;
	case 0xd4c3b2a1: pf->swapped = 1; break;
	case 0xa1b23c4d: pf->nsec = 1; break;
	case 0x4d3cb2a1: pf->swapped = pf->nsec = 1; break;
	default: return 0; /* pcapng or not a capture: libpcap decides */
	}
	pf->base = data;
	pf->size = size;
	uint16_t major, minor;
	memcpy(&major, data + 4, 2);
	memcpy(&minor, data + 6, 2);
	if (pf->swapped) {
		major = __builtin_bswap16(major);
		minor = __builtin_bswap16(minor);
	}
	if (major != 2 || minor != 4)
		return 0; /* old or odd versions: libpcap's messages are better */
	pf->snaplen = rd32(pf, data + 16);
	/* The upper 16 bits hold the FCS length and flags (LINKTYPE_ spec);
	 * the link type is the low 16, as libpcap's LT_LINKTYPE() reads it. */
	pf->linktype = (int)(rd32(pf, data + 20) & 0xffff);
	pf->off = 24;
	(void)err;
	return 1;
}

/* The pager: the reader's page faults were a fifth of its time on a busy
 * host's capture (mapping each page, 16 at a fault, and unmapping it
 * again). A thread maps the pages a step at a time up to PAGER_AHEAD_BYTES
 * ahead of what the reader has used (MADV_POPULATE_READ: no data is read,
 * only page tables filled) and gives back those it is done with, so the
 * reader only reads. It polls every 0.2 ms: a step lasts the reader 2 ms. */
#define PAGER_AHEAD_BYTES (2 * RELEASE_STEP_BYTES)
#define PAGER_POLL_NS     200000

static void *pager(void *arg)
{
	struct pcapfile *pf = arg;
	size_t ahead = 0, zapped = 0;

	while (!atomic_load_explicit(&pf->stop, memory_order_relaxed)) {
		size_t used = atomic_load_explicit(&pf->used, memory_order_acquire);
		if (ahead < pf->size && ahead < used + PAGER_AHEAD_BYTES) {
			size_t len = pf->size - ahead < RELEASE_STEP_BYTES ? pf->size - ahead
			                                                   : RELEASE_STEP_BYTES;
			if (madvise((void *)(pf->base + ahead), len, MADV_POPULATE_READ) != 0)
				ahead = pf->size; /* an older kernel: the reader faults */
			else
				ahead += len;
			continue;
		}
		size_t upto = used & ~(size_t)4095;
		if (upto >= zapped + RELEASE_STEP_BYTES) {
			madvise((void *)(pf->base + zapped), upto - zapped, MADV_DONTNEED);
			zapped = upto;
			continue;
		}
		nanosleep(&(struct timespec){ 0, PAGER_POLL_NS }, NULL);
	}
	return NULL;
}

/* Only for a file of several steps, and a second CPU to run on (on one
 * CPU the pager takes the reader's time: 8 % slower, measured). */
static void pager_start(struct pcapfile *pf)
{
	sigset_t all, old;
	cpu_set_t cpus;

	if (pf->size < 4 * RELEASE_STEP_BYTES || sched_getaffinity(0, sizeof(cpus), &cpus) != 0 ||
	    CPU_COUNT(&cpus) < 2)
		return;
	atomic_init(&pf->used, 0);
	atomic_init(&pf->stop, false);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old); /* signals stay the reader's */
	pf->paging = pthread_create(&pf->pager, NULL, pager, pf) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int pcapfile_open(struct pcapfile *pf, const char *path, struct dcd_err *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *m;
	int rc;

	memset(pf, 0, sizeof(*pf));
	if (fd < 0) {
		err_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 24) {
		close(fd);
		return 0; /* a pipe, a device, or too short: libpcap */
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return 0;
	madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	rc = pcapfile_open_mem(pf, m, (size_t)st.st_size, err);
	if (rc != 1) {
		munmap(m, (size_t)st.st_size);
		return rc;
	}
	pf->mapped = 1;
	pager_start(pf);
	return 1;
}

int pcapfile_next_slow(struct pcapfile *pf, struct pcap_rec *r, struct dcd_err *err)
{
	const uint8_t *h = pf->base + pf->off;

	if (pf->off == pf->size)
		return 0;
	if (pf->size - pf->off < 16) {
		err_set(err, "byte %zu: truncated record header (%zu of 16 bytes)", pf->off,
		        pf->size - pf->off);
		return -1;
	}
	r->caplen = rd32(pf, h + 8);
	if (r->caplen > PCAP_MAX_CAPLEN) {
		err_set(err, "byte %zu: record claims %u captured bytes (more than %u)", pf->off,
		        r->caplen, PCAP_MAX_CAPLEN);
		return -1;
	}
	err_set(err, "byte %zu: truncated record (%zu of %u bytes)", pf->off,
	        pf->size - pf->off - 16, r->caplen);
	return -1;
}

void pcapfile_release(struct pcapfile *pf)
{
	/* Everything before the next record's page has been used. */
	size_t upto = pf->off & ~(size_t)4095;
	madvise((void *)(pf->base + pf->released), upto - pf->released, MADV_DONTNEED);
	pf->released = upto;
}

void pcapfile_close(struct pcapfile *pf)
{
	if (pf->paging) {
		atomic_store(&pf->stop, true);
		pthread_join(pf->pager, NULL);
	}
	if (pf->mapped)
		munmap((void *)pf->base, pf->size);
	memset(pf, 0, sizeof(*pf));
}
