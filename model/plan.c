/* plan.c - parse a client plan. */
#include "plan.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../lib/numparse.h"

int plan_parse(struct plan *p, const char *text, struct dcd_err *err)
{
	const char *s = text;

	p->n = 0;
	while (*s) {
		char item[128], word[16], arg[64];
		size_t n = strcspn(s, ",");
		size_t off = (size_t)(s - text);
		long repeat = 1;
		char *w;
		int fields;

		if (n >= sizeof(item)) {
			err_set(err, "plan, byte %zu: step longer than 127 bytes", off);
			return -1;
		}
		memcpy(item, s, n);
		item[n] = '\0';
		s += n + (s[n] == ',');
		w = item;
		while (isspace((unsigned char)*w))
			w++;
		off += (size_t)(w - item); /* point at the step, not the blanks */
		if (*w == '\0') {
			err_set(err, "plan, byte %zu: empty step", off);
			return -1;
		}
		char *star = strchr(w, '*');
		if (star) {
			*star = '\0';
			if (parse_long(w, 1, PLAN_MAX_STEPS, &repeat) != 0) {
				err_set(err,
				        "plan, byte %zu: bad repeat count \"%s\": expected 1 to %d",
				        off, w, PLAN_MAX_STEPS);
				return -1;
			}
			w = star + 1;
		}
		arg[0] = '\0';
		fields = sscanf(w, "%15s %63s", word, arg);
		if (fields < 1) {
			err_set(err, "plan, byte %zu: empty step", off);
			return -1;
		}
		struct plan_step st = { 0 };
		if (strcasecmp(word, "call") == 0) {
			st.op = PLAN_CALL;
			if (fields == 2 && parse_duration_ms(arg, 1000, &st.duration_ms) != 0) {
				err_set(err,
				        "plan, byte %zu: call \"%s\": expected a duration such as "
				        "5s",
				        off, arg);
				return -1;
			}
		} else if (strcasecmp(word, "idle") == 0) {
			st.op = PLAN_IDLE;
			if (fields != 2 || parse_duration_ms(arg, 1000, &st.duration_ms) != 0) {
				err_set(err,
				        "plan, byte %zu: idle needs a duration such as 30s, got "
				        "\"%s\"",
				        off, arg);
				return -1;
			}
		} else if (strcasecmp(word, "close") == 0) {
			st.op = PLAN_CLOSE;
		} else if (strcasecmp(word, "commit") == 0) {
			st.op = PLAN_COMMIT;
		} else if (strcasecmp(word, "lock") == 0) {
			st.op = PLAN_LOCK;
			size_t an = strlen(arg);
			bool ok = fields == 2 && an <= PLAN_LOCK_NAME_MAX;
			for (size_t i = 0; ok && i < an; i++)
				ok = isalnum((unsigned char)arg[i]) || arg[i] == '_' ||
				     arg[i] == '-';
			if (!ok) {
				err_set(err,
				        "plan, byte %zu: lock needs a name of letters, digits, '_' "
				        "or '-' (at most %d), got \"%s\"",
				        off, PLAN_LOCK_NAME_MAX, arg);
				return -1;
			}
			memcpy(st.lock, arg, an + 1);
		} else {
			err_set(err,
			        "plan, byte %zu: unknown step \"%s\": expected call, idle, close, "
			        "lock "
			        "or commit",
			        off, word);
			return -1;
		}
		if ((st.op == PLAN_CLOSE || st.op == PLAN_COMMIT) && fields == 2) {
			err_set(err, "plan, byte %zu: unexpected \"%s\" after \"%s\"", off, arg,
			        word);
			return -1;
		}
		/* Anything after the argument is a mistake worth naming. */
		{
			char extra[8];
			if (sscanf(w, "%*s %*s %7s", extra) == 1) {
				err_set(err, "plan, byte %zu: unexpected \"%s\" after \"%s %s\"",
				        off, extra, word, arg);
				return -1;
			}
		}
		for (long i = 0; i < repeat; i++) {
			if (p->n == PLAN_MAX_STEPS) {
				err_set(err, "plan: more than %d steps", PLAN_MAX_STEPS);
				return -1;
			}
			p->step[p->n++] = st;
		}
	}
	if (p->n == 0) {
		err_set(err, "plan: empty");
		return -1;
	}
	return 0;
}
