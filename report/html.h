/* html.h - one self-contained HTML page: a report people open in a browser
 * without network access (styles and the one small script inline, pictures
 * as inline SVG), for lab run, sim and analyze (--html FILE). */
#ifndef DCDLAB_HTML_H
#define DCDLAB_HTML_H

#include <stdbool.h>
#include <stdio.h>

/* The page up to its body's first element: <h1>title</h1> and `subtitle`. */
void html_begin(FILE *out, const char *title, const char *subtitle);
/* The page's end (the script that sorts tables whose headers are clicked). */
void html_end(FILE *out);
/* Text with &, <, >, " escaped. */
void html_text(FILE *out, const char *s);

/* A bar chart (inline SVG) of n values with their labels; `mark_lo` /
 * `mark_hi` >= 0 shade the bars whose index lies in [lo, hi] (a bracket). */
void html_bars(FILE *out, const char *title, const char *const *labels, const double *values, int n,
               int mark_lo, int mark_hi, const char *unit);

/* Write the page in `body` (a complete document) to `path` atomically
 * enough for a CI artifact: 0, or -1 after saying why. */
int html_write_file(const char *path, const char *doc, size_t len);

#endif
