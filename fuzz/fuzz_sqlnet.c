/* fuzz_sqlnet.c - parameter files: sqlnet.ora and tnsnames.ora parsing. */
#include <stddef.h>
#include <stdint.h>

#include "../model/descriptor.h"
#include "../model/sqlnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sqlnet_config cfg;
	struct dcd_descriptor d;
	struct dcd_err err;

	sqlnet_init(&cfg);
	sqlnet_parse(&cfg, "fuzz.ora", (const char *)data, size, &err);
	sqlnet_get(&cfg, "SQLNET.EXPIRE_TIME");
	sqlnet_free(&cfg);
	if (tnsnames_lookup(&d, "fuzz.ora", (const char *)data, size, "ORCL", &err) == 0)
		descriptor_free(&d);
	return 0;
}
