/* state_lock.h - one mcud per state directory: an exclusive lock (fcntl) on
 * STATE_DIR/mcud.lock, held for the daemon's life, with the holder's pid written in
 * the file. A second mcud on the same directory is refused with the pid of the first,
 * before it reads or touches anything there (the store, the identity, the recordings
 * a crash left). The kernel drops the lock when the process ends, even by kill -9, so
 * a stale file never blocks a start. */
#ifndef HOINGHI_MCU_CORE_STATE_LOCK_H
#define HOINGHI_MCU_CORE_STATE_LOCK_H

#include <stddef.h>

#define STATE_LOCK_FILE "mcud.lock"

struct state_lock;

/* Creates `state_dir` (mode 0700) when it is missing and takes the lock. Returns the
 * held lock, or NULL with the reason in err: another process holds it (its pid named),
 * or the directory or the file cannot be made. */
struct state_lock *state_lock_acquire(const char *state_dir, char *err, size_t errlen);

/* Releases the lock and frees it (NULL is allowed). The file stays. */
void state_lock_release(struct state_lock *lock);

#endif
