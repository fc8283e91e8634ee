/* textfile.c - read a whole text file, bounded. */
#include "textfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sbuf.h"

char *text_file_read(const char *path, size_t max_bytes, const char *what, size_t *len,
                     struct dcd_err *err)
{
	FILE *f = fopen(path, "rb");
	struct sbuf sb = { 0 };
	char chunk[8192];
	size_t n;

	if (f == NULL) {
		err_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* Chunks, not the size from fstat: a pipe or /dev/stdin has none. */
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (sb.len + n > max_bytes) {
			err_set(err, "%s: larger than %zu KiB; not %s", path, max_bytes >> 10,
			        what);
			fclose(f);
			sbuf_free(&sb);
			return NULL;
		}
		sbuf_add(&sb, chunk, n);
	}
	if (ferror(f)) {
		err_set(err, "%s: read error: %s", path, strerror(errno));
		fclose(f);
		sbuf_free(&sb);
		return NULL;
	}
	fclose(f);
	if (sb.buf == NULL)
		sbuf_add(&sb, "", 0);
	*len = sb.len;
	return sb.buf;
}

int text_line_next(const char **text, char *buf, size_t size, int *line, const char *file,
                   struct dcd_err *err)
{
	const char *p = *text;
	size_t n = strcspn(p, "\n");

	if (!*p)
		return 0;
	(*line)++;
	if (n >= size) {
		err_set(err, "%s:%d: line longer than %zu bytes", file, *line, size - 1);
		return -1;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	*text = p + n + (p[n] == '\n');
	return 1;
}
