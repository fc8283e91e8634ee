/* fuzz_initora.c - the init.ora / spfile excerpt reader for the database's
 * idle limits (model/dbend.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/err.h"
#include "../model/dbend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct db_limits l = { 0 };
	struct dcd_err err;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	db_limits_parse_initora(&l, "fuzz", text, &err);
	free(text);
	return 0;
}
