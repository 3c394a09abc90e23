/* prometheus_text.c - the Prometheus text exposition format's lines: HELP/TYPE and
 * samples with escaped label values. See prometheus_text.h. */
#include "mcu/control/api/prometheus_text.h"

void prom_metric(GString *out, const char *name, const char *type, const char *help)
{
    g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

char *prom_escape_label(const char *value)
{
    GString *s = g_string_new(NULL);
    for (const char *p = value ? value : ""; *p; p++) {
        switch (*p) {
        case '\\': g_string_append(s, "\\\\"); break;
        case '"': g_string_append(s, "\\\""); break;
        case '\n': g_string_append(s, "\\n"); break;
        default: g_string_append_c(s, *p);
        }
    }
    return g_string_free(s, FALSE);
}

void prom_sample(GString *out, const char *name, const struct prom_label *labels,
                 size_t label_count, double value)
{
    g_string_append(out, name);
    for (size_t i = 0; i < label_count; i++) {
        char *escaped = prom_escape_label(labels[i].value);
        g_string_append_printf(out, "%s%s=\"%s\"", i ? "," : "{", labels[i].name, escaped);
        g_free(escaped);
    }
    if (label_count) g_string_append_c(out, '}');
    g_string_append_printf(out, " %.15g\n", value);
}
