/* prometheus_text.h - writing the Prometheus text exposition format 0.0.4 (what
 * /metrics answers): a metric's HELP and TYPE lines, and samples with labels whose
 * values are escaped (backslash, double quote and line feed, as the format says).
 * Every sample of one metric must follow its HELP/TYPE lines, before the next metric. */
#ifndef HOINGHI_PROMETHEUS_TEXT_H
#define HOINGHI_PROMETHEUS_TEXT_H

#include <glib.h>

/* "# HELP name help\n# TYPE name type\n"; type is "gauge" or "counter". */
void prom_metric(GString *out, const char *name, const char *type, const char *help);

/* One label pair for prom_sample(). */
struct prom_label {
    const char *name;
    const char *value; /* any UTF-8; NULL reads as "" */
};

/* "name{a="x",b="y"} value\n" with the label values escaped; no braces without labels.
 * Values print with up to 15 significant digits. */
void prom_sample(GString *out, const char *name, const struct prom_label *labels,
                 size_t label_count, double value);

/* A label value escaped for the format (g_free). */
char *prom_escape_label(const char *value);

#endif
