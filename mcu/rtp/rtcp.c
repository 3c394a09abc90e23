/* rtcp.c - compound RTCP parsing and building; see rtcp.h for the contract. */
#include "mcu/rtp/rtcp.h"

#include <stdlib.h>
#include <string.h>

#define RTCP_HEADER         4
#define REPORT_BLOCK_SIZE   24
#define SENDER_INFO_SIZE    20
#define REMB_ID             "REMB"
#define NTP_UNIX_OFFSET     2208988800ull
#define CUMULATIVE_LOST_MAX 8388607
#define CUMULATIVE_LOST_MIN (-8388608)

static uint16_t read16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static uint32_t read24(const uint8_t *p)
{
    return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}
static uint32_t read32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static void write16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void write24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}
static void write32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* ---------------------------------------------------------------- parsing */

static struct rtcp_item *new_item(struct rtcp_compound *c, enum rtcp_item_type type)
{
    if (c->count >= RTCP_MAX_ITEMS) {
        c->overflow++;
        return NULL;
    }
    struct rtcp_item *it = &c->items[c->count++];
    memset(it, 0, sizeof *it);
    it->type = type;
    return it;
}

static void parse_report_block(const uint8_t *p, struct rtcp_report_block *rb)
{
    rb->ssrc = read32(p);
    rb->fraction_lost = p[4];
    uint32_t lost = read24(p + 5);
    rb->cumulative_lost = (lost & 0x800000u) ? (int32_t)lost - 0x1000000 : (int32_t)lost;
    rb->ext_highest_seq = read32(p + 8);
    rb->jitter = read32(p + 12);
    rb->lsr = read32(p + 16);
    rb->dlsr = read32(p + 20);
}

/* Copies `count` report blocks at p into the pool; returns the first one. */
static const struct rtcp_report_block *parse_blocks(struct rtcp_compound *c, const uint8_t *p,
                                                    size_t count, size_t *stored)
{
    const struct rtcp_report_block *first = &c->blocks[c->block_used];
    *stored = 0;
    for (size_t i = 0; i < count; i++) {
        if (c->block_used >= RTCP_POOL_BLOCKS) {
            c->overflow += (uint32_t)(count - i);
            break;
        }
        parse_report_block(p + i * REPORT_BLOCK_SIZE, &c->blocks[c->block_used++]);
        (*stored)++;
    }
    return first;
}

static int parse_sr(struct rtcp_compound *c, unsigned count, const uint8_t *b, size_t blen)
{
    if (blen < 4 + SENDER_INFO_SIZE + (size_t)count * REPORT_BLOCK_SIZE) return -1;
    struct rtcp_item *it = new_item(c, RTCP_ITEM_SR);
    if (!it) return 0;
    struct rtcp_sr *sr = &it->u.sr;
    sr->ssrc = read32(b);
    sr->ntp = ((uint64_t)read32(b + 4) << 32) | read32(b + 8);
    sr->rtp_timestamp = read32(b + 12);
    sr->packet_count = read32(b + 16);
    sr->octet_count = read32(b + 20);
    sr->blocks = parse_blocks(c, b + 24, count, &sr->block_count);
    return 0;
}

static int parse_rr(struct rtcp_compound *c, unsigned count, const uint8_t *b, size_t blen)
{
    if (blen < 4 + (size_t)count * REPORT_BLOCK_SIZE) return -1;
    struct rtcp_item *it = new_item(c, RTCP_ITEM_RR);
    if (!it) return 0;
    it->u.rr.ssrc = read32(b);
    it->u.rr.blocks = parse_blocks(c, b + 4, count, &it->u.rr.block_count);
    return 0;
}

/* Chunks: SSRC, items (type, length, data) up to a null type, then padding to a word. */
static int parse_sdes(struct rtcp_compound *c, unsigned count, const uint8_t *b, size_t blen)
{
    size_t off = 0;
    for (unsigned chunk = 0; chunk < count; chunk++) {
        if (off + 4 > blen) return -1;
        uint32_t ssrc = read32(b + off);
        off += 4;
        const uint8_t *cname = NULL;
        size_t cname_len = 0;
        for (;;) {
            if (off >= blen) return -1; /* no terminating null item */
            uint8_t type = b[off];
            if (type == 0) break;
            if (off + 2 > blen) return -1;
            size_t ilen = b[off + 1];
            if (off + 2 + ilen > blen) return -1;
            if (type == 1 && !cname) {
                cname = b + off + 2;
                cname_len = ilen;
            }
            off += 2 + ilen;
        }
        off = (off + 4) & ~(size_t)3; /* past the null, to the next word */
        if (off > blen) return -1;
        struct rtcp_item *it = new_item(c, RTCP_ITEM_SDES);
        if (!it) continue;
        it->u.sdes.ssrc = ssrc;
        if (cname) memcpy(it->u.sdes.cname, cname, cname_len);
        it->u.sdes.cname[cname_len] = '\0';
        it->u.sdes.cname_length = cname_len;
    }
    return 0;
}

/* Copies n SSRCs at p into the pool. */
static const uint32_t *parse_ssrcs(struct rtcp_compound *c, const uint8_t *p, size_t n,
                                   size_t *stored)
{
    const uint32_t *first = &c->ssrcs[c->ssrc_used];
    *stored = 0;
    for (size_t i = 0; i < n; i++) {
        if (c->ssrc_used >= RTCP_POOL_SSRCS) {
            c->overflow += (uint32_t)(n - i);
            break;
        }
        c->ssrcs[c->ssrc_used++] = read32(p + 4 * i);
        (*stored)++;
    }
    return first;
}

static int parse_bye(struct rtcp_compound *c, unsigned count, const uint8_t *b, size_t blen)
{
    if (blen < 4 * (size_t)count) return -1;
    struct rtcp_item *it = new_item(c, RTCP_ITEM_BYE);
    if (!it) return 0;
    it->u.bye.ssrcs = parse_ssrcs(c, b, count, &it->u.bye.ssrc_count);
    return 0;
}

static int parse_rtpfb(struct rtcp_compound *c, unsigned fmt, const uint8_t *b, size_t blen)
{
    if (blen < 8) return -1;
    uint32_t sender = read32(b), media = read32(b + 4);
    if (fmt == RTCP_RTPFB_TRANSPORT_CC) {
        c->transport_cc++;
        struct rtcp_item *it = new_item(c, RTCP_ITEM_TRANSPORT_CC);
        if (it) {
            it->u.transport_cc.sender_ssrc = sender;
            it->u.transport_cc.media_ssrc = media;
        }
        return 0;
    }
    if (fmt != RTCP_RTPFB_NACK) {
        c->unknown++;
        return 0;
    }
    size_t entries = (blen - 8) / 4;
    if (entries == 0) return -1; /* NACK without any FCI */
    struct rtcp_item *it = new_item(c, RTCP_ITEM_NACK);
    if (!it) return 0;
    struct rtcp_nack *n = &it->u.nack;
    n->sender_ssrc = sender;
    n->media_ssrc = media;
    n->seqs = &c->nack_seqs[c->nack_seq_used];
    for (size_t i = 0; i < entries; i++) {
        const uint8_t *fci = b + 8 + 4 * i;
        uint16_t pid = read16(fci), blp = read16(fci + 2);
        for (int bit = -1; bit < 16; bit++) {
            if (bit >= 0 && !(blp & (1u << bit))) continue;
            if (c->nack_seq_used >= RTCP_POOL_NACK_SEQS) {
                c->overflow++;
                continue;
            }
            c->nack_seqs[c->nack_seq_used++] = (uint16_t)(pid + bit + 1);
            n->seq_count++;
        }
    }
    return 0;
}

static uint64_t remb_bitrate(uint32_t mantissa, unsigned exp)
{
    if (mantissa == 0) return 0;
    if (exp > 46 && (exp >= 64 || (mantissa >> (64 - exp)) != 0)) return UINT64_MAX;
    return (uint64_t)mantissa << exp;
}

static int parse_psfb(struct rtcp_compound *c, unsigned fmt, const uint8_t *b, size_t blen)
{
    if (blen < 8) return -1;
    uint32_t sender = read32(b), media = read32(b + 4);
    const uint8_t *fci = b + 8;
    size_t fci_len = blen - 8;
    struct rtcp_item *it;
    switch (fmt) {
    case RTCP_PSFB_PLI:
        if ((it = new_item(c, RTCP_ITEM_PLI))) {
            it->u.pli.sender_ssrc = sender;
            it->u.pli.media_ssrc = media;
        }
        return 0;
    case RTCP_PSFB_FIR: {
        size_t n = fci_len / 8;
        if (n == 0) return -1; /* FIR without any FCI */
        if (!(it = new_item(c, RTCP_ITEM_FIR))) return 0;
        it->u.fir.sender_ssrc = sender;
        it->u.fir.entries = &c->fir_entries[c->fir_used];
        for (size_t i = 0; i < n; i++) {
            if (c->fir_used >= RTCP_POOL_FIR_ENTRIES) {
                c->overflow += (uint32_t)(n - i);
                break;
            }
            struct rtcp_fir_entry *e = &c->fir_entries[c->fir_used++];
            e->ssrc = read32(fci + 8 * i);
            e->seq = fci[8 * i + 4];
            it->u.fir.entry_count++;
        }
        return 0;
    }
    case RTCP_PSFB_AFB: {
        if (fci_len < 4 || memcmp(fci, REMB_ID, 4) != 0) {
            c->unknown++; /* some other application feedback */
            return 0;
        }
        if (fci_len < 8) return -1;
        size_t nssrc = fci[4];
        if (fci_len < 8 + 4 * nssrc) return -1;
        if (!(it = new_item(c, RTCP_ITEM_REMB))) return 0;
        it->u.remb.sender_ssrc = sender;
        it->u.remb.bitrate_bps = remb_bitrate(read24(fci + 5) & 0x3ffffu, fci[5] >> 2);
        it->u.remb.ssrcs = parse_ssrcs(c, fci + 8, nssrc, &it->u.remb.ssrc_count);
        return 0;
    }
    default: c->unknown++; return 0;
    }
}

int rtcp_parse(const uint8_t *data, size_t len, struct rtcp_compound *out)
{
    out->count = 0;
    out->unknown = out->transport_cc = out->overflow = 0;
    out->block_used = out->nack_seq_used = out->fir_used = out->ssrc_used = 0;
    if (!data || len < RTCP_HEADER) return -1;
    size_t off = 0;
    while (off < len) {
        if (len - off < RTCP_HEADER) return -1;
        const uint8_t *p = data + off;
        if ((p[0] >> 6) != 2) return -1;
        bool padding = (p[0] & 0x20) != 0;
        unsigned count = p[0] & 0x1f;
        uint8_t pt = p[1];
        size_t plen = ((size_t)read16(p + 2) + 1) * 4;
        if (plen > len - off) return -1;
        size_t blen = plen - RTCP_HEADER;
        if (padding) {
            uint8_t pad = p[plen - 1];
            if (pad == 0 || pad > blen) return -1;
            blen -= pad;
        }
        const uint8_t *body = p + RTCP_HEADER;
        int rc = 0;
        switch (pt) {
        case RTCP_PT_SR: rc = parse_sr(out, count, body, blen); break;
        case RTCP_PT_RR: rc = parse_rr(out, count, body, blen); break;
        case RTCP_PT_SDES: rc = parse_sdes(out, count, body, blen); break;
        case RTCP_PT_BYE: rc = parse_bye(out, count, body, blen); break;
        case RTCP_PT_RTPFB: rc = parse_rtpfb(out, count, body, blen); break;
        case RTCP_PT_PSFB: rc = parse_psfb(out, count, body, blen); break;
        default: out->unknown++; break; /* APP, XR, anything newer */
        }
        if (rc < 0) return -1;
        off += plen;
    }
    return 0;
}

/* ---------------------------------------------------------------- building */

void rtcp_builder_init(struct rtcp_builder *b, uint8_t *buf, size_t capacity)
{
    b->buf = buf;
    b->capacity = capacity;
    b->length = 0;
}

/* Reserves `size` bytes (a multiple of 4) and writes the common header; NULL if no room. */
static uint8_t *begin_packet(struct rtcp_builder *b, size_t size, unsigned count, uint8_t pt)
{
    if (!b->buf || size < RTCP_HEADER || size % 4 || size / 4 - 1 > UINT16_MAX) return NULL;
    if (b->length > b->capacity || b->capacity - b->length < size) return NULL;
    uint8_t *p = b->buf + b->length;
    memset(p, 0, size);
    p[0] = (uint8_t)(0x80 | (count & 0x1f));
    p[1] = pt;
    write16(p + 2, (uint16_t)(size / 4 - 1));
    b->length += size;
    return p;
}

static void write_report_block(uint8_t *p, const struct rtcp_report_block *rb)
{
    int32_t lost = rb->cumulative_lost;
    if (lost > CUMULATIVE_LOST_MAX) lost = CUMULATIVE_LOST_MAX;
    if (lost < CUMULATIVE_LOST_MIN) lost = CUMULATIVE_LOST_MIN;
    write32(p, rb->ssrc);
    p[4] = rb->fraction_lost;
    write24(p + 5, (uint32_t)lost & 0xffffffu);
    write32(p + 8, rb->ext_highest_seq);
    write32(p + 12, rb->jitter);
    write32(p + 16, rb->lsr);
    write32(p + 20, rb->dlsr);
}

int rtcp_build_sr(struct rtcp_builder *b, const struct rtcp_sender_info *s,
                  const struct rtcp_report_block *blocks, size_t block_count)
{
    if (!s || block_count > RTCP_MAX_REPORT_BLOCKS || (block_count && !blocks)) return -1;
    uint8_t *p =
        begin_packet(b, RTCP_HEADER + 4 + SENDER_INFO_SIZE + block_count * REPORT_BLOCK_SIZE,
                     (unsigned)block_count, RTCP_PT_SR);
    if (!p) return -1;
    write32(p + 4, s->ssrc);
    write32(p + 8, (uint32_t)(s->ntp >> 32));
    write32(p + 12, (uint32_t)s->ntp);
    write32(p + 16, s->rtp_timestamp);
    write32(p + 20, s->packet_count);
    write32(p + 24, s->octet_count);
    for (size_t i = 0; i < block_count; i++)
        write_report_block(p + 28 + i * REPORT_BLOCK_SIZE, &blocks[i]);
    return 0;
}

int rtcp_build_rr(struct rtcp_builder *b, uint32_t reporter_ssrc,
                  const struct rtcp_report_block *blocks, size_t block_count)
{
    if (block_count > RTCP_MAX_REPORT_BLOCKS || (block_count && !blocks)) return -1;
    uint8_t *p = begin_packet(b, RTCP_HEADER + 4 + block_count * REPORT_BLOCK_SIZE,
                              (unsigned)block_count, RTCP_PT_RR);
    if (!p) return -1;
    write32(p + 4, reporter_ssrc);
    for (size_t i = 0; i < block_count; i++)
        write_report_block(p + 8 + i * REPORT_BLOCK_SIZE, &blocks[i]);
    return 0;
}

int rtcp_build_sdes_cname(struct rtcp_builder *b, uint32_t ssrc, const char *cname)
{
    size_t n = cname ? strlen(cname) : 0;
    if (n == 0 || n > RTCP_CNAME_MAX) return -1;
    /* header, SSRC, CNAME item (type, length, text), at least one null, to a word */
    size_t size = (RTCP_HEADER + 4 + 2 + n + 1 + 3) & ~(size_t)3;
    uint8_t *p = begin_packet(b, size, 1, RTCP_PT_SDES);
    if (!p) return -1;
    write32(p + 4, ssrc);
    p[8] = 1;
    p[9] = (uint8_t)n;
    memcpy(p + 10, cname, n);
    return 0;
}

int rtcp_build_bye(struct rtcp_builder *b, const uint32_t *ssrcs, size_t ssrc_count)
{
    if (!ssrcs || ssrc_count == 0 || ssrc_count > 31) return -1;
    uint8_t *p = begin_packet(b, RTCP_HEADER + 4 * ssrc_count, (unsigned)ssrc_count, RTCP_PT_BYE);
    if (!p) return -1;
    for (size_t i = 0; i < ssrc_count; i++) write32(p + 4 + 4 * i, ssrcs[i]);
    return 0;
}

int rtcp_build_pli(struct rtcp_builder *b, uint32_t sender_ssrc, uint32_t media_ssrc)
{
    uint8_t *p = begin_packet(b, 12, RTCP_PSFB_PLI, RTCP_PT_PSFB);
    if (!p) return -1;
    write32(p + 4, sender_ssrc);
    write32(p + 8, media_ssrc);
    return 0;
}

int rtcp_build_fir(struct rtcp_builder *b, uint32_t sender_ssrc, uint32_t media_ssrc, uint8_t seq)
{
    uint8_t *p = begin_packet(b, 20, RTCP_PSFB_FIR, RTCP_PT_PSFB);
    if (!p) return -1;
    write32(p + 4, sender_ssrc);
    write32(p + 8, 0); /* RFC 5104: media source SSRC unused, zero */
    write32(p + 12, media_ssrc);
    p[16] = seq;
    return 0;
}

static int compare_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

int rtcp_build_nack(struct rtcp_builder *b, uint32_t sender_ssrc, uint32_t media_ssrc,
                    const uint16_t *seqs, size_t seq_count)
{
    if (!seqs || seq_count == 0 || seq_count > RTCP_NACK_MAX_SEQS) return -1;
    uint16_t sorted[RTCP_NACK_MAX_SEQS];
    memcpy(sorted, seqs, seq_count * sizeof *seqs);
    qsort(sorted, seq_count, sizeof *sorted, compare_u16);
    size_t n = 0; /* deduplicate */
    for (size_t i = 0; i < seq_count; i++)
        if (n == 0 || sorted[n - 1] != sorted[i]) sorted[n++] = sorted[i];
    /* Start after the largest circular gap, so a run across 65535 -> 0 stays together. */
    size_t start = 0;
    uint32_t best_gap = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t prev = sorted[(i + n - 1) % n];
        uint32_t gap = (uint16_t)(sorted[i] - prev);
        if (n == 1) gap = 0;
        if (gap > best_gap) {
            best_gap = gap;
            start = i;
        }
    }
    uint16_t pids[RTCP_NACK_MAX_SEQS], blps[RTCP_NACK_MAX_SEQS];
    size_t entries = 0;
    for (size_t k = 0; k < n; k++) {
        uint16_t s = sorted[(start + k) % n];
        if (entries > 0) {
            uint16_t d = (uint16_t)(s - pids[entries - 1]);
            if (d >= 1 && d <= 16) {
                blps[entries - 1] |= (uint16_t)(1u << (d - 1));
                continue;
            }
        }
        pids[entries] = s;
        blps[entries] = 0;
        entries++;
    }
    uint8_t *p = begin_packet(b, 12 + 4 * entries, RTCP_RTPFB_NACK, RTCP_PT_RTPFB);
    if (!p) return -1;
    write32(p + 4, sender_ssrc);
    write32(p + 8, media_ssrc);
    for (size_t i = 0; i < entries; i++) {
        write16(p + 12 + 4 * i, pids[i]);
        write16(p + 14 + 4 * i, blps[i]);
    }
    return 0;
}

int rtcp_build_remb(struct rtcp_builder *b, uint32_t sender_ssrc, uint64_t bitrate_bps,
                    const uint32_t *ssrcs, size_t ssrc_count)
{
    if (ssrc_count > 255 || (ssrc_count && !ssrcs)) return -1;
    unsigned exp = 0;
    uint64_t mantissa = bitrate_bps;
    while (mantissa > 0x3ffffu) {
        mantissa >>= 1;
        exp++;
    }
    uint8_t *p = begin_packet(b, 20 + 4 * ssrc_count, RTCP_PSFB_AFB, RTCP_PT_PSFB);
    if (!p) return -1;
    write32(p + 4, sender_ssrc);
    write32(p + 8, 0);
    memcpy(p + 12, REMB_ID, 4);
    p[16] = (uint8_t)ssrc_count;
    write24(p + 17, (uint32_t)(exp << 18) | (uint32_t)mantissa);
    for (size_t i = 0; i < ssrc_count; i++) write32(p + 20 + 4 * i, ssrcs[i]);
    return 0;
}

uint64_t rtcp_ntp_from_unix_us(int64_t unix_us)
{
    uint64_t us = unix_us < 0 ? 0 : (uint64_t)unix_us;
    uint64_t secs = us / 1000000u + NTP_UNIX_OFFSET;
    uint64_t frac = ((us % 1000000u) << 32) / 1000000u;
    return (secs << 32) | frac;
}
