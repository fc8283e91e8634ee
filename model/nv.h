/* nv.h - Oracle Net name-value strings: "(DESCRIPTION=(ADDRESS=(HOST=db1)))".
 *
 * The syntax of connect descriptors, tnsnames.ora entries and parenthesised
 * sqlnet.ora values. A value is an atom (possibly "quoted") or a list of
 * further (NAME=VALUE) pairs. Names compare case-insensitively, as Oracle
 * does. Nesting is limited (NV_MAX_DEPTH) so hostile input cannot exhaust the
 * stack. */
#ifndef DCDLAB_NV_H
#define DCDLAB_NV_H

#include <stddef.h>

#include "../lib/sbuf.h"

#define NV_MAX_DEPTH 32

struct nv {
	char *name;
	char *atom;       /* NULL when the value is a list of pairs */
	struct nv *child; /* first pair of the value, when a list */
	struct nv *next;  /* next sibling */
	size_t offset;    /* byte offset of '(' in the parsed text */
};

/* Where parsing stopped and why; offset is a byte offset into the text. */
struct nv_error {
	size_t offset;
	char what[160];
};

/* Parse one or more pairs "(A=..)(B=..)" (blanks and commas between them).
 * Returns the first pair, or NULL with `err` filled in. Empty text is an
 * error. */
struct nv *nv_parse(const char *text, size_t len, struct nv_error *err);

/* The first sibling in `list` named `name` (case-insensitive), or NULL. */
const struct nv *nv_find(const struct nv *list, const char *name);

/* Follow a path of names through children: nv_path(root, "DESCRIPTION",
 * "CONNECT_DATA", "SERVICE_NAME", NULL). `root` is a sibling list. */
const struct nv *nv_path(const struct nv *root, ...);

/* Write `list` back as canonical text (names as written, no blanks). */
void nv_format(const struct nv *list, struct sbuf *out);

void nv_free(struct nv *list);

/* Line and column (both from 1) of a byte offset in text. */
void text_line_col(const char *text, size_t len, size_t offset, int *line, int *col);

#endif
