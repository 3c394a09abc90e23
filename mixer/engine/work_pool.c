/* work_pool.c - batch-at-a-time job pool over pthreads. See work_pool.h.
 *
 * A batch is (fn, arg, n) plus a counter of the next job index to take; workers and
 * the caller take indexes under the mutex until none are left, and the caller waits
 * until every taken job has finished. A generation number tells sleeping workers that
 * a new batch has started. */
#include "mixer/engine/work_pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct work_pool {
    int threads;        /* counting the caller */
    pthread_t *workers; /* threads - 1 of them */
    int started;        /* workers actually started */
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a batch started, or stop */
    pthread_cond_t done; /* a batch's last job finished */
    bool stop;
    unsigned long generation;
    work_pool_fn fn;
    void *arg;
    size_t count;    /* jobs in the batch */
    size_t next;     /* next job index to take */
    size_t finished; /* jobs finished */
};

/* Takes and runs jobs of the current batch until none are left. Called with the lock
 * held; returns with it held. */
static void drain_batch(struct work_pool *pool)
{
    while (pool->next < pool->count) {
        size_t index = pool->next++;
        work_pool_fn fn = pool->fn;
        void *arg = pool->arg;
        pthread_mutex_unlock(&pool->lock);
        fn(arg, index);
        pthread_mutex_lock(&pool->lock);
        if (++pool->finished == pool->count) pthread_cond_broadcast(&pool->done);
    }
}

static void *worker_main(void *opaque)
{
    struct work_pool *pool = opaque;
    unsigned long seen = 0;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!pool->stop && pool->generation == seen) pthread_cond_wait(&pool->wake, &pool->lock);
        if (pool->stop) break;
        seen = pool->generation;
        drain_batch(pool);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

struct work_pool *work_pool_new(int threads)
{
    if (threads < 1 || threads > WORK_POOL_MAX_THREADS) return NULL;
    struct work_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->threads = threads;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    if (threads > 1) {
        pool->workers = calloc((size_t)threads - 1, sizeof *pool->workers);
        if (!pool->workers) {
            work_pool_free(pool);
            return NULL;
        }
        for (int i = 0; i < threads - 1; i++) {
            if (pthread_create(&pool->workers[i], NULL, worker_main, pool) != 0) {
                work_pool_free(pool);
                return NULL;
            }
            pool->started++;
        }
    }
    return pool;
}

void work_pool_free(struct work_pool *pool)
{
    if (!pool) return;
    pthread_mutex_lock(&pool->lock);
    pool->stop = true;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->started; i++) pthread_join(pool->workers[i], NULL);
    free(pool->workers);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    free(pool);
}

void work_pool_run(struct work_pool *pool, size_t n, work_pool_fn fn, void *arg)
{
    if (n == 0) return;
    if (pool->started == 0 || n == 1) {
        for (size_t i = 0; i < n; i++) fn(arg, i);
        return;
    }
    pthread_mutex_lock(&pool->lock);
    pool->fn = fn;
    pool->arg = arg;
    pool->count = n;
    pool->next = 0;
    pool->finished = 0;
    pool->generation++;
    pthread_cond_broadcast(&pool->wake);
    drain_batch(pool);
    while (pool->finished < pool->count) pthread_cond_wait(&pool->done, &pool->lock);
    pool->count = 0;
    pool->next = 0;
    pthread_mutex_unlock(&pool->lock);
}

int work_pool_threads(const struct work_pool *pool) { return pool->threads; }
