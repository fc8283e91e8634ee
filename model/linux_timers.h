/* linux_timers.h - when Linux's TCP timers fire and when a socket gives up:
 * the one model of them that dcdlab listen prints, the simulator runs and
 * dcdlab check judges by (DOMAIN.md §3).
 *
 * Pure model: no sockets. The figures are the kernel's own rules
 * (kernel/time/timer.c, net/ipv4/tcp_timer.c) checked against the lab
 * (tests/integration/sim_fidelity.sh). */
#ifndef DCDLAB_LINUX_TIMERS_H
#define DCDLAB_LINUX_TIMERS_H

#include <stdint.h>

#include "profile.h"

/* The tick rate of Debian's kernels and the lab's. */
#define LINUX_HZ 250
/* TCP_RTO_MAX: a retransmission timeout stops doubling here. */
#define TCP_RTO_MAX_MS 120000

/* How late a timer is taken to fire: not at all (the textbook figure), on
 * average (half the timer wheel's granularity), or as late as it may. */
enum timer_lateness { TIMER_EXACT, TIMER_TYPICAL, TIMER_LATEST };

/* When a kernel timer armed `ms` ahead fires. The timer wheel lets it be
 * late by up to its level's granularity: 8^level jiffies, the level chosen
 * by how far ahead it is (63, 504, 4032, ... jiffies). At HZ=250 a 2 s
 * timer is up to 32 ms late, a 5 s one 256 ms, a 600 s one 16 s. */
int64_t linux_timer_ms(int64_t ms, enum timer_lateness late);

/* Time in ms from the first unacknowledged transmission until the kernel
 * gives up after `retries` retransmissions (tcp_model_timeout): doubling
 * from `rto_base_ms`, capped at TCP_RTO_MAX. */
int64_t tcp_retrans_timeout_ms(int retries, int rto_base_ms);

/* Time in ms from the last packet received until a socket with keepalive
 * `ka` gives up on a silent peer: the idle timer, then `cnt` unanswered
 * probes `intvl` apart (tcp_keepalive_timer), each timer as late as
 * `late` says. */
int64_t keepalive_give_up_ms(const struct keepalive *ka, enum timer_lateness late);

#endif
