/* cell_order.h - the order in which a mixing conference's rooms fill the cells of its
 * layout: the order they joined in, leaving out rooms that are not in the mix (no
 * media yet). A room that leaves takes its place with it, so the rooms after it move
 * up one cell and the empty cells are only at the end (no holes); a room that joins
 * late comes last, whatever slot (engine input) it got. The mix engine draws in this
 * order (mix_engine_set_order()) and the sender limits use the same one.
 *
 * Pure logic: no clock, no lock, no allocation. */
#ifndef HOINGHI_MCU_CELL_ORDER_H
#define HOINGHI_MCU_CELL_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cell_order_room {
    int slot;        /* the room's engine input */
    uint64_t joined; /* its join sequence number: smaller joined earlier */
    bool in_mix;     /* its media is up (it is an input of the mix) */
};

/* Writes the slots of the rooms in the mix, in join order, to slots[] (room for
 * `count`); returns how many. */
size_t cell_order(const struct cell_order_room *rooms, size_t count, int *slots);

#endif
