/* send_limits.c - what each room should send; see send_limits.h. */
#include "mcu/conference/send_limits.h"

int send_limits_bitrate(int width, int height, int fps)
{
    double bps = (double)width * height * fps * SEND_LIMITS_BITS_PER_PIXEL;
    if (bps < SEND_LIMITS_MIN_BPS) return SEND_LIMITS_MIN_BPS;
    if (bps > SEND_LIMITS_MAX_BPS) return SEND_LIMITS_MAX_BPS;
    return (int)bps;
}

/* A canvas length in an output of `out` pixels for a canvas of `canvas`: even, >= 2. */
static int scaled(int length, int out, int canvas)
{
    int v = canvas > 0 ? (int)((long long)length * out / canvas) & ~1 : length;
    return v < 2 ? 2 : v;
}

void send_limits_compute(const struct send_limits_scene *scene, struct send_limits *out)
{
    for (size_t i = 0; i < scene->slots; i++) out[i] = (struct send_limits){.active = false};
    for (size_t i = 0; i < scene->slots; i++)
        if (scene->present[i]) out[i].max_bitrate = SEND_LIMITS_FLOOR_BPS;

    int cell_slot[LAYOUT_MAX_CELLS];
    size_t cells = scene->layout->count;
    if (cells > LAYOUT_MAX_CELLS) cells = LAYOUT_MAX_CELLS;
    mix_engine_cells(cells, scene->follow_speaker, scene->present, scene->slots, scene->focus,
                     scene->speaker, cell_slot);

    struct send_limits_size canvas = {scene->canvas_width, scene->canvas_height};
    const struct send_limits_size *sizes = scene->profile_count ? scene->profiles : &canvas;
    size_t size_count = scene->profile_count ? scene->profile_count : 1;
    for (size_t c = 0; c < cells; c++) {
        int slot = cell_slot[c];
        if (slot < 0) continue;
        const struct layout_cell *cell = &scene->layout->cells[c];
        struct send_limits *l = &out[slot];
        for (size_t p = 0; p < size_count; p++) {
            int w = scaled(cell->w, sizes[p].width, scene->canvas_width);
            int h = scaled(cell->h, sizes[p].height, scene->canvas_height);
            if (l->active && (long long)w * h <= (long long)l->width * l->height) continue;
            l->active = true;
            l->width = w;
            l->height = h;
        }
    }
    for (size_t i = 0; i < scene->slots; i++) {
        if (!out[i].active) continue;
        out[i].fps = scene->fps;
        out[i].max_bitrate = send_limits_bitrate(out[i].width, out[i].height, scene->fps);
    }
}

bool send_limits_equal(const struct send_limits *a, const struct send_limits *b)
{
    return a->active == b->active && a->width == b->width && a->height == b->height &&
           a->fps == b->fps && a->max_bitrate == b->max_bitrate;
}

bool send_limits_grew(const struct send_limits *a, const struct send_limits *b)
{
    if (!b->active) return false;
    if (!a->active) return true;
    return (long long)b->width * b->height > (long long)a->width * a->height;
}
