/* test_prometheus_text.c - the Prometheus text lines of /metrics
 * (mcu/control/api/prometheus_text.c): label values escaped as the format says
 * (backslash, double quote, line feed; UTF-8 kept), labels in order inside braces,
 * none without labels, whole numbers printed exactly, HELP before TYPE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mcu/control/api/prometheus_text.h"

static void test_escape(void **state)
{
    (void)state;
    char *e = prom_escape_label("Phòng \"Hà Nội\" \\ 1\nB");
    assert_string_equal(e, "Phòng \\\"Hà Nội\\\" \\\\ 1\\nB");
    g_free(e);
    e = prom_escape_label(NULL);
    assert_string_equal(e, "");
    g_free(e);
}

static void test_samples(void **state)
{
    (void)state;
    GString *s = g_string_new(NULL);
    prom_metric(s, "hoinghi_x_total", "counter", "What x is.");
    struct prom_label labels[] = {{"conference", "c1"}, {"room", "a\"b"}};
    prom_sample(s, "hoinghi_x_total", labels, 2, 1234567890123.0);
    prom_sample(s, "hoinghi_x_total", NULL, 0, 0.25);
    assert_string_equal(s->str, "# HELP hoinghi_x_total What x is.\n"
                                "# TYPE hoinghi_x_total counter\n"
                                "hoinghi_x_total{conference=\"c1\",room=\"a\\\"b\"} 1234567890123\n"
                                "hoinghi_x_total 0.25\n");
    g_string_free(s, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
