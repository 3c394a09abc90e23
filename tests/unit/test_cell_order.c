/* test_cell_order.c - the order a conference's rooms fill the cells in (cell_order.h):
 * join order, rooms without media left out, a room that leaves leaves no hole, a late
 * joiner comes last whatever slot it got. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mcu/conference/cell_order.h"

static void assert_order(const struct cell_order_room *rooms, size_t count, const int *want,
                         size_t want_count)
{
    int slots[16];
    size_t n = cell_order(rooms, count, slots);
    assert_int_equal(n, want_count);
    for (size_t i = 0; i < n; i++) assert_int_equal(slots[i], want[i]);
}

static void test_join_order(void **state)
{
    (void)state;
    /* A, B, C joined into slots 0, 1, 2. */
    const struct cell_order_room abc[] = {{0, 10, true}, {1, 11, true}, {2, 12, true}};
    assert_order(abc, 3, (int[]){0, 1, 2}, 3);
    /* B left: C moves up behind A. */
    const struct cell_order_room ac[] = {{0, 10, true}, {2, 12, true}};
    assert_order(ac, 2, (int[]){0, 2}, 2);
    /* D joined into the free slot 1: after C, not in B's old place. */
    const struct cell_order_room acd[] = {{0, 10, true}, {1, 13, true}, {2, 12, true}};
    assert_order(acd, 3, (int[]){0, 2, 1}, 3);
    /* A left too: C first, D second. */
    const struct cell_order_room cd[] = {{1, 13, true}, {2, 12, true}};
    assert_order(cd, 2, (int[]){2, 1}, 2);
}

static void test_rooms_not_in_the_mix(void **state)
{
    (void)state;
    /* E joined before F but its media is not up yet: F takes the cell; E comes in
     * before F once its media is up (join order, not media order). */
    const struct cell_order_room waiting[] = {{0, 1, false}, {1, 2, true}};
    assert_order(waiting, 2, (int[]){1}, 1);
    const struct cell_order_room up[] = {{0, 1, true}, {1, 2, true}};
    assert_order(up, 2, (int[]){0, 1}, 2);
    assert_order(up, 0, NULL, 0);
    const struct cell_order_room none[] = {{0, 1, false}, {1, 2, false}};
    assert_order(none, 2, NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join_order),
        cmocka_unit_test(test_rooms_not_in_the_mix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
