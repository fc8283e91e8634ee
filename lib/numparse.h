/* numparse.h - numbers and durations from text, with range checks.
 *
 * Never atoi: every conversion says whether the whole string was a number in
 * range. Durations carry their unit ("30s", "5m", "250ms"); a bare number is in
 * the unit the caller names. */
#ifndef DCDLAB_NUMPARSE_H
#define DCDLAB_NUMPARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Parse a base-10 integer in [min, max]; the whole string must be used.
 * Returns 0 on success, -1 otherwise. Leading/trailing blanks are allowed. */
int parse_long(const char *s, long min, long max, long *out);

/* Parse a duration into milliseconds: "1.5s", "30s", "5m", "2h", "1d", "250ms".
 * A bare number is taken in `bare_unit_ms` (1000 for seconds). Units are
 * case-insensitive; "sec", "min" are accepted (sqlnet.ora spells them so).
 * Returns 0 on success, -1 on syntax error or a value above 2^53 ms. */
int parse_duration_ms(const char *s, int64_t bare_unit_ms, int64_t *out_ms);

/* Parse an Oracle boolean: TRUE/FALSE, YES/NO, ON/OFF, 1/0 (any case). */
int parse_bool(const char *s, bool *out);

/* Format milliseconds as the shortest exact duration ("600s", "1.5s", "250ms"). */
const char *fmt_duration_ms(int64_t ms, char *buf, int len);

/* A duration rounded for people: "4.3 s", "10.2 min", "4.0 h"; "never"
 * for a negative one. */
const char *fmt_approx_ms(int64_t ms, char *buf, int len);

#endif
