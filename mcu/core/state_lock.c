/* state_lock.c - the state directory's lock: fcntl F_SETLK on STATE_DIR/mcud.lock,
 * the holder's pid in the file. See state_lock.h. */
#include "mcu/core/state_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcu/core/mcu_error.h"

struct state_lock {
    int fd;
    char *path;
};

/* The pid of the process holding the lock on fd: the kernel's answer, else (a holder
 * in another pid namespace shows as 0) the pid the holder wrote in the file. 0 when
 * neither says. */
static long holder_pid(int fd)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK && fl.l_pid > 0) return (long)fl.l_pid;
    char text[32] = "";
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    if (n <= 0) return 0;
    text[n] = '\0';
    long pid = strtol(text, NULL, 10);
    return pid > 0 ? pid : 0;
}

struct state_lock *state_lock_acquire(const char *state_dir, char *err, size_t errlen)
{
    if (g_mkdir_with_parents(state_dir, 0700) != 0) {
        mcu_error_set(err, errlen, "cannot create the state directory %s: %s", state_dir,
                      g_strerror(errno));
        return NULL;
    }
    char *path = g_build_filename(state_dir, STATE_LOCK_FILE, NULL);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        mcu_error_set(err, errlen, "cannot open the lock file %s: %s", path, g_strerror(errno));
        g_free(path);
        return NULL;
    }
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        int saved = errno;
        if (saved == EACCES || saved == EAGAIN) {
            long pid = holder_pid(fd);
            char who[48] = "another process";
            if (pid > 0) snprintf(who, sizeof who, "another mcud (pid %ld)", pid);
            mcu_error_set(err, errlen,
                          "the state directory %s is in use by %s (lock %s); stop that one "
                          "first, or give this one another --state-dir",
                          state_dir, who, path);
        } else {
            mcu_error_set(err, errlen, "cannot lock %s: %s", path, g_strerror(saved));
        }
        close(fd);
        g_free(path);
        return NULL;
    }
    char pid_text[32];
    int n = snprintf(pid_text, sizeof pid_text, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid_text, (size_t)n, 0) != n) {
        mcu_error_set(err, errlen, "cannot write %s: %s", path, g_strerror(errno));
        close(fd);
        g_free(path);
        return NULL;
    }
    struct state_lock *lock = g_new0(struct state_lock, 1);
    lock->fd = fd;
    lock->path = path;
    return lock;
}

void state_lock_release(struct state_lock *lock)
{
    if (!lock) return;
    if (ftruncate(lock->fd, 0) != 0) {
        /* the pid stays in the file; the lock (what counts) goes with close() */
    }
    close(lock->fd);
    g_free(lock->path);
    g_free(lock);
}
