/* lsan_suppressions.c - in a sanitizer build (make check, make asan), what
 * LeakSanitizer must not report for mcu-room and the webrtcbin test peer: memory a
 * shared library allocated in its own constructor and dropped by design. GLib's quark
 * table starts as a 16 KiB block allocated when libglib is loaded; GStreamer makes more
 * than its 2048 quarks, and GLib then copies the table into a larger block and leaves
 * the first one unreachable on purpose (other threads may still be reading it). No
 * code of ours runs in a library constructor (_dl_init), so nothing of ours is hidden.
 * And OpenSSL's per-thread state (error queue, random generator) in the threads of
 * GStreamer's DTLS element that are still running at exit: mcu-room calls no OpenSSL
 * function itself (libwebsockets and GStreamer do).
 * GLib and OpenSSL are built without frame pointers: ASan's fast unwinder stops at
 * g_malloc, and their blocks then look like any leak through g_malloc, which these
 * patterns do not match. So check mcu-room for leaks with
 * ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 (test_room_end does): the full
 * unwinder sees where a block came from, at three times the CPU, which is why it is
 * not the default for every room of every test.
 * In any other build this file defines nothing. */
#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions(void);

const char *__lsan_default_suppressions(void) { return "leak:_dl_init\nleak:libcrypto.so\n"; }
#else
typedef int room_lsan_suppressions_unused; /* ISO C: no empty translation unit */
#endif
