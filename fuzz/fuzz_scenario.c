/* fuzz_scenario.c - scenario files (model/scenario.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../model/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario s;
	struct dcd_err err;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* the parser reads text; a NUL ends it */
	if (scenario_parse(&s, "fuzz.scn", text, &err) == 0) {
		scenario_plan_ms(&s);
		scenario_calls(&s);
	}
	free(text);
	return 0;
}
