/* recording_retention.h - removing recordings from the archive: one recording (its
 * file, its JSON sidecar and its index row), as `DELETE /api/v1/recordings/ID` does,
 * and the retention policy (`[mcud] retention-days=N`) that removes every finished
 * recording older than N days, each removal audited (source "retention") and logged.
 *
 * Reads no clock: the caller passes `now_ms`, so the policy is tested with any time.
 * Control thread only (it uses the store). */
#ifndef HOINGHI_MCU_RECORDING_RETENTION_H
#define HOINGHI_MCU_RECORDING_RETENTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcu/store/store.h"

#define RECORDING_RETENTION_MAX_DAYS     36500
#define RECORDING_RETENTION_AUDIT_SOURCE "retention"

/* Whether the policy removes recording `r` at `now_ms` (unix ms) when recordings are
 * kept `days` days: days > 0, the file is finished (complete, interrupted or failed;
 * never one still recording) and it ended (or, with no end, started) at least `days`
 * days before now. */
bool recording_retention_due(const struct store_recording *r, int days, int64_t now_ms);

/* Removes r's file and sidecar (either already gone is fine) and then its row.
 * 0, or -1 with a reason in `why` (nothing more is removed after a failure). */
int recording_remove(struct store *store, const struct store_recording *r, char *why,
                     size_t whylen);

/* Applies the policy at `now_ms`: every due recording is removed, with one audit
 * entry (action recording.delete, source "retention", status 200, or 500 with the
 * reason when it cannot be removed) and one log line each. Returns the number
 * removed; days <= 0 does nothing. */
int recording_retention_run(struct store *store, int days, int64_t now_ms);

#endif
