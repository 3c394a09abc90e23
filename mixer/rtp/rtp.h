/* rtp.h - RTP packet header parsing and building (RFC 3550), with one-byte and
 * two-byte header extensions (RFC 8285). Pure bytes: no sockets, no allocation.
 *
 * rtp_parse() never reads outside the given buffer; a packet that is too short, has a
 * version other than 2, a bad CSRC count, a bad extension length or bad padding is
 * rejected with -1 and the header is left unspecified. */
#ifndef HOINGHI_MIXER_RTP_H
#define HOINGHI_MIXER_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTP_HEADER_MIN     12
#define RTP_MAX_CSRC       15
#define RTP_MAX_EXTENSIONS 16

struct rtp_extension {
    uint8_t id;          /* 1..14 (one-byte) or 1..255 (two-byte) */
    uint8_t length;      /* bytes of data */
    const uint8_t *data; /* points into the packet */
};

struct rtp_header {
    bool marker;
    bool padding;
    uint8_t payload_type;
    uint16_t sequence;
    uint32_t timestamp;
    uint32_t ssrc;
    uint8_t csrc_count;
    uint32_t csrc[RTP_MAX_CSRC];
    uint16_t extension_profile; /* 0xBEDE, 0x100x, or other; 0 if none */
    size_t extension_count;
    struct rtp_extension extensions[RTP_MAX_EXTENSIONS];
    size_t header_length;   /* bytes before the payload */
    const uint8_t *payload; /* points into the packet */
    size_t payload_length;  /* without padding */
};

/* Parses `len` bytes at `data`. Returns 0 on success, -1 for a malformed packet. */
int rtp_parse(const uint8_t *data, size_t len, struct rtp_header *out);

/* RFC 4588: the original packet carried by the RTX packet `rtx` (`length` bytes, parsed
 * as h): the same header (extensions kept, padding bit cleared) with payload type pt,
 * the original sequence number (the payload's first two bytes) and SSRC ssrc, then the
 * payload after those two bytes, into out. Returns its length; 0 when the RTX packet
 * carries no original (padding only: a bandwidth probe); -1 when out is too small. */
int rtp_rtx_unwrap(const uint8_t *rtx, const struct rtp_header *h, uint8_t pt, uint32_t ssrc,
                   uint8_t *out, size_t cap);

/* True when the first bytes look like RTCP rather than RTP (RFC 5761 section 4:
 * payload type field 192..223 with the marker bit). */
bool rtp_is_rtcp(const uint8_t *data, size_t len);

/* Finds extension `id` in a parsed header; NULL if absent. */
const struct rtp_extension *rtp_find_extension(const struct rtp_header *h, uint8_t id);

/* Reads the RFC 6464 audio level extension (one byte: V flag + level in -dBov).
 * Returns 0 and fills *voice / *level_dbov (0 loudest .. 127 silent), -1 if absent. */
int rtp_audio_level(const struct rtp_header *h, uint8_t id, bool *voice, uint8_t *level_dbov);

/* Writes a 12-byte fixed header (no CSRC, no extension) for the given fields into
 * `out` (at least RTP_HEADER_MIN bytes). Returns the header length (12). */
size_t rtp_write_header(uint8_t *out, bool marker, uint8_t payload_type, uint16_t sequence,
                        uint32_t timestamp, uint32_t ssrc);

/* In-place rewrites of an existing, already validated packet. */
void rtp_set_ssrc(uint8_t *packet, uint32_t ssrc);
void rtp_set_sequence(uint8_t *packet, uint16_t sequence);
void rtp_set_timestamp(uint8_t *packet, uint32_t timestamp);
void rtp_set_payload_type(uint8_t *packet, uint8_t payload_type);

/* Serial-number arithmetic for 16-bit sequence numbers (RFC 1982):
 * > 0 when a is newer than b, < 0 when older, 0 when equal. */
int rtp_sequence_compare(uint16_t a, uint16_t b);

#endif
