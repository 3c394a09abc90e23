/* webm_probe.h - what a Matroska/WebM file on disk holds, read back by libavformat:
 * its media length. mcud's recorder indexes a recording with the length its file
 * holds, not the length it meant to write. */
#ifndef HOINGHI_MIXER_MUX_WEBM_PROBE_H
#define HOINGHI_MIXER_MUX_WEBM_PROBE_H

#include <stddef.h>
#include <stdint.h>

/* The end of the last packet that reads (its time + its duration), in microseconds,
 * read packet by packet (a file cut short, with no duration in its header, counts up
 * to its first damaged spot). Returns 0, or -1 with the reason in err (the file cannot
 * be opened or is not Matroska/WebM). */
int webm_file_duration(const char *path, int64_t *duration_us, char *err, size_t errlen);

#endif
