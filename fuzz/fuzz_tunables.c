/* fuzz_tunables.c - every platform's tunables parser (model/tunables.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../model/tunables.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct platform_tcp t;
	struct dcd_err err;
	char *text;

	if (size < 1 || !(text = malloc(size)))
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	tunables_parse(&t, (enum platform)(data[0] % PLAT_COUNT), "fuzz", text, &err);
	free(text);
	return 0;
}
