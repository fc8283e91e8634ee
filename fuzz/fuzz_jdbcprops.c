/* fuzz_jdbcprops.c - JDBC thin's connection properties reader
 * (model/driver.c), and what the driver makes of what it read. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../model/driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jdbc_props p;
	struct driver_dcd dd;
	struct dcd_err err;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (jdbc_props_parse(&p, "fuzz", text, &err) == 0)
		driver_jdbc_dcd(&p, NULL, &dd);
	free(text);
	return 0;
}
