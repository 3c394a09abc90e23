# hoinghi top-level build. One Makefile, pkg-config for every library.
#
#   make deps    install Debian packages and pinned npm test drivers (idempotent)
#   make         build all programs into build/
#   make check   deps + build (build/, build-asan/, build-fuzz/) + every test on the
#                ASan + UBSan build, and the fuzz smoke (what CI runs)
#   make asan    the same tests on the ASan + UBSan build only (build-asan/)
#   make unit, make integration   the tests on the normal build (build/)
#   make valgrind  the join/mix/record/leave leak check with mcud under valgrind
#   make fuzz    libFuzzer targets (clang, build-fuzz/), each run FUZZ_SECONDS (docs/fuzzing.md)
#   make bench   benchmarks (not tests): figures into docs/benchmarks.md
#   make soak    30 minutes of three conferences, rooms joining and leaving (not in CI)
#   make demo    deps + build + run a meeting on the embedded defaults
#   make clean   remove build output
#
# Sources are picked up by folder: mixer/*.c -> libmixer.a, signaling/*.c ->
# libsignaling.a, mcu/*.c (but main.c) -> libmcu.a + mcud, tests/unit/test_*.c -> one
# cmocka binary each, tests/integration/*.c -> one helper program each,
# tests/fuzz/fuzz_*.c -> one libFuzzer program each (clang, only in build-fuzz/).

BUILD    ?= build
V        ?=
Q         = $(if $(V),,@)
SANITIZE ?=
CC       ?= cc
JOBS     ?= $(shell nproc)
ASAN_TEST_OPTIONS = detect_leaks=1:abort_on_error=1

WARN     = -Wall -Wextra -Werror
CSTD     = -std=c11 -D_GNU_SOURCE
OPT      ?= -O2 -g
SANITIZER_FLAGS = -fsanitize=address -fsanitize=undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# FUZZ=1 (with CC=clang): every object also gets libFuzzer's coverage hooks.
SAN_FLAGS = $(if $(SANITIZE),$(SANITIZER_FLAGS)) $(if $(FUZZ),$(SANITIZER_FLAGS) -fsanitize=fuzzer-no-link)
BASE_CFLAGS = $(CSTD) $(WARN) $(OPT) $(SAN_FLAGS) -MMD -MP -I.
BASE_LDFLAGS = $(SAN_FLAGS)

pc_cflags = $(shell pkg-config --cflags $(1))
pc_libs   = $(shell pkg-config --libs $(1))

# Each module sees only the libraries it is allowed to use.
MIXER_PKGS     = libavcodec libavformat libavutil libswresample libswscale freetype2 jansson opus
MIXER_LIBS     = $(call pc_libs,$(MIXER_PKGS)) -lyuv -lm
SIGNALING_PKGS = jansson
MCU_PKGS       = glib-2.0 gio-2.0 nice openssl libsrtp2 jansson libwebsockets sqlite3
CTL_PKGS       = libcurl glib-2.0 jansson
ROOM_PKGS      = gstreamer-1.0 gstreamer-sdp-1.0 gstreamer-webrtc-1.0 gstreamer-app-1.0 glib-2.0 nice libwebsockets jansson
TEST_PKGS      = cmocka

MIXER_CFLAGS     = $(BASE_CFLAGS) $(call pc_cflags,$(MIXER_PKGS))
SIGNALING_CFLAGS = $(BASE_CFLAGS) $(call pc_cflags,$(SIGNALING_PKGS))
MCU_CFLAGS       = $(BASE_CFLAGS) $(call pc_cflags,$(MCU_PKGS) $(MIXER_PKGS)) -DMCUD_DEFAULT_WEB_ROOT=\"$(abspath client/web)\"
ROOM_CFLAGS      = $(BASE_CFLAGS) $(call pc_cflags,$(ROOM_PKGS))
CTL_CFLAGS       = $(BASE_CFLAGS) $(call pc_cflags,$(CTL_PKGS))
TEST_CFLAGS      = $(BASE_CFLAGS) -Wno-unused-parameter $(call pc_cflags,$(TEST_PKGS) $(MCU_PKGS) $(MIXER_PKGS))

MCU_LIBS  = $(call pc_libs,$(MCU_PKGS)) $(MIXER_LIBS) -lpthread
ROOM_LIBS = $(call pc_libs,$(ROOM_PKGS))
TEST_LIBS = $(call pc_libs,$(TEST_PKGS)) $(MCU_LIBS)

MIXER_SRC     = $(wildcard mixer/*.c)
SIGNALING_SRC = $(wildcard signaling/*.c)
MCU_SRC       = $(filter-out mcu/main.c,$(wildcard mcu/*.c))
MIXTOOL_SRC   = $(wildcard mixer/tools/*.c)
ROOM_SRC      = $(wildcard client/room/*.c)
CTL_SRC       = $(wildcard client/ctl/*.c)
UNIT_SRC      = $(wildcard tests/unit/test_*.c)
UNIT_SUPPORT  = $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))
ITEST_SRC     = $(wildcard tests/integration/*.c)
FUZZ_SRC      = $(wildcard tests/fuzz/fuzz_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIBMIXER     = $(BUILD)/libmixer.a
LIBSIGNALING = $(BUILD)/libsignaling.a
LIBMCU       = $(BUILD)/libmcu.a
LIBS_ALL     = $(LIBMCU) $(LIBSIGNALING) $(LIBMIXER)

MCUD      = $(BUILD)/mcud
MCU_MIX   = $(if $(wildcard mixer/tools/mcu-mix.c),$(BUILD)/mcu-mix)
MCU_ROOM  = $(if $(ROOM_SRC),$(BUILD)/mcu-room)
MCUCTL    = $(if $(CTL_SRC),$(BUILD)/mcuctl)
UNIT_BINS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
ITEST_BINS = $(patsubst tests/integration/%.c,$(BUILD)/tests/%,$(ITEST_SRC))
FUZZ_BINS  = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))

PROGRAMS = $(MCUD) $(MCU_MIX) $(MCU_ROOM) $(MCUCTL)
# Test tools built from tests/tools/*.c on one library (sdp-answer: libsignaling).
SDP_ANSWER = $(BUILD)/sdp-answer
# The audio benchmark (tests/bench/audio_bench.c on libmixer).
AUDIO_BENCH = $(BUILD)/audio-bench

.PHONY: all deps check unit integration asan valgrind fuzz fuzz-build fuzz-targets bench soak demo clean
.SECONDARY:
.DEFAULT_GOAL := all

all: $(PROGRAMS) $(SDP_ANSWER) $(AUDIO_BENCH) $(UNIT_BINS) $(ITEST_BINS)

deps:
	@./scripts/deps.sh

# --- objects, one rule per module so each gets its own flags ---
$(BUILD)/obj/mixer/%.o: mixer/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC      $<")
	$(Q)$(CC) $(MIXER_CFLAGS) -c $< -o $@
$(BUILD)/obj/signaling/%.o: signaling/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC      $<")
	$(Q)$(CC) $(SIGNALING_CFLAGS) -c $< -o $@
$(BUILD)/obj/mcu/%.o: mcu/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC      $<")
	$(Q)$(CC) $(MCU_CFLAGS) -c $< -o $@
$(BUILD)/obj/client/room/%.o: client/room/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC      $<")
	$(Q)$(CC) $(ROOM_CFLAGS) -c $< -o $@
$(BUILD)/obj/client/ctl/%.o: client/ctl/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC      $<")
	$(Q)$(CC) $(CTL_CFLAGS) -c $< -o $@
$(BUILD)/obj/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC      $<")
	$(Q)$(CC) $(TEST_CFLAGS) -c $< -o $@
$(BUILD)/obj/tests/integration/%.o: tests/integration/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC      $<")
	$(Q)$(CC) $(ROOM_CFLAGS) -c $< -o $@
$(BUILD)/obj/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC      $<")
	$(Q)$(CC) $(MCU_CFLAGS) -c $< -o $@

# --- libraries and programs ---
$(LIBMIXER): $(call obj,$(MIXER_SRC))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^
$(LIBSIGNALING): $(call obj,$(SIGNALING_SRC))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^
$(LIBMCU): $(call obj,$(MCU_SRC))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(MCUD): $(call obj,mcu/main.c) $(LIBS_ALL)
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^ $(MCU_LIBS)
$(BUILD)/mcu-mix: $(call obj,$(MIXTOOL_SRC)) $(LIBMIXER)
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^ $(MIXER_LIBS)
$(BUILD)/obj/mixer/tools/%.o: mixer/tools/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC      $<")
	$(Q)$(CC) $(MIXER_CFLAGS) -c $< -o $@
$(BUILD)/mcu-room: $(call obj,$(ROOM_SRC))
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^ $(ROOM_LIBS)
# mcuctl speaks only the REST API: it links libcurl, GLib and jansson, not libmcu.
$(BUILD)/mcuctl: $(call obj,$(CTL_SRC))
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^ $(call pc_libs,$(CTL_PKGS))

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(call obj,$(UNIT_SUPPORT)) $(LIBS_ALL)
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $< $(call obj,$(UNIT_SUPPORT)) $(LIBS_ALL) $(TEST_LIBS)

# Integration helper programs (GStreamer peers and the like) link their own libraries.
$(ITEST_BINS): $(BUILD)/tests/%: $(BUILD)/obj/tests/integration/%.o
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $< $(ROOM_LIBS)

$(BUILD)/obj/tests/tools/%.o: tests/tools/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC      $<")
	$(Q)$(CC) $(SIGNALING_CFLAGS) -c $< -o $@
$(SDP_ANSWER): $(call obj,tests/tools/sdp_answer.c) $(LIBSIGNALING)
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^ $(call pc_libs,$(SIGNALING_PKGS))

$(BUILD)/obj/tests/bench/%.o: tests/bench/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC      $<")
	$(Q)$(CC) $(MIXER_CFLAGS) -c $< -o $@
$(AUDIO_BENCH): $(call obj,tests/bench/audio_bench.c) $(LIBMIXER)
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^ $(MIXER_LIBS)

# libFuzzer targets (tests/fuzz/fuzz_*.c): one program each, on the project's libraries
# built with clang and the sanitizers in their own directory (FUZZ_BUILD).
$(FUZZ_BINS): $(BUILD)/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(LIBS_ALL)
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(MCU_LIBS)

FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 120

fuzz-targets: $(FUZZ_BINS)

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang FUZZ=1 OPT="-O1 -g" fuzz-targets

# --- tests ---
# check builds the normal tree (its warnings count too) and runs every test on the
# AddressSanitizer + UBSan build, with LeakSanitizer on: CI runs this.
check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build-asan SANITIZE=1 OPT="-O1 -g" all
	@$(MAKE) --no-print-directory -j$(JOBS) fuzz-build
	@BUILD=build-asan FUZZ_BUILD=$(FUZZ_BUILD) ASAN_OPTIONS=$(ASAN_TEST_OPTIONS) ./tests/run.sh

unit: all
	@BUILD=$(BUILD) ./tests/run.sh unit

integration: all
	@BUILD=$(BUILD) ./tests/run.sh integration

asan: deps
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build-asan SANITIZE=1 OPT="-O1 -g" all
	@$(MAKE) --no-print-directory -j$(JOBS) fuzz-build
	@BUILD=build-asan FUZZ_BUILD=$(FUZZ_BUILD) ASAN_OPTIONS=$(ASAN_TEST_OPTIONS) ./tests/run.sh

# A leak check of one join, mix, record, leave cycle with mcud under valgrind (the
# normal build; make asan runs the same test with LeakSanitizer).
valgrind: deps all
	@BUILD=$(BUILD) ./tests/run.sh integration test_leak_cycle

fuzz: deps fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) ./tests/fuzz/run.sh

bench: deps all
	@BUILD=$(BUILD) ./tests/bench/run.sh
	@BUILD=$(BUILD) ./tests/bench/conference.sh

# Not in check: SOAK_MINUTES (30) of three conferences with rooms joining and leaving.
soak: deps all
	@BUILD=$(BUILD) ./tests/soak/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) ./scripts/demo.sh

clean:
	rm -rf build build-asan build-fuzz tests/out

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
