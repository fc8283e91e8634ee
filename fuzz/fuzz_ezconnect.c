/* fuzz_ezconnect.c - Easy Connect strings, client plans, release names. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../model/descriptor.h"
#include "../model/plan.h"
#include "../model/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct dcd_descriptor d;
	struct dcd_err err;
	struct oracle_release r;
	static struct plan p;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (ezconnect_parse(&d, s, &err) == 0)
		descriptor_free(&d);
	plan_parse(&p, s, &err);
	release_parse(s, &r, &err);
	free(s);
	return 0;
}
