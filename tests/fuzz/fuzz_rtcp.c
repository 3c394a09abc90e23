/* fuzz_rtcp.c - libFuzzer target: one (SRTCP-decrypted) compound RTCP packet into
 * mcu/rtp/rtcp.c rtcp_parse(), then every parsed item is walked and checked against the
 * struct rtcp_compound pools it points into (counts within the pools, CNAME
 * NUL-terminated). Parsed feedback is built again with the rtcp_build_* functions, as
 * the MCU answers and relays it, and the result must parse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcu/rtp/rtcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_in(const void *p, size_t n, const void *pool, size_t pool_size, size_t elem)
{
    if (n == 0) return;
    const uint8_t *b = p, *start = pool;
    if (b < start || b + n * elem > start + pool_size * elem) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct rtcp_compound c; /* 14 KiB: not on the stack */
    memset(&c, 0xA5, sizeof c);
    if (rtcp_parse(data, size, &c) != 0) return 0;
    if (c.count > RTCP_MAX_ITEMS) abort();
    uint8_t out[1500];
    struct rtcp_builder b;
    rtcp_builder_init(&b, out, sizeof out);
    for (size_t i = 0; i < c.count; i++) {
        const struct rtcp_item *it = &c.items[i];
        switch (it->type) {
        case RTCP_ITEM_SR:
            check_in(it->u.sr.blocks, it->u.sr.block_count, c.blocks, RTCP_POOL_BLOCKS,
                     sizeof c.blocks[0]);
            {
                struct rtcp_sender_info s = {it->u.sr.ssrc, it->u.sr.ntp, it->u.sr.rtp_timestamp,
                                             it->u.sr.packet_count, it->u.sr.octet_count};
                (void)rtcp_build_sr(&b, &s, it->u.sr.blocks, it->u.sr.block_count);
            }
            break;
        case RTCP_ITEM_RR:
            check_in(it->u.rr.blocks, it->u.rr.block_count, c.blocks, RTCP_POOL_BLOCKS,
                     sizeof c.blocks[0]);
            (void)rtcp_build_rr(&b, it->u.rr.ssrc, it->u.rr.blocks, it->u.rr.block_count);
            break;
        case RTCP_ITEM_SDES:
            if (it->u.sdes.cname_length > RTCP_CNAME_MAX ||
                it->u.sdes.cname[it->u.sdes.cname_length] != '\0')
                abort();
            if (it->u.sdes.cname[0])
                (void)rtcp_build_sdes_cname(&b, it->u.sdes.ssrc, it->u.sdes.cname);
            break;
        case RTCP_ITEM_BYE:
            check_in(it->u.bye.ssrcs, it->u.bye.ssrc_count, c.ssrcs, RTCP_POOL_SSRCS,
                     sizeof c.ssrcs[0]);
            if (it->u.bye.ssrc_count)
                (void)rtcp_build_bye(&b, it->u.bye.ssrcs, it->u.bye.ssrc_count);
            break;
        case RTCP_ITEM_PLI:
            (void)rtcp_build_pli(&b, it->u.pli.sender_ssrc, it->u.pli.media_ssrc);
            break;
        case RTCP_ITEM_FIR:
            check_in(it->u.fir.entries, it->u.fir.entry_count, c.fir_entries, RTCP_POOL_FIR_ENTRIES,
                     sizeof c.fir_entries[0]);
            for (size_t k = 0; k < it->u.fir.entry_count; k++)
                (void)rtcp_build_fir(&b, it->u.fir.sender_ssrc, it->u.fir.entries[k].ssrc,
                                     it->u.fir.entries[k].seq);
            break;
        case RTCP_ITEM_NACK:
            check_in(it->u.nack.seqs, it->u.nack.seq_count, c.nack_seqs, RTCP_POOL_NACK_SEQS,
                     sizeof c.nack_seqs[0]);
            if (it->u.nack.seq_count)
                (void)rtcp_build_nack(&b, it->u.nack.sender_ssrc, it->u.nack.media_ssrc,
                                      it->u.nack.seqs, it->u.nack.seq_count);
            break;
        case RTCP_ITEM_REMB:
            check_in(it->u.remb.ssrcs, it->u.remb.ssrc_count, c.ssrcs, RTCP_POOL_SSRCS,
                     sizeof c.ssrcs[0]);
            (void)rtcp_build_remb(&b, it->u.remb.sender_ssrc, it->u.remb.bitrate_bps,
                                  it->u.remb.ssrcs, it->u.remb.ssrc_count);
            break;
        case RTCP_ITEM_TRANSPORT_CC: break;
        default: abort();
        }
    }
    /* What we build, we must be able to read. */
    if (b.length > 0) {
        static struct rtcp_compound again;
        if (rtcp_parse(out, b.length, &again) != 0) abort();
    }
    return 0;
}
