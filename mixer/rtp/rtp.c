/* rtp.c - RTP header parsing and building; see rtp.h for the contract. */
#include "mixer/rtp/rtp.h"

#include <string.h>

static uint16_t read16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static uint32_t read32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static void write16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void write32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int parse_one_byte_extensions(const uint8_t *p, size_t len, struct rtp_header *h)
{
    size_t i = 0;
    while (i < len) {
        uint8_t b = p[i];
        if (b == 0) {
            i++;
            continue;
        } /* padding byte */
        uint8_t id = b >> 4;
        size_t elen = (size_t)(b & 0x0f) + 1;
        if (id == 15) break; /* reserved: stop processing */
        i++;
        if (i + elen > len) return -1;
        if (h->extension_count < RTP_MAX_EXTENSIONS) {
            struct rtp_extension *e = &h->extensions[h->extension_count++];
            e->id = id;
            e->length = (uint8_t)elen;
            e->data = p + i;
        }
        i += elen;
    }
    return 0;
}

static int parse_two_byte_extensions(const uint8_t *p, size_t len, struct rtp_header *h)
{
    size_t i = 0;
    while (i < len) {
        uint8_t id = p[i];
        if (id == 0) {
            i++;
            continue;
        }
        if (i + 2 > len) return -1;
        size_t elen = p[i + 1];
        i += 2;
        if (i + elen > len) return -1;
        if (h->extension_count < RTP_MAX_EXTENSIONS) {
            struct rtp_extension *e = &h->extensions[h->extension_count++];
            e->id = id;
            e->length = (uint8_t)elen;
            e->data = p + i;
        }
        i += elen;
    }
    return 0;
}

int rtp_parse(const uint8_t *data, size_t len, struct rtp_header *h)
{
    if (!data || len < RTP_HEADER_MIN) return -1;
    if ((data[0] >> 6) != 2) return -1;
    memset(h, 0, sizeof(*h));
    h->padding = (data[0] & 0x20) != 0;
    bool has_extension = (data[0] & 0x10) != 0;
    h->csrc_count = data[0] & 0x0f;
    h->marker = (data[1] & 0x80) != 0;
    h->payload_type = data[1] & 0x7f;
    h->sequence = read16(data + 2);
    h->timestamp = read32(data + 4);
    h->ssrc = read32(data + 8);

    size_t off = RTP_HEADER_MIN;
    if (off + 4u * h->csrc_count > len) return -1;
    for (uint8_t i = 0; i < h->csrc_count; i++) h->csrc[i] = read32(data + off + 4u * i);
    off += 4u * h->csrc_count;

    if (has_extension) {
        if (off + 4 > len) return -1;
        h->extension_profile = read16(data + off);
        size_t ext_len = 4u * read16(data + off + 2);
        off += 4;
        if (off + ext_len > len) return -1;
        int rc = 0;
        if (h->extension_profile == 0xBEDE)
            rc = parse_one_byte_extensions(data + off, ext_len, h);
        else if ((h->extension_profile & 0xfff0) == 0x1000)
            rc = parse_two_byte_extensions(data + off, ext_len, h);
        if (rc < 0) return -1;
        off += ext_len;
    }

    size_t end = len;
    if (h->padding) {
        uint8_t pad = data[len - 1];
        if (pad == 0 || pad > len - off) return -1;
        end = len - pad;
    }
    h->header_length = off;
    h->payload = data + off;
    h->payload_length = end - off;
    return 0;
}

int rtp_rtx_unwrap(const uint8_t *rtx, const struct rtp_header *h, uint8_t pt, uint32_t ssrc,
                   uint8_t *out, size_t cap)
{
    if (h->payload_length < 2) return 0;
    size_t length = h->header_length + h->payload_length - 2;
    if (length > cap) return -1;
    memcpy(out, rtx, h->header_length);
    memcpy(out + h->header_length, h->payload + 2, h->payload_length - 2);
    out[0] &= (uint8_t)~0x20; /* no padding any more */
    out[1] = (uint8_t)((out[1] & 0x80) | (pt & 0x7f));
    out[2] = h->payload[0]; /* the original sequence number */
    out[3] = h->payload[1];
    out[8] = (uint8_t)(ssrc >> 24);
    out[9] = (uint8_t)(ssrc >> 16);
    out[10] = (uint8_t)(ssrc >> 8);
    out[11] = (uint8_t)ssrc;
    return (int)length;
}

bool rtp_is_rtcp(const uint8_t *data, size_t len)
{
    if (!data || len < 2) return false;
    return data[1] >= 192 && data[1] <= 223;
}

const struct rtp_extension *rtp_find_extension(const struct rtp_header *h, uint8_t id)
{
    for (size_t i = 0; i < h->extension_count; i++)
        if (h->extensions[i].id == id) return &h->extensions[i];
    return NULL;
}

int rtp_audio_level(const struct rtp_header *h, uint8_t id, bool *voice, uint8_t *level_dbov)
{
    const struct rtp_extension *e = id ? rtp_find_extension(h, id) : NULL;
    if (!e || e->length < 1) return -1;
    *voice = (e->data[0] & 0x80) != 0;
    *level_dbov = e->data[0] & 0x7f;
    return 0;
}

size_t rtp_write_header(uint8_t *out, bool marker, uint8_t payload_type, uint16_t sequence,
                        uint32_t timestamp, uint32_t ssrc)
{
    out[0] = 0x80;
    out[1] = (uint8_t)((marker ? 0x80 : 0) | (payload_type & 0x7f));
    write16(out + 2, sequence);
    write32(out + 4, timestamp);
    write32(out + 8, ssrc);
    return RTP_HEADER_MIN;
}

void rtp_set_ssrc(uint8_t *packet, uint32_t ssrc) { write32(packet + 8, ssrc); }
void rtp_set_sequence(uint8_t *packet, uint16_t sequence) { write16(packet + 2, sequence); }
void rtp_set_timestamp(uint8_t *packet, uint32_t timestamp) { write32(packet + 4, timestamp); }
void rtp_set_payload_type(uint8_t *packet, uint8_t payload_type)
{
    packet[1] = (uint8_t)((packet[1] & 0x80) | (payload_type & 0x7f));
}

int rtp_sequence_compare(uint16_t a, uint16_t b)
{
    int16_t d = (int16_t)(uint16_t)(a - b);
    return d;
}
