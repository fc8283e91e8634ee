/* bench_handoff - how long one thread takes to hand records to another on
 * this machine: the cost a reader that decodes in one thread and classifies
 * in another would pay for every packet (README, "Where the time goes").
 *
 * A producer fills batches of 64 records in a ring of 64 batches; a
 * consumer reads two words of each record and frees the batch. Both spin
 * (no sleeping: this measures the caches, not the scheduler). Prints the
 * wall time and ns a record for 4.4 M records (the interleaved bench
 * capture's packets).
 *
 * usage: bench_handoff [RECORD_BYTES]   (default 104, sizeof(struct an_packet)
 *                                       before it was aligned) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_RECORDS 64
#define RING_BATCHES  64
#define RECORDS       4400000u
#define MAX_BYTES     512

static unsigned rec_bytes = 104;
static uint8_t *ring; /* RING_BATCHES batches of BATCH_RECORDS records */
static _Atomic uint64_t produced, consumed;

static uint8_t *record(uint64_t batch, unsigned i)
{
	return ring + ((batch % RING_BATCHES) * BATCH_RECORDS + i) * rec_bytes;
}

static void *producer(void *arg)
{
	uint64_t batches = *(const uint64_t *)arg;

	for (uint64_t b = 0; b < batches; b++) {
		while (b - atomic_load_explicit(&consumed, memory_order_acquire) >= RING_BATCHES)
			;
		for (unsigned i = 0; i < BATCH_RECORDS; i++)
			memset(record(b, i), (int)(b + i), rec_bytes);
		atomic_store_explicit(&produced, b + 1, memory_order_release);
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t batches = RECORDS / BATCH_RECORDS, sum = 0;
	pthread_t th;

	if (argc > 1) {
		char *end;
		long n = strtol(argv[1], &end, 10);
		if (*end != '\0' || n < 16 || n > MAX_BYTES) {
			fprintf(stderr, "bench_handoff: RECORD_BYTES: 16 to %d\n", MAX_BYTES);
			return 2;
		}
		rec_bytes = (unsigned)n;
	}
	ring = aligned_alloc(64, ((size_t)RING_BATCHES * BATCH_RECORDS * rec_bytes + 63) / 64 * 64);
	if (ring == NULL)
		return 1;
	double t0 = now_s();
	if (pthread_create(&th, NULL, producer, &batches) != 0)
		return 1;
	for (uint64_t b = 0; b < batches; b++) {
		while (atomic_load_explicit(&produced, memory_order_acquire) <= b)
			;
		for (unsigned i = 0; i < BATCH_RECORDS; i++) {
			uint64_t v, w;
			memcpy(&v, record(b, i), 8);
			memcpy(&w, record(b, i) + rec_bytes - 8, 8);
			sum += v ^ w;
		}
		atomic_store_explicit(&consumed, b + 1, memory_order_release);
	}
	pthread_join(th, NULL);
	double t = now_s() - t0;
	printf("%u-byte records: %.1f ms, %.1f ns a record (check %llu)\n", rec_bytes, t * 1e3,
	       t * 1e9 / (double)(batches * BATCH_RECORDS), (unsigned long long)(sum & 0xff));
	free(ring);
	return 0;
}
