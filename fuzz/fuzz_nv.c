/* fuzz_nv.c - connect descriptors: NV parser, descriptor extraction, format. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/sbuf.h"
#include "../model/descriptor.h"
#include "../model/nv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nv_error e;
	struct nv *nv = nv_parse((const char *)data, size, &e);

	if (nv) {
		struct dcd_descriptor d;
		struct dcd_err err;
		struct sbuf out = { 0 };
		nv_format(nv, &out);
		/* What we format must parse again to the same text. */
		struct nv *again = nv_parse(out.buf, out.len, &e);
		if (again == NULL)
			abort();
		struct sbuf out2 = { 0 };
		nv_format(again, &out2);
		if (out.len != out2.len || memcmp(out.buf, out2.buf, out.len) != 0)
			abort();
		nv_free(again);
		sbuf_free(&out2);
		sbuf_free(&out);
		if (descriptor_from_nv(&d, nv, &err) == 0)
			descriptor_free(&d);
		nv_free(nv);
	} else if (e.offset > size) {
		abort(); /* an error must point inside the text */
	}
	return 0;
}
