/* test_send_limits.c - the size, rate and bitrate each room is asked to send, from
 * the layout, the members, the focus and the active speaker (send_limits.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcu/conference/send_limits.h"

#define SLOTS 16

static const struct send_limits_size two_profiles[] = {{1280, 720}, {640, 360}};

struct fixture {
    struct layout layout;
    bool present[SLOTS];
    struct send_limits out[SLOTS];
    struct send_limits_scene scene;
};

static void setup(struct fixture *f, const char *layout, size_t rooms)
{
    memset(f, 0, sizeof *f);
    assert_int_equal(layout_from_name(layout, 1280, 720, &f->layout), 0);
    for (size_t i = 0; i < rooms; i++) f->present[i] = true;
    f->scene = (struct send_limits_scene){
        .layout = &f->layout,
        .canvas_width = 1280,
        .canvas_height = 720,
        .fps = 30,
        .follow_speaker = mix_engine_layout_follows_speaker(layout),
        .focus = -1,
        .speaker = -1,
        .profiles = two_profiles,
        .profile_count = 2,
        .present = f->present,
        .slots = SLOTS,
    };
}

static void compute(struct fixture *f) { send_limits_compute(&f->scene, f->out); }

static void assert_limits(const struct send_limits *l, int width, int height, int bitrate)
{
    assert_true(l->active);
    assert_int_equal(l->width, width);
    assert_int_equal(l->height, height);
    assert_int_equal(l->fps, 30);
    assert_int_equal(l->max_bitrate, bitrate);
}

static void assert_off(const struct send_limits *l)
{
    assert_false(l->active);
    assert_int_equal(l->width, 0);
    assert_int_equal(l->fps, 0);
}

static void test_bitrate_formula(void **state)
{
    (void)state;
    assert_int_equal(send_limits_bitrate(426, 240, 30), 306720); /* 0.1 bit/pixel/frame */
    assert_int_equal(send_limits_bitrate(640, 360, 30), 691200);
    assert_int_equal(send_limits_bitrate(1280, 720, 30), SEND_LIMITS_MAX_BPS);
    assert_int_equal(send_limits_bitrate(160, 90, 15), SEND_LIMITS_MIN_BPS);
}

static void test_one_room_full_frame(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, "1x1", 1);
    compute(&f);
    assert_limits(&f.out[0], 1280, 720, SEND_LIMITS_MAX_BPS);
    assert_off(&f.out[1]);
    assert_int_equal(f.out[1].max_bitrate, 0); /* not in the conference at all */
}

static void test_grids(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, "2x2", 4);
    compute(&f);
    for (int i = 0; i < 4; i++) assert_limits(&f.out[i], 640, 360, 691200);

    setup(&f, "3x3", 9);
    compute(&f);
    for (int i = 0; i < 9; i++) {
        assert_true(f.out[i].active);
        assert_in_range(f.out[i].width, 424, 428); /* thirds, snapped to even pixels */
        assert_int_equal(f.out[i].height, 240);
        assert_in_range(f.out[i].max_bitrate, 300000, 310000);
    }
}

static void test_more_rooms_than_cells(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f, "2x2", 5);
    compute(&f);
    for (int i = 0; i < 4; i++) assert_limits(&f.out[i], 640, 360, 691200);
    assert_off(&f.out[4]);
    assert_int_equal(f.out[4].max_bitrate, SEND_LIMITS_FLOOR_BPS);

    /* Room 1 leaves: grid cells show their own slot, so room 4 is still not drawn;
     * a bigger grid brings it in. */
    f.present[1] = false;
    compute(&f);
    assert_off(&f.out[1]);
    assert_off(&f.out[4]);
    assert_int_equal(layout_from_name("3x3", 1280, 720, &f.layout), 0);
    compute(&f);
    assert_true(f.out[4].active);
    assert_int_equal(f.out[4].height, 240);
}

static void test_speaker_layouts(void **state)
{
    (void)state;
    struct fixture f;
    /* speaker+3 with five rooms: the speaker full frame, three thumbnails, one out. */
    setup(&f, "speaker+3", 5);
    f.scene.speaker = 2;
    compute(&f);
    assert_limits(&f.out[2], 1280, 720, SEND_LIMITS_MAX_BPS);
    int drawn = 0;
    for (int i = 0; i < 5; i++) {
        if (i == 2 || !f.out[i].active) continue;
        drawn++;
        assert_true(f.out[i].width < 1280 / 4);
        assert_true(f.out[i].max_bitrate < 691200);
    }
    assert_int_equal(drawn, 3);
    assert_off(&f.out[4]); /* thumbnails: the others in slot order */

    /* The speaker changes to room 4: it moves into the big cell, room 2 to a thumbnail. */
    struct send_limits before = f.out[4];
    f.scene.speaker = 4;
    compute(&f);
    assert_limits(&f.out[4], 1280, 720, SEND_LIMITS_MAX_BPS);
    assert_true(send_limits_grew(&before, &f.out[4]));
    assert_true(f.out[2].active && f.out[2].width < 1280 / 4);
    assert_off(&f.out[3]);

    /* The operator's focus wins over the speaker. */
    f.scene.focus = 1;
    compute(&f);
    assert_limits(&f.out[1], 1280, 720, SEND_LIMITS_MAX_BPS);
    assert_false(f.out[4].active && f.out[4].width == 1280);

    /* 1+5: the big cell is 2/3 of the canvas, the others 1/3. */
    setup(&f, "1+5", 6);
    f.scene.speaker = 5;
    compute(&f);
    assert_true(f.out[5].width >= 850 && f.out[5].width <= 854);
    assert_int_equal(f.out[5].height, 480);
    for (int i = 0; i < 5; i++) assert_int_equal(f.out[i].height, 240);
}

static void test_profiles(void **state)
{
    (void)state;
    struct fixture f;
    /* Only the low profile is encoded: the 2x2 cells are drawn at 320x180. */
    setup(&f, "2x2", 4);
    f.scene.profiles = &two_profiles[1];
    f.scene.profile_count = 1;
    compute(&f);
    assert_limits(&f.out[0], 320, 180, 172800);
    /* No profile given: the canvas. */
    f.scene.profile_count = 0;
    compute(&f);
    assert_limits(&f.out[0], 640, 360, 691200);
}

static void test_equal_and_grew(void **state)
{
    (void)state;
    struct send_limits a = {true, 640, 360, 30, 691200}, b = a;
    assert_true(send_limits_equal(&a, &b));
    b.max_bitrate = 1;
    assert_false(send_limits_equal(&a, &b));
    struct send_limits off = {.active = false, .max_bitrate = SEND_LIMITS_FLOOR_BPS};
    assert_true(send_limits_grew(&off, &a));
    assert_false(send_limits_grew(&a, &off));
    struct send_limits small = {true, 320, 180, 30, 172800};
    assert_true(send_limits_grew(&small, &a));
    assert_false(send_limits_grew(&a, &small));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bitrate_formula), cmocka_unit_test(test_one_room_full_frame),
        cmocka_unit_test(test_grids),           cmocka_unit_test(test_more_rooms_than_cells),
        cmocka_unit_test(test_speaker_layouts), cmocka_unit_test(test_profiles),
        cmocka_unit_test(test_equal_and_grew),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
