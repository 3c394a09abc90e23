/* rtcp.h - compound RTCP parsing and building: RFC 3550 (SR, RR, SDES, BYE),
 * RFC 4585 (PLI, generic NACK), RFC 5104 (FIR), draft-alvestrand-rmcat-remb (REMB),
 * and recognition of transport-wide congestion control feedback (RTPFB fmt 15).
 * Pure bytes: no sockets, no allocation. Input is already SRTP-decrypted.
 *
 * Parsing: rtcp_parse() walks a compound packet and fills a caller-owned
 * struct rtcp_compound with typed items. The rules for bad input:
 *   - a header with version != 2, a length field that runs past the end of the buffer,
 *     trailing bytes that do not form a whole header, bad padding, or a known packet
 *     type whose body is shorter than its count field says (e.g. RR with RC=3 but room
 *     for 1 block, an SDES item running past its packet): the whole compound is rejected
 *     with -1. Items parsed before the error are left in `out` but must not be used.
 *   - unknown packet types, unknown feedback formats, and APP packets are skipped and
 *     counted in out->unknown; transport-cc feedback is counted in out->transport_cc
 *     and appears as an item with only its SSRCs.
 *   - a compound need not start with SR or RR: reduced-size RTCP (RFC 5506, e.g. a lone
 *     PLI or NACK) is accepted; padding is accepted on any packet of the compound.
 *   - when the fixed pools below are full, the extra items/blocks/sequence numbers are
 *     dropped and counted in out->overflow; the rest of the packet is still parsed.
 *
 * Building: a struct rtcp_builder appends RTCP packets to a caller buffer, so a caller
 * emits "SR+SDES" or "RR+SDES+PLI" by calling the build functions in order. Each build
 * function either appends one whole packet and returns 0, or appends nothing and
 * returns -1 (no room, or arguments out of range). Packets are padded to 32-bit words
 * and carry length = words - 1. */
#ifndef HOINGHI_MCU_RTCP_H
#define HOINGHI_MCU_RTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Packet types (RFC 3550, 4585). */
#define RTCP_PT_SR    200
#define RTCP_PT_RR    201
#define RTCP_PT_SDES  202
#define RTCP_PT_BYE   203
#define RTCP_PT_APP   204
#define RTCP_PT_RTPFB 205
#define RTCP_PT_PSFB  206

/* Feedback message types (FMT field). */
#define RTCP_RTPFB_NACK         1
#define RTCP_RTPFB_TRANSPORT_CC 15
#define RTCP_PSFB_PLI           1
#define RTCP_PSFB_FIR           4
#define RTCP_PSFB_AFB           15 /* application layer feedback: REMB when it says "REMB" */

#define RTCP_MAX_REPORT_BLOCKS 31  /* per SR/RR, the 5-bit count field */
#define RTCP_CNAME_MAX         255 /* SDES item length is one byte */

/* Pool sizes of one parsed compound packet. */
#define RTCP_MAX_ITEMS        32
#define RTCP_POOL_BLOCKS      64
#define RTCP_POOL_NACK_SEQS   1024
#define RTCP_POOL_FIR_ENTRIES 32
#define RTCP_POOL_SSRCS       64 /* BYE and REMB SSRC lists */

struct rtcp_report_block {
    uint32_t ssrc;            /* the source this block reports on */
    uint8_t fraction_lost;    /* fixed point, lost/expected * 256 */
    int32_t cumulative_lost;  /* 24-bit signed on the wire: -8388608..8388607 */
    uint32_t ext_highest_seq; /* cycles << 16 | highest sequence */
    uint32_t jitter;          /* in RTP timestamp units */
    uint32_t lsr;             /* middle 32 bits of the last SR's NTP time, 0 if none */
    uint32_t dlsr;            /* delay since last SR, 1/65536 s, 0 if none */
};

struct rtcp_fir_entry {
    uint32_t ssrc; /* the media sender asked for a keyframe */
    uint8_t seq;   /* command sequence number */
};

enum rtcp_item_type {
    RTCP_ITEM_SR,
    RTCP_ITEM_RR,
    RTCP_ITEM_SDES, /* one item per SDES chunk, CNAME only */
    RTCP_ITEM_BYE,
    RTCP_ITEM_PLI,
    RTCP_ITEM_FIR,
    RTCP_ITEM_NACK,
    RTCP_ITEM_REMB,
    RTCP_ITEM_TRANSPORT_CC, /* recognised, not decoded */
};

struct rtcp_sr {
    uint32_t ssrc;
    uint64_t ntp; /* 32.32 fixed point seconds since 1900 */
    uint32_t rtp_timestamp;
    uint32_t packet_count;
    uint32_t octet_count;
    const struct rtcp_report_block *blocks; /* into the compound's pool */
    size_t block_count;
};

struct rtcp_rr {
    uint32_t ssrc; /* the reporter */
    const struct rtcp_report_block *blocks;
    size_t block_count;
};

struct rtcp_sdes {
    uint32_t ssrc;
    char cname[RTCP_CNAME_MAX + 1]; /* NUL-terminated; "" if the chunk has no CNAME */
    size_t cname_length;            /* bytes, CNAME may in theory contain NUL */
};

struct rtcp_bye {
    const uint32_t *ssrcs;
    size_t ssrc_count;
};

/* PLI and transport-cc: sender and media SSRC only. */
struct rtcp_feedback {
    uint32_t sender_ssrc;
    uint32_t media_ssrc;
};

struct rtcp_fir {
    uint32_t sender_ssrc;
    const struct rtcp_fir_entry *entries;
    size_t entry_count;
};

struct rtcp_nack {
    uint32_t sender_ssrc;
    uint32_t media_ssrc;
    const uint16_t *seqs; /* lost sequence numbers, expanded from PID+BLP, in */
    size_t seq_count;     /* packet order (not deduplicated) */
};

struct rtcp_remb {
    uint32_t sender_ssrc;
    uint64_t bitrate_bps; /* mantissa << exp, saturated at UINT64_MAX */
    const uint32_t *ssrcs;
    size_t ssrc_count;
};

struct rtcp_item {
    enum rtcp_item_type type;
    union {
        struct rtcp_sr sr;
        struct rtcp_rr rr;
        struct rtcp_sdes sdes;
        struct rtcp_bye bye;
        struct rtcp_feedback pli;
        struct rtcp_fir fir;
        struct rtcp_nack nack;
        struct rtcp_remb remb;
        struct rtcp_feedback transport_cc;
    } u;
};

/* One parsed compound packet. The pointers inside items point into this struct's pools:
 * do not copy the struct (pass it by pointer). About 14 KiB. */
struct rtcp_compound {
    size_t count;
    struct rtcp_item items[RTCP_MAX_ITEMS];
    uint32_t unknown;      /* packets of unknown type/format skipped */
    uint32_t transport_cc; /* transport-cc feedback packets seen */
    uint32_t overflow;     /* items/blocks/seqs/ssrcs dropped: a pool was full */

    size_t block_used;
    struct rtcp_report_block blocks[RTCP_POOL_BLOCKS];
    size_t nack_seq_used;
    uint16_t nack_seqs[RTCP_POOL_NACK_SEQS];
    size_t fir_used;
    struct rtcp_fir_entry fir_entries[RTCP_POOL_FIR_ENTRIES];
    size_t ssrc_used;
    uint32_t ssrcs[RTCP_POOL_SSRCS];
};

/* Parses a compound RTCP packet of `len` bytes. Returns 0 (out filled) or -1 (malformed,
 * see the rules at the top). Never reads outside [data, data + len). */
int rtcp_parse(const uint8_t *data, size_t len, struct rtcp_compound *out);

/* --- building --- */

struct rtcp_builder {
    uint8_t *buf;
    size_t capacity;
    size_t length; /* bytes written so far: the compound packet */
};

void rtcp_builder_init(struct rtcp_builder *b, uint8_t *buf, size_t capacity);

/* Sender info of an SR. */
struct rtcp_sender_info {
    uint32_t ssrc;
    uint64_t ntp;
    uint32_t rtp_timestamp;
    uint32_t packet_count;
    uint32_t octet_count;
};

/* block_count <= RTCP_MAX_REPORT_BLOCKS; cumulative_lost is clamped to 24 bits. */
int rtcp_build_sr(struct rtcp_builder *b, const struct rtcp_sender_info *sender,
                  const struct rtcp_report_block *blocks, size_t block_count);
int rtcp_build_rr(struct rtcp_builder *b, uint32_t reporter_ssrc,
                  const struct rtcp_report_block *blocks, size_t block_count);
/* One chunk with one CNAME item; cname is 1..RTCP_CNAME_MAX bytes. */
int rtcp_build_sdes_cname(struct rtcp_builder *b, uint32_t ssrc, const char *cname);
/* ssrc_count 1..31, no reason text. */
int rtcp_build_bye(struct rtcp_builder *b, const uint32_t *ssrcs, size_t ssrc_count);
int rtcp_build_pli(struct rtcp_builder *b, uint32_t sender_ssrc, uint32_t media_ssrc);
/* One FCI entry naming media_ssrc with command sequence number `seq`, which the caller
 * keeps and increments for each new request (RFC 5104 4.3.1.1). */
int rtcp_build_fir(struct rtcp_builder *b, uint32_t sender_ssrc, uint32_t media_ssrc, uint8_t seq);
/* Packs the given sequence numbers (any order, duplicates allowed, 1..RTCP_NACK_MAX_SEQS)
 * into as few PID+BLP entries as a greedy walk in wrap-aware order allows. */
#define RTCP_NACK_MAX_SEQS 1024
int rtcp_build_nack(struct rtcp_builder *b, uint32_t sender_ssrc, uint32_t media_ssrc,
                    const uint16_t *seqs, size_t seq_count);
/* ssrc_count 0..255; bitrate is encoded as 18-bit mantissa and 6-bit exponent, rounding
 * down (the receiver never reads more than the caller asked for). */
int rtcp_build_remb(struct rtcp_builder *b, uint32_t sender_ssrc, uint64_t bitrate_bps,
                    const uint32_t *ssrcs, size_t ssrc_count);

/* --- time helpers --- */

/* NTP 32.32 time for a Unix wallclock time in microseconds. */
uint64_t rtcp_ntp_from_unix_us(int64_t unix_us);
/* Middle 32 bits of an NTP time, as used in LSR. */
static inline uint32_t rtcp_ntp_middle32(uint64_t ntp) { return (uint32_t)(ntp >> 16); }

#endif
