/* html.c - the self-contained HTML report's frame (html.h). */
#include "html.h"

#include <errno.h>
#include <string.h>

#include "../lib/log.h"

/* Colours that survive greyscale printing: pass and fail differ by weight
 * and by their words too, not only by hue. */
static const char style[] =
        "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#111;"
        "max-width:1180px}\n"
        "h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px}\n"
        ".sub{color:#444;margin:0 0 16px}\n"
        "table{border-collapse:collapse;margin:8px 0}\n"
        "td,th{border:1px solid #bbb;padding:3px 8px;text-align:left;font-size:13px;"
        "vertical-align:top}\n"
        "th{background:#eee}th.sort{cursor:pointer}th.sort:after{content:' \\2195';"
        "color:#777}\n"
        ".pass{font-weight:bold;color:#1a6a1a}.fail{font-weight:bold;color:#a00000;"
        "text-decoration:underline}\n"
        ".num{text-align:right;font-variant-numeric:tabular-nums}\n"
        ".desc{margin:2px 0;color:#333}.setup{font-family:monospace;font-size:12px;"
        "color:#444;margin:2px 0 6px}\n"
        "details{margin:6px 0}summary{cursor:pointer;font-weight:bold}\n"
        ".pic{overflow-x:auto}\n";

/* Click a header of a table.sortable: sort its rows by that column
 * (numbers as numbers), again to reverse. */
static const char script[] =
        "<script>\n"
        "document.querySelectorAll('table.sortable').forEach(function(t){\n"
        " t.querySelectorAll('th').forEach(function(th,i){\n"
        "  th.className='sort';\n"
        "  th.addEventListener('click',function(){\n"
        "   var rows=Array.prototype.slice.call(t.tBodies[0].rows);\n"
        "   var up=th.getAttribute('data-up')!=='1';th.setAttribute('data-up',up?'1':'0');\n"
        "   rows.sort(function(a,b){\n"
        "    var x=a.cells[i].textContent,y=b.cells[i].textContent;\n"
        "    var p=parseFloat(x),q=parseFloat(y);\n"
        "    var c=(!isNaN(p)&&!isNaN(q))?p-q:x.localeCompare(y);\n"
        "    return up?c:-c;});\n"
        "   rows.forEach(function(r){t.tBodies[0].appendChild(r);});});});});\n"
        "</script>\n";

void html_text(FILE *out, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, out);
		}
}

void html_begin(FILE *out, const char *title, const char *subtitle)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      out);
	html_text(out, title);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style);
	html_text(out, title);
	fputs("</h1>\n<p class=\"sub\">", out);
	html_text(out, subtitle);
	fputs("</p>\n", out);
}

void html_end(FILE *out)
{
	fputs(script, out);
	fputs("</body>\n</html>\n", out);
}

void html_bars(FILE *out, const char *title, const char *const *labels, const double *values, int n,
               int mark_lo, int mark_hi, const char *unit)
{
	const int gap_px = 14, left_px = 60, top_px = 30, plot_px = 180;
	double max = 0;
	int bar_px = 64;

	/* each bar as wide as its longest label (10 px sans: < 6.5 px a char) */
	for (int i = 0; i < n; i++) {
		int w = (int)(strlen(labels[i]) * 6.5) + 8;
		if (w > bar_px)
			bar_px = w;
	}
	int width_px = left_px + n * (bar_px + gap_px) + 20, height_px = top_px + plot_px + 60;

	for (int i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	fprintf(out,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" "
	        "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Arial, "
	        "sans-serif\">\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n",
	        width_px, height_px, width_px, height_px, width_px, height_px);
	fprintf(out, "<text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\">");
	html_text(out, title);
	fputs("</text>\n", out);
	fprintf(out,
	        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n"
	        "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%.0f</text>\n"
	        "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">0</text>\n",
	        left_px - 4, top_px + plot_px, width_px - 10, top_px + plot_px, left_px - 8,
	        top_px + 10, max, left_px - 8, top_px + plot_px);
	for (int i = 0; i < n; i++) {
		double h = max > 0 ? values[i] / max * (plot_px - 10) : 0;
		int x = left_px + i * (bar_px + gap_px);
		bool marked = mark_lo >= 0 && i >= mark_lo && i <= mark_hi;
		/* the bracket: hatched as well as darker, for greyscale prints */
		fprintf(out,
		        "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\" "
		        "stroke=\"#222\"%s/>\n",
		        x, top_px + plot_px - h, bar_px, h, marked ? "#c8741c" : "#7a9cc6",
		        marked ? " stroke-width=\"2\" stroke-dasharray=\"4,2\"" : "");
		fprintf(out,
		        "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
		        "text-anchor=\"middle\">%.0f</text>\n",
		        x + bar_px / 2, top_px + plot_px - h - 4, values[i]);
		fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">",
		        x + bar_px / 2, top_px + plot_px + 14);
		html_text(out, labels[i]);
		fputs("</text>\n", out);
	}
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#444\">", left_px,
	        top_px + plot_px + 34);
	html_text(out, unit);
	fputs("</text>\n</svg>\n", out);
}

int html_write_file(const char *path, const char *doc, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		log_error("--html %s: %s", path, strerror(errno));
		return -1;
	}
	size_t w = fwrite(doc, 1, len, f);
	int bad = w != len || ferror(f);
	int saved = errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	if (bad) {
		log_error("--html %s: %s", path, strerror(saved));
		return -1;
	}
	return 0;
}
