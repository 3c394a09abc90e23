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
 * In any other build this file defines nothing. */
#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);

const char *__lsan_default_suppressions(void) { return "leak:_dl_init\nleak:libcrypto.so\n"; }
/* GLib is built without frame pointers: the fast unwinder stops at g_malloc, and a
 * leak of GLib's own looks like any leak through g_malloc. The full unwinder sees
 * where the block came from (ASAN_OPTIONS set by the caller still win). */
const char *__asan_default_options(void) { return "fast_unwind_on_malloc=0"; }
#else
typedef int room_lsan_suppressions_unused; /* ISO C: no empty translation unit */
#endif
