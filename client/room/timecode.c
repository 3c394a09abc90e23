/* timecode.c - drawing and reading the time code; see timecode.h. */
#include "client/room/timecode.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define START_MODULES  6
#define STOP_MODULES   4
#define WIDTH_MODULES  54  /* the picture's width in modules: 2 free at each side */
#define LUMA_WHITE     235 /* BT.601 limited range */
#define LUMA_BLACK     16
#define LUMA_THRESHOLD 128
#define DARK_AT_MOST   90  /* a start pattern's black bars read below this ... */
#define LIGHT_AT_LEAST 170 /* ... and its white bars above this */
#define ROW_STEP       2   /* rows scanned: every second one */
#define MAX_VALUES     32  /* distinct codes remembered while looking for two that agree */

static const uint8_t start_pattern[START_MODULES] = {1, 0, 1, 0, 1, 0};
static const uint8_t stop_pattern[STOP_MODULES] = {0, 1, 0, 1};

uint32_t timecode_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    return (uint32_t)(ms & TIMECODE_MASK);
}

uint32_t timecode_elapsed_ms(uint32_t now, uint32_t stamp) { return (now - stamp) & TIMECODE_MASK; }

/* CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF) of the time's three bytes. */
static uint16_t crc16(uint32_t value)
{
    uint16_t crc = 0xFFFF;
    for (int byte = 2; byte >= 0; byte--) {
        crc ^= (uint16_t)(((value >> (8 * byte)) & 0xFF) << 8);
        for (int bit = 0; bit < 8; bit++)
            crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

static void code_modules(uint32_t stamp, uint8_t modules[TIMECODE_MODULES])
{
    uint32_t value = stamp & TIMECODE_MASK;
    uint16_t crc = crc16(value);
    int k = 0;

    for (int i = 0; i < START_MODULES; i++) modules[k++] = start_pattern[i];
    for (int i = TIMECODE_BITS - 1; i >= 0; i--) modules[k++] = (value >> i) & 1;
    for (int i = 15; i >= 0; i--) modules[k++] = (crc >> i) & 1;
    for (int i = 0; i < STOP_MODULES; i++) modules[k++] = stop_pattern[i];
}

/* The time in modules read from a row, if start, stop and CRC are right. */
static bool modules_value(const uint8_t modules[TIMECODE_MODULES], uint32_t *stamp)
{
    uint32_t value = 0;
    uint16_t crc = 0;
    int k = 0;

    for (int i = 0; i < START_MODULES; i++)
        if (modules[k++] != start_pattern[i]) return false;
    for (int i = 0; i < TIMECODE_BITS; i++) value = (value << 1) | modules[k++];
    for (int i = 0; i < 16; i++) crc = (uint16_t)((crc << 1) | modules[k++]);
    for (int i = 0; i < STOP_MODULES; i++)
        if (modules[k++] != stop_pattern[i]) return false;
    if (crc != crc16(value)) return false;
    *stamp = value;
    return true;
}

void timecode_draw(uint8_t *luma, int stride, int width, int height, uint32_t stamp)
{
    uint8_t modules[TIMECODE_MODULES];
    int module = width / WIDTH_MODULES;
    int x0 = (width - TIMECODE_MODULES * module) / 2;
    int y0 = height / 8, rows = height / 5;

    if (module < 2 || rows < 1) return;
    code_modules(stamp, modules);
    for (int y = y0; y < y0 + rows; y++) {
        uint8_t *row = luma + (size_t)y * (size_t)stride;
        for (int k = 0; k < TIMECODE_MODULES; k++)
            memset(row + x0 + k * module, modules[k] ? LUMA_WHITE : LUMA_BLACK, (size_t)module);
    }
}

/* A run of pixels on one side of the threshold. */
struct run {
    int start, length;
    bool light;
};

static int row_runs(const uint8_t *row, int width, struct run *runs)
{
    int n = 0;
    for (int x = 0; x < width; x++) {
        bool light = row[x] >= LUMA_THRESHOLD;
        if (n > 0 && runs[n - 1].light == light) {
            runs[n - 1].length++;
        } else {
            runs[n] = (struct run){.start = x, .length = 1, .light = light};
            n++;
        }
    }
    return n;
}

static int mean_luma(const uint8_t *row, const struct run *r)
{
    int sum = 0;
    for (int x = r->start; x < r->start + r->length; x++) sum += row[x];
    return sum / r->length;
}

/* Runs r[0..5] as a start pattern (white, black, white, black, white, black): the four
 * inner runs are whole modules of about one width (the outer two may have merged with
 * their neighbours), black and white. Sets *module to their mean width. */
static bool start_candidate(const uint8_t *row, const struct run *r, double *module)
{
    double m = (r[1].length + r[2].length + r[3].length + r[4].length) / 4.0;

    if (!r[0].light || m < 1.5) return false;
    for (int i = 1; i <= 4; i++)
        if (r[i].length < 0.6 * m || r[i].length > 1.4 * m) return false;
    if (r[0].length < 0.5 * m || r[5].length < 0.5 * m) return false;
    for (int i = 1; i <= 4; i++) {
        int luma = mean_luma(row, &r[i]);
        if (r[i].light ? luma < LIGHT_AT_LEAST : luma > DARK_AT_MOST) return false;
    }
    *module = m;
    return true;
}

/* Module k of a code that starts at x0 with modules of width m: white or black, from
 * the mean of the middle half of the module. */
static uint8_t sample(const uint8_t *row, int width, double x0, double m, int k)
{
    double centre = x0 + (k + 0.5) * m;
    int a = (int)(centre - m / 4 + 0.5), b = (int)(centre + m / 4 + 0.5);
    int sum = 0;

    if (a < 0) a = 0;
    if (b > width) b = width;
    if (b <= a) b = a + 1;
    if (a >= width) return 0;
    for (int x = a; x < b; x++) sum += row[x];
    return sum / (b - a) >= LUMA_THRESHOLD;
}

/* Reads a code whose first black start module begins at first_black, trying module
 * widths within 8 % of the start pattern's estimate (the nearest first): the stop
 * pattern is checked before the rest. */
static bool decode_at(const uint8_t *row, int width, int first_black, double estimate,
                      uint32_t *stamp)
{
    for (int step = 0; step <= 32; step++) {
        int k = step % 2 ? (step + 1) / 2 : -(step / 2);
        double m = estimate * (1.0 + k * 0.005);
        double x0 = first_black - m;
        uint8_t modules[TIMECODE_MODULES];
        bool stop_ok = true;

        if (x0 < -m / 2 || x0 + TIMECODE_MODULES * m > width + m / 2) continue;
        for (int i = 0; i < STOP_MODULES && stop_ok; i++)
            stop_ok =
                sample(row, width, x0, m, TIMECODE_MODULES - STOP_MODULES + i) == stop_pattern[i];
        if (!stop_ok) continue;
        for (int i = 0; i < TIMECODE_MODULES; i++) modules[i] = sample(row, width, x0, m, i);
        if (modules_value(modules, stamp)) return true;
    }
    return false;
}

bool timecode_read(const uint8_t *luma, int stride, int width, int height, uint32_t *stamp)
{
    uint32_t values[MAX_VALUES];
    int nvalues = 0;
    bool found = false;
    struct run *runs;

    if (width < 1 || height < 1) return false;
    runs = malloc(sizeof(*runs) * (size_t)width);
    if (!runs) return false;
    for (int y = 0; y < height && !found; y += ROW_STEP) {
        const uint8_t *row = luma + (size_t)y * (size_t)stride;
        int n = row_runs(row, width, runs);
        for (int i = 0; i + 5 < n && !found; i++) {
            double module;
            uint32_t value;
            if (!start_candidate(row, &runs[i], &module)) continue;
            if (!decode_at(row, width, runs[i + 1].start, module, &value)) continue;
            for (int v = 0; v < nvalues && !found; v++) found = values[v] == value;
            if (found)
                *stamp = value;
            else if (nvalues < MAX_VALUES)
                values[nvalues++] = value;
            i += 5; /* one code per row is enough */
        }
    }
    free(runs);
    return found;
}
