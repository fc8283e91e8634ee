/* sampler.c - inet_diag samples of the listener's sessions, taken by a
 * thread and applied by the event loop in chunks (see sampler.h). */
#include "sampler.h"
#include "../lib/grow.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "../lib/log.h"

/* Samples applied per pass of the loop: a few hundred microseconds. */
#define CHUNK 256

struct buf {
	struct diag_sample *v;
	size_t n, cap;
};

struct sampler {
	struct event_base *base;
	uint16_t port;
	int64_t interval_ms;
	sampler_apply_fn apply;
	void *arg;
	struct diag *diag;
	pthread_t thread;
	bool started;
	int efd;                /* the thread's "a dump is ready" */
	struct event *ready_ev; /* the loop's side of it */
	struct event *chunk_ev; /* applies the next chunk */
	pthread_mutex_t mu;     /* guards ready, has_ready, stopping */
	pthread_cond_t cv;      /* wakes the thread to stop */
	struct buf fill, ready, work;
	bool has_ready, stopping;
	size_t pos; /* in work */
};

static void collect(const struct diag_sample *d, void *arg)
{
	struct buf *b = arg;

	struct diag_sample *v = grow(b->v, &b->cap, b->n, sizeof(*v), 256);
	if (!v)
		return; /* out of memory: this sample is skipped */
	b->v = v;
	b->v[b->n++] = *d;
}

static void swap(struct buf *a, struct buf *b)
{
	struct buf t = *a;
	*a = *b;
	*b = t;
}

static void *run(void *arg)
{
	struct sampler *s = arg;
	struct diag_filter f = { .ports = { s->port }, .n_ports = 1 };
	struct dcd_err err = { "" };

	pthread_mutex_lock(&s->mu);
	while (!s->stopping) {
		pthread_mutex_unlock(&s->mu);
		s->fill.n = 0;
		if (diag_dump(s->diag, &f, false, collect, &s->fill, &err) != 0)
			log_warn("%s", err.msg);
		pthread_mutex_lock(&s->mu);
		swap(&s->fill, &s->ready);
		s->has_ready = true;
		uint64_t one = 1;
		if (write(s->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			log_warn("sampler: eventfd: %s", strerror(errno));
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += s->interval_ms / 1000;
		until.tv_nsec += (s->interval_ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		while (!s->stopping && pthread_cond_timedwait(&s->cv, &s->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void on_chunk(evutil_socket_t fd, short what, void *arg)
{
	struct sampler *s = arg;
	size_t end = s->pos + CHUNK < s->work.n ? s->pos + CHUNK : s->work.n;

	(void)fd;
	(void)what;
	for (; s->pos < end; s->pos++)
		s->apply(&s->work.v[s->pos], s->arg);
	if (s->pos < s->work.n)
		event_active(s->chunk_ev, EV_TIMEOUT, 0); /* the rest after other events */
}

static void on_ready(evutil_socket_t fd, short what, void *arg)
{
	struct sampler *s = arg;
	uint64_t n;

	(void)what;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&s->mu);
	if (s->has_ready) {
		swap(&s->work, &s->ready); /* a newer view replaces what was left */
		s->has_ready = false;
		s->pos = 0;
	}
	pthread_mutex_unlock(&s->mu);
	if (s->pos < s->work.n)
		event_active(s->chunk_ev, EV_TIMEOUT, 0);
}

struct sampler *sampler_start(struct event_base *base, uint16_t port, int64_t interval_ms,
                              sampler_apply_fn apply, void *arg, struct dcd_err *err)
{
	struct sampler *s = calloc(1, sizeof(*s));

	if (!s) {
		err_set(err, "sampler: out of memory");
		return NULL;
	}
	*s = (struct sampler){ .base = base,
		               .port = port,
		               .interval_ms = interval_ms,
		               .apply = apply,
		               .arg = arg,
		               .efd = -1 };
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (!(s->diag = diag_open(err)))
		goto fail;
	s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->ready_ev =
	        s->efd >= 0 ? event_new(base, s->efd, EV_READ | EV_PERSIST, on_ready, s) : NULL;
	s->chunk_ev = event_new(base, -1, 0, on_chunk, s);
	if (!s->ready_ev || !s->chunk_ev || event_add(s->ready_ev, NULL) != 0) {
		err_set(err, "inet_diag sampling: cannot make its events (eventfd/event_new)");
		goto fail;
	}
	if (pthread_create(&s->thread, NULL, run, s) != 0) {
		err_set(err, "inet_diag sampling: cannot start its thread");
		goto fail;
	}
	s->started = true;
	return s;
fail:
	sampler_stop(s);
	return NULL;
}

void sampler_stop(struct sampler *s)
{
	if (!s)
		return;
	if (s->started) {
		pthread_mutex_lock(&s->mu);
		s->stopping = true;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
	}
	if (s->ready_ev)
		event_free(s->ready_ev);
	if (s->chunk_ev)
		event_free(s->chunk_ev);
	if (s->efd >= 0)
		close(s->efd);
	diag_close(s->diag);
	free(s->fill.v);
	free(s->ready.v);
	free(s->work.v);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}
