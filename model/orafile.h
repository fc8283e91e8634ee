/* orafile.h - Oracle parameter files (sqlnet.ora, tnsnames.ora) as entries.
 *
 * An entry starts in column 1 with `NAME = value`; a value continues on lines
 * that start with white space (or with '(' / ')' while parentheses are open or
 * no value has been given yet, as real tnsnames.ora files do). '#' starts a
 * comment outside quotes. The value keeps its newlines so that a later parse
 * error can be mapped back to file:line:col (orafile_where). */
#ifndef DCDLAB_ORAFILE_H
#define DCDLAB_ORAFILE_H

#include <stddef.h>

#include "../lib/err.h"

struct ora_entry {
	char *name;     /* as written, blanks trimmed ("a, b" for aliases) */
	char *value;    /* comments blanked, outer blanks trimmed */
	int line;       /* line of the name */
	int value_line; /* line and column where value[0] sits */
	int value_col;
	struct ora_entry *next;
};

/* Split `text` (named `file` in messages) into entries. Returns 0, or -1 with
 * "file:line: ..." in `err`; entries read before the error are kept in *out. */
int orafile_parse(const char *file, const char *text, size_t len, struct ora_entry **out,
                  struct dcd_err *err);

/* Parameter files (sqlnet.ora, tnsnames.ora) are read whole, at most this. */
#define ORAFILE_MAX_BYTES ((size_t)16 << 20)

/* Line and column in the file of byte `offset` of `e->value`. */
void orafile_where(const struct ora_entry *e, size_t offset, int *line, int *col);

void orafile_free(struct ora_entry *list);

#endif
