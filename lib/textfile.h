/* textfile.h - read a whole text file (parameter files, scenarios, platform
 * tunables): one reader, with the caller's size limit. */
#ifndef DCDLAB_TEXTFILE_H
#define DCDLAB_TEXTFILE_H

#include <stddef.h>

#include "err.h"

/* The file's bytes, NUL-terminated (free() them), and their count in *len.
 * Reads pipes and devices too. More than max_bytes is an error that names
 * `what` ("a parameter file"), as are a failed open or read (strerror). */
char *text_file_read(const char *path, size_t max_bytes, const char *what, size_t *len,
                     struct dcd_err *err);

/* The next line of *text into buf (NUL-terminated, without its newline),
 * *text moved past it and *line counted: 1, 0 at the end of the text, -1
 * for a line of `size` bytes or more ("file:line: line longer than N
 * bytes" in err). */
int text_line_next(const char **text, char *buf, size_t size, int *line, const char *file,
                   struct dcd_err *err);

#endif
