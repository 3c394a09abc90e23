/* work_pool.h - a small fixed pool of pthreads that runs one batch of independent jobs
 * at a time: work_pool_run(pool, n, fn, arg) calls fn(arg, i) for every i < n, spread
 * over the pool's threads and the calling thread, and returns when all are done. Used
 * by the mix engine to decode a conference's inputs (and encode its profiles) in
 * parallel inside one tick.
 *
 * A pool of 1 thread starts no thread at all: every job runs on the caller's thread.
 *
 * Threads: one caller at a time per pool (a conference's tick); the jobs of one batch
 * must not share mutable state with each other. */
#ifndef HOINGHI_MIXER_WORK_POOL_H
#define HOINGHI_MIXER_WORK_POOL_H

#include <stddef.h>

#define WORK_POOL_MAX_THREADS 64

typedef void (*work_pool_fn)(void *arg, size_t index);

struct work_pool;

/* threads: 1..WORK_POOL_MAX_THREADS, counting the caller's. NULL on a bad count or if
 * a thread cannot be started. */
struct work_pool *work_pool_new(int threads);

/* Stops and joins the threads. */
void work_pool_free(struct work_pool *pool);

/* Runs fn(arg, 0) .. fn(arg, n - 1) and waits for all of them. */
void work_pool_run(struct work_pool *pool, size_t n, work_pool_fn fn, void *arg);

int work_pool_threads(const struct work_pool *pool);

#endif
