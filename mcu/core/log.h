/* log.h - mcud's log: one line per event on stderr, with local time, its offset from
 * UTC (the zone) and level:
 *
 *   2026-11-27 21:40:01.123 +0700 INFO  participant p3f9a0c1d 'Huế' joined conference echo from 10.0.4.21
 *
 * Thread-safe (one write per line). The level threshold is set once at start-up. */
#ifndef HOINGHI_MCU_LOG_H
#define HOINGHI_MCU_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Lines below `level` are not written. Default LOG_INFO. */
void log_set_level(enum log_level level);
/* Parses "debug", "info", "warn", "error"; returns -1 for anything else. */
int log_level_from_name(const char *name, enum log_level *out);

void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_write(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_write(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_write(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__)

#endif
