/* unicode_tables.h - the generated Unicode data the text renderer needs (see
 * scripts/gen_unicode_compose.py): Latin canonical compositions and the combining
 * classes of the Combining Diacritical Marks block. Use unicode_nfc.h, not these. */
#ifndef HOINGHI_MIXER_UNICODE_TABLES_H
#define HOINGHI_MIXER_UNICODE_TABLES_H

#include <stddef.h>
#include <stdint.h>

struct unicode_composition {
    uint16_t base, mark, composed;
};

/* Sorted by (base, mark). */
extern const struct unicode_composition unicode_compositions[];
extern const size_t unicode_composition_count;

/* Canonical combining class of U+0300 + i. */
extern const uint8_t unicode_mark_classes[0x70];

#endif
