/* cell_order.c - the order in which a conference's rooms fill the cells; see
 * cell_order.h. */
#include "mcu/conference/cell_order.h"

size_t cell_order(const struct cell_order_room *rooms, size_t count, int *slots)
{
    /* Picks the earliest joiner not taken yet, again and again: a handful of rooms. */
    size_t n = 0;
    bool have_last = false;
    uint64_t last = 0;
    for (;;) {
        const struct cell_order_room *next = NULL;
        for (size_t i = 0; i < count; i++) {
            const struct cell_order_room *r = &rooms[i];
            if (!r->in_mix || (have_last && r->joined <= last)) continue;
            if (!next || r->joined < next->joined) next = r;
        }
        if (!next) return n;
        slots[n++] = next->slot;
        last = next->joined;
        have_last = true;
    }
}
