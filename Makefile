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
#   make install   programs, web client, man pages, bash completion, systemd unit and an
#                example config under PREFIX (/usr/local), into DESTDIR if set;
#                make uninstall removes them (docs/operator-guide.md, "Installing")
#   make format  apply .clang-format to every C file (make format-check: only check;
#                make check runs it first)
#   make clean   remove build output
#
# The tree is a house of rooms: every folder below is compiled with only the libraries
# it may use (PKGS.folder) and may include only the folders it names (USES.folder);
# `make layers` (part of `all`) checks both against the sources, and that the arrows
# have no circle. mixer/** -> libmixer.a, signaling/** -> libsignaling.a, mcu/** (but
# mcu/main.c) -> libmcu.a + mcud, tests/unit/test_*.c -> one cmocka binary each,
# tests/integration/*.c -> one helper program each, tests/integration/webrtc_peer/ ->
# one program (the webrtcbin test peer, with client/room files), tests/fuzz/fuzz_*.c -> one
# libFuzzer program each (clang, only in build-fuzz/).

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

# --- the rooms: what each folder may use ---
# PKGS.folder: pkg-config names (yuv is libyuv, which has no .pc file).
# USES.folder: the folders whose headers it may include. Arrows point down.
PKGS.mixer/media       =
PKGS.mixer/rtp         =
PKGS.mixer/codec       = libavcodec libavutil libswresample opus yuv
PKGS.mixer/text        = freetype2 libavutil
PKGS.mixer/video       = libavutil jansson yuv
PKGS.mixer/audio       =
PKGS.mixer/engine      = libavutil
PKGS.mixer/mux         = libavformat libavcodec libavutil
PKGS.mixer/tools       = libavcodec libavformat libavutil libswresample libswscale
USES.mixer/media       =
USES.mixer/rtp         = mixer/media
USES.mixer/codec       = mixer/media
USES.mixer/text        =
USES.mixer/video       = mixer/media mixer/text
USES.mixer/audio       = mixer/media
USES.mixer/engine      = mixer/media mixer/rtp mixer/codec mixer/video mixer/audio
USES.mixer/mux         = mixer/media
USES.mixer/tools       = mixer/media mixer/rtp mixer/codec mixer/video mixer/engine mixer/mux

PKGS.signaling/sdp      =
PKGS.signaling/protocol = jansson
PKGS.signaling/client   = jansson
USES.signaling/sdp      =
USES.signaling/protocol = signaling/sdp
USES.signaling/client   = signaling/protocol

PKGS.mcu/core          = glib-2.0 openssl
PKGS.mcu/store         = glib-2.0 sqlite3
PKGS.mcu/http          = glib-2.0 libwebsockets openssl
PKGS.mcu/rtp           =
PKGS.mcu/transport     = glib-2.0 nice openssl libsrtp2
PKGS.mcu/recording     = glib-2.0 jansson openssl
PKGS.mcu/conference    = glib-2.0
PKGS.mcu/session       = glib-2.0 jansson
PKGS.mcu/control       = glib-2.0 jansson openssl
PKGS.mcu/control/api   = glib-2.0 jansson openssl
PKGS.mcu               = glib-2.0 openssl libavutil
USES.mcu/core          = mixer/media mixer/video
USES.mcu/store         = mcu/core
USES.mcu/http          = mcu/core
USES.mcu/rtp           =
USES.mcu/transport     = mcu/core mixer/rtp
USES.mcu/recording     = mcu/core mcu/store mixer/media mixer/mux
USES.mcu/conference    = mcu/core mcu/rtp mcu/transport mcu/recording mixer/media mixer/rtp mixer/engine
USES.mcu/session       = mcu/core mcu/http mcu/transport mcu/conference signaling/sdp signaling/protocol
USES.mcu/control       = mcu/core mcu/http mcu/store mcu/recording mcu/conference
USES.mcu/control/api   = mcu/core mcu/http mcu/recording mcu/conference mcu/control mixer/video signaling/protocol
USES.mcu               = mcu/core mcu/http mcu/transport mcu/recording mcu/conference mcu/session mcu/control

PKGS.client/ctl        = libcurl glib-2.0 jansson
PKGS.client/room       = gstreamer-1.0 gstreamer-sdp-1.0 gstreamer-webrtc-1.0 gstreamer-app-1.0 gstreamer-video-1.0 gstreamer-audio-1.0 glib-2.0 nice libwebsockets jansson
USES.client/ctl        =
USES.client/room       = signaling/client signaling/protocol
# The webrtcbin test peer (tests/integration/webrtc_peer/, one program): client/room's
# signalling transport and webrtcbin glue with a fixed test pipeline.
PKGS.tests/integration/webrtc_peer = $(PKGS.client/room)
USES.tests/integration/webrtc_peer = client/room signaling/client signaling/protocol

MIXER_DIRS     = mixer/media mixer/rtp mixer/codec mixer/text mixer/video mixer/audio mixer/engine mixer/mux
SIGNALING_DIRS = signaling/sdp signaling/protocol signaling/client
MCU_DIRS       = mcu/core mcu/store mcu/http mcu/rtp mcu/transport mcu/recording mcu/conference mcu/session mcu/control mcu/control/api
LAYER_DIRS     = $(MIXER_DIRS) mixer/tools $(SIGNALING_DIRS) $(MCU_DIRS) mcu client/ctl client/room \
                 tests/integration/webrtc_peer

pc_cflags = $(if $(filter-out yuv,$(1)),$(shell pkg-config --cflags $(filter-out yuv,$(1))))
pc_libs   = $(if $(filter-out yuv,$(1)),$(shell pkg-config --libs $(filter-out yuv,$(1)))) $(if $(filter yuv,$(1)),-lyuv)
# A folder compiles with its own packages' flags and those its headers' users need
# (a header of a used folder may include its own library's header, e.g. glib.h).
folder_pkgs = $(sort $(PKGS.$(1)) $(foreach u,$(USES.$(1)),$(PKGS.$(u))))
$(foreach d,$(LAYER_DIRS),$(eval CFLAGS.$(d) := $(BASE_CFLAGS) $(call pc_cflags,$(call folder_pkgs,$(d)))))
CFLAGS.mcu += -DMCUD_DEFAULT_WEB_ROOT=\"$(abspath client/web)\"
# The build id in /metrics (hoinghi_build_info, mcu/core/build_info.c): the commit the
# tree is at, "unknown" outside git. Only build_info.o gets it; the stamp file
# $(BUILD)/build-id changes (and rebuilds it) only when the id does.
BUILD_ID := $(or $(shell git rev-parse --short=12 HEAD 2>/dev/null),unknown)

MIXER_PKGS     = $(sort $(foreach d,$(MIXER_DIRS),$(PKGS.$(d))))
MIXER_LIBS     = $(call pc_libs,$(MIXER_PKGS)) -lm
SIGNALING_PKGS = jansson
MCU_PKGS       = $(sort $(foreach d,$(MCU_DIRS) mcu,$(PKGS.$(d))))
CTL_PKGS       = $(PKGS.client/ctl)
ROOM_PKGS      = $(PKGS.client/room)
TEST_PKGS      = cmocka

SIGNALING_CFLAGS = $(CFLAGS.signaling/protocol)
MIXER_CFLAGS     = $(BASE_CFLAGS) $(call pc_cflags,$(MIXER_PKGS))
MCU_CFLAGS       = $(BASE_CFLAGS) $(call pc_cflags,$(MCU_PKGS) $(MIXER_PKGS))
ROOM_CFLAGS      = $(CFLAGS.client/room)
TEST_CFLAGS      = $(BASE_CFLAGS) -Wno-unused-parameter $(call pc_cflags,$(TEST_PKGS) $(MCU_PKGS) $(MIXER_PKGS))

MCU_LIBS  = $(call pc_libs,$(MCU_PKGS)) $(MIXER_LIBS) -lpthread
ROOM_LIBS = $(call pc_libs,$(ROOM_PKGS)) -lm
TEST_LIBS = $(call pc_libs,$(TEST_PKGS)) $(MCU_LIBS)

MIXER_SRC     = $(foreach d,$(MIXER_DIRS),$(wildcard $(d)/*.c))
SIGNALING_SRC = $(foreach d,$(SIGNALING_DIRS),$(wildcard $(d)/*.c))
MCU_SRC       = $(filter-out mcu/main.c,$(foreach d,$(MCU_DIRS) mcu,$(wildcard $(d)/*.c)))
MIXTOOL_SRC   = $(wildcard mixer/tools/*.c)
ROOM_SRC      = $(wildcard client/room/*.c)
CTL_SRC       = $(wildcard client/ctl/*.c)
UNIT_SRC      = $(wildcard tests/unit/test_*.c)
UNIT_SUPPORT  = $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))
ITEST_SRC     = $(wildcard tests/integration/*.c)
PEER_SRC      = $(wildcard tests/integration/webrtc_peer/*.c)
# The client/room files the test peer is built from (not mcu-room's main or its media).
PEER_ROOM_SRC = client/room/signalling.c client/room/webrtc_call.c client/room/elements.c client/room/util.c \
                client/room/lsan_suppressions.c
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
WEBRTC_PEER = $(if $(PEER_SRC),$(BUILD)/tests/webrtc_peer)
FUZZ_BINS  = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))

PROGRAMS = $(MCUD) $(MCU_MIX) $(MCU_ROOM) $(MCUCTL)
# Test tools built from tests/tools/*.c on one library (sdp-answer: libsignaling).
SDP_ANSWER = $(BUILD)/sdp-answer
# The audio benchmark (tests/bench/audio_bench.c on libmixer).
AUDIO_BENCH = $(BUILD)/audio-bench

.PHONY: install uninstall
.PHONY: FORCE all layers format format-check deps check unit integration asan valgrind fuzz fuzz-build fuzz-targets bench soak demo clean
.SECONDARY:
.DEFAULT_GOAL := all

all: layers $(PROGRAMS) $(SDP_ANSWER) $(AUDIO_BENCH) $(UNIT_BINS) $(ITEST_BINS) $(WEBRTC_PEER)

deps:
	@./scripts/deps.sh

# The boundaries above, checked against the sources (scripts/check-layers.sh), and
# that the USES arrows have no circle.
layers:
	@printf '%s\n' $(foreach d,$(LAYER_DIRS),'$(d)|$(PKGS.$(d))|$(USES.$(d))') | ./scripts/check-layers.sh

# --- objects: each folder's files with that folder's flags ---
$(foreach d,$(LAYER_DIRS),$(eval $(BUILD)/obj/$(d)/%.o: $(d)/%.c ; $$(compile_in_folder)))
define compile_in_folder
@mkdir -p $(dir $@)
@$(if $(V),:,echo "  CC      $<")
$(Q)$(CC) $(CFLAGS.$(patsubst %/,%,$(dir $<))) -c $< -o $@
endef
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

$(BUILD)/build-id: FORCE
	@mkdir -p $(dir $@)
	@[ "$$(cat $@ 2>/dev/null)" = '$(BUILD_ID)' ] || echo '$(BUILD_ID)' >$@
$(BUILD)/obj/mcu/core/build_info.o: $(BUILD)/build-id
$(BUILD)/obj/mcu/core/build_info.o: CFLAGS.mcu/core += -DMCUD_BUILD_ID=\"$(BUILD_ID)\"
FORCE:

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
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^ $(call pc_libs,$(PKGS.mixer/tools)) $(MIXER_LIBS)
$(BUILD)/mcu-room: $(call obj,$(ROOM_SRC)) $(LIBSIGNALING)
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^ $(ROOM_LIBS)
# mcuctl speaks only the REST API: it links libcurl, GLib and jansson, not libmcu.
$(BUILD)/mcuctl: $(call obj,$(CTL_SRC))
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^ $(call pc_libs,$(CTL_PKGS))

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(call obj,$(UNIT_SUPPORT)) $(LIBS_ALL)
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $< $(filter $(BUILD)/obj/client/%,$^) $(call obj,$(UNIT_SUPPORT)) $(LIBS_ALL) $(TEST_LIBS)
# client/room files with no library of their own, unit-tested directly.
$(BUILD)/tests/test_timecode: $(call obj,client/room/timecode.c)
$(BUILD)/tests/test_click: $(call obj,client/room/click.c)

# Integration helper programs (GStreamer peers and the like) link their own libraries.
$(ITEST_BINS): $(BUILD)/tests/%: $(BUILD)/obj/tests/integration/%.o $(LIBSIGNALING)
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $< $(LIBSIGNALING) $(ROOM_LIBS)
# The webrtcbin test peer: its folder and the client/room files it shares, one program.
ifneq ($(PEER_SRC),)
$(WEBRTC_PEER): $(call obj,$(PEER_SRC) $(PEER_ROOM_SRC)) $(LIBSIGNALING)
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  LINK    $@")
	$(Q)$(CC) $(BASE_LDFLAGS) -o $@ $^ $(ROOM_LIBS)
endif

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

# --- style: .clang-format (clang-format 14); the generated Unicode tables are left as
# scripts/gen_unicode_compose.py writes them ---
FORMAT_FILES = $(filter-out mixer/text/unicode_tables.c,$(shell git ls-files '*.c' '*.h' 2>/dev/null))

format:
	@clang-format -i $(FORMAT_FILES)

format-check:
	@clang-format --dry-run -Werror $(FORMAT_FILES) || \
	    { echo "format-check: the files above differ from .clang-format: run make format" >&2; exit 1; }

# --- tests ---
# check builds the normal tree (its warnings count too) and runs every test on the
# AddressSanitizer + UBSan build, with LeakSanitizer on: CI runs this.
check: deps
	@$(MAKE) --no-print-directory format-check
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
	@BUILD=$(BUILD) ./tests/bench/latency.sh

# Not in check: SOAK_MINUTES (30) of three conferences with rooms joining and leaving.
soak: deps all
	@BUILD=$(BUILD) ./tests/soak/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) ./scripts/demo.sh

clean:
	rm -rf build build-asan build-fuzz tests/out

# --- installing (the programs from $(BUILD); run `make` first) ---
# PREFIX/bin: mcud, mcuctl, mcu-room; PREFIX/share/hoinghi/web: the web client, where
# an installed mcud finds it without --web-root; man pages; bash completion; the
# systemd unit and sysusers.d file (PREFIX/lib/systemd, PREFIX/lib/sysusers.d);
# SYSCONFDIR/hoinghi/mcud.conf from dist/mcud.conf.example, never over an existing
# one (the example is also kept in DOCDIR). SYSCONFDIR is /etc for PREFIX=/usr.
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
DOCDIR     ?= $(DATADIR)/doc/hoinghi
WEBDIR     ?= $(DATADIR)/hoinghi/web
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
INSTALL_PROGRAMS = $(BUILD)/mcud $(BUILD)/mcuctl $(BUILD)/mcu-room
WEB_FILES  = $(wildcard client/web/*.html client/web/*.js client/web/*.css)
MAN1       = docs/man/mcuctl.1 docs/man/mcu-room.1
MAN8       = docs/man/mcud.8

install:
	@for p in $(INSTALL_PROGRAMS); do [ -x $$p ] || { echo "make install: $$p is not built (run make first)" >&2; exit 1; }; done
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(WEBDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSTEMDUNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/hoinghi
	install -m 0755 $(INSTALL_PROGRAMS) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(WEB_FILES) $(DESTDIR)$(WEBDIR)/
	install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 client/ctl/mcuctl.bash $(DESTDIR)$(BASHCOMPDIR)/mcuctl
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    dist/hoinghi-mcud.service.in >$(DESTDIR)$(SYSTEMDUNITDIR)/hoinghi-mcud.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/hoinghi-mcud.service
	install -m 0644 dist/hoinghi.sysusers $(DESTDIR)$(SYSUSERSDIR)/hoinghi.conf
	install -m 0644 dist/mcud.conf.example $(DESTDIR)$(DOCDIR)/mcud.conf.example
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/hoinghi/mcud.conf ]; then \
	    echo "kept $(DESTDIR)$(SYSCONFDIR)/hoinghi/mcud.conf (the example is $(DOCDIR)/mcud.conf.example)"; \
	else \
	    echo "install -m 0644 dist/mcud.conf.example $(DESTDIR)$(SYSCONFDIR)/hoinghi/mcud.conf"; \
	    install -m 0644 dist/mcud.conf.example $(DESTDIR)$(SYSCONFDIR)/hoinghi/mcud.conf; \
	fi

# Removes what install put there, except SYSCONFDIR/hoinghi/mcud.conf (the operator's).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mcud $(DESTDIR)$(BINDIR)/mcuctl $(DESTDIR)$(BINDIR)/mcu-room
	rm -rf $(DESTDIR)$(WEBDIR)
	-rmdir $(DESTDIR)$(DATADIR)/hoinghi 2>/dev/null
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1))) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MAN8)))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/mcuctl $(DESTDIR)$(SYSTEMDUNITDIR)/hoinghi-mcud.service \
	    $(DESTDIR)$(SYSUSERSDIR)/hoinghi.conf
	rm -rf $(DESTDIR)$(DOCDIR)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
