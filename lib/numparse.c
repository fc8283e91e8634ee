/* numparse.c - numbers and durations from text, with range checks. */
#include "numparse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL)
		return -1;
	s = skip_blank(s);
	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	if (*skip_blank(end) != '\0')
		return -1;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static const struct duration_unit {
	const char *name;
	int64_t ms;
} duration_units[] = {
	{ .name = "ms", .ms = 1 },       { .name = "s", .ms = 1000 },
	{ .name = "sec", .ms = 1000 },   { .name = "m", .ms = 60000 },
	{ .name = "min", .ms = 60000 },  { .name = "h", .ms = 3600000 },
	{ .name = "d", .ms = 86400000 },
};

int parse_duration_ms(const char *s, int64_t bare_unit_ms, int64_t *out_ms)
{
	char *end;
	double v;
	int64_t unit_ms = bare_unit_ms;
	size_t i;

	if (s == NULL)
		return -1;
	s = skip_blank(s);
	/* strtod accepts "inf", "nan" and hex: allow digits and one dot only. */
	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || !isfinite(v) || v < 0)
		return -1;
	for (const char *p = s; p < end; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return -1;
	end = (char *)skip_blank(end);
	if (*end != '\0') {
		char unit[8];
		size_t n = strlen(end);

		while (n > 0 && (end[n - 1] == ' ' || end[n - 1] == '\t'))
			n--;
		if (n == 0 || n >= sizeof(unit))
			return -1;
		memcpy(unit, end, n);
		unit[n] = '\0';
		for (i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++)
			if (strcasecmp(unit, duration_units[i].name) == 0)
				break;
		if (i == sizeof(duration_units) / sizeof(duration_units[0]))
			return -1;
		unit_ms = duration_units[i].ms;
	}
	v *= (double)unit_ms;
	if (v > 9007199254740992.0)
		return -1;
	*out_ms = (int64_t)llround(v);
	return 0;
}

int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

const char *fmt_duration_ms(int64_t ms, char *buf, int len)
{
	if (ms % 1000 == 0)
		snprintf(buf, (size_t)len, "%llds", (long long)(ms / 1000));
	else if (ms >= 1000)
		snprintf(buf, (size_t)len, "%.3gs", (double)ms / 1000.0);
	else
		snprintf(buf, (size_t)len, "%lldms", (long long)ms);
	return buf;
}

const char *fmt_approx_ms(int64_t ms, char *buf, int len)
{
	if (ms < 0)
		snprintf(buf, (size_t)len, "never");
	else if (ms < 120000)
		snprintf(buf, (size_t)len, "%.1f s", (double)ms / 1000);
	else if (ms < 7200000)
		snprintf(buf, (size_t)len, "%.1f min", (double)ms / 60000);
	else
		snprintf(buf, (size_t)len, "%.1f h", (double)ms / 3600000);
	return buf;
}
