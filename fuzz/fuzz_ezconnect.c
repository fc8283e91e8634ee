/* fuzz_ezconnect.c - Easy Connect strings, client plans, release names,
 * HOST:PORT addresses (listen, --metrics) and the port of a peer's text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../model/descriptor.h"
#include "../model/plan.h"
#include "../lib/sockaddr.h"
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
	struct sockaddr_storage ss;
	int sslen;
	if (parse_hostport(s, &ss, &sslen, &err) == 0) {
		char buf[80];
		format_sockaddr((struct sockaddr *)&ss, buf, sizeof(buf));
		/* what it formats, it reads back */
		if (hostport_port(buf) == 0)
			abort();
	}
	(void)hostport_port(s);
	free(s);
	return 0;
}
