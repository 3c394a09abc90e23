#!/usr/bin/env python3
"""make_corpus.py - writes the seed corpora tests/fuzz/corpus/<target>/ from what the
repository already holds: the SDP offers of tests/fixtures/sdp (Chromium and webrtcbin
captures), the GStreamer RTP captures of tests/fixtures/rtp, the signalling examples
of docs/protocol.md, the REST bodies of docs/api.md and the config examples of
mcu/core/config.c (mcud --help) and docs/recording.md. RTCP seeds are the packets of
tests/fixtures/rtcp/*.rtcp (real rtpbin SR, RR, SDES and BYE; see
make-rtcp-capture.sh there) plus one hand-built compound of each feedback type.

The corpora are committed; rerun this only when a source changes. libFuzzer never
writes into them: `make fuzz` and tests/run.sh fuzz on a copy. Seeds are kept small
(the whole corpus is about 130 KB). Each file's name says where it came from."""
import glob
import json
import os
import shutil
import struct

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")

# Codec selector bytes of fuzz_depacketizer and fuzz_jitter_buffer (first input byte).
CODEC_BYTE = {"opus": 0, "pcmu": 1, "pcma": 2, "vp8": 3, "h264": 4}


def target_dir(name):
    d = os.path.join(CORPUS, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def write(d, name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read_rtp_stream(path):
    """The packets of an RFC 4571 framed capture (16-bit length before each)."""
    data = open(path, "rb").read()
    packets, i = [], 0
    while i + 2 <= len(data):
        n = struct.unpack(">H", data[i:i + 2])[0]
        packets.append(data[i + 2:i + 2 + n])
        i += 2 + n
    return packets


def framed(packets):
    return b"".join(struct.pack(">H", len(p)) + p for p in packets)


def sdp():
    d = target_dir("fuzz_sdp")
    for f in sorted(glob.glob(os.path.join(ROOT, "tests/fixtures/sdp/*.sdp"))):
        shutil.copy(f, os.path.join(d, os.path.basename(f)))
    # As other stacks write it: spaces and tabs around values (a=rtcp-fb:96 nack<space>,
    # a=mid: 0, fmtp "k = v ; k=v"), whitespace-only lines, and H.264 Main and High
    # profile offers (docs/protocol.md, "SDP").
    offer = open(os.path.join(ROOT, "tests/fixtures/sdp/chromium_offer.sdp")).read()
    lines = offer.replace("\r\n", "\n").split("\n")
    spaced = [ln + (" " if i % 3 else " \t") if ln else "  " for i, ln in enumerate(lines)]
    spaced = [ln.replace("a=mid:", "a=mid: ").replace(";", " ; ") for ln in spaced]
    write(d, "chromium_offer_trailing_spaces.sdp", "\r\n".join(spaced))
    h264 = open(os.path.join(ROOT, "tests/fixtures/sdp/webrtcbin_h264_offer.sdp")).read()
    write(d, "webrtcbin_h264_high_offer.sdp",
          h264.replace("profile-level-id=42c015", "profile-level-id=640c1f"))
    write(d, "webrtcbin_h264_main_offer.sdp",
          h264.replace("profile-level-id=42c015", "profile-level-id = 4d001f ")
              .replace("\r\n", " \r\n"))


def protocol():
    d = target_dir("fuzz_protocol")
    offer = open(os.path.join(ROOT, "tests/fixtures/sdp/chromium_offer.sdp")).read()
    wrtc = open(os.path.join(ROOT, "tests/fixtures/sdp/webrtcbin_vp8_offer.sdp")).read()
    # The join example of docs/protocol.md, then one of each request of its table.
    msgs = {
        "join_doc": '{"type": "join", "id": 1, "conference": "echo", "name": "S\u1edf Y t\u1ebf", "pin": "1234"}',
        "join_token": {"type": "join", "id": "a1", "version": 1, "conference": "giao-ban",
                       "name": "H\u00e0 N\u1ed9i", "token": "rt_0123456789abcdef"},
        "offer_chromium": {"type": "offer", "id": 2, "sdp": offer},
        "offer_webrtcbin": {"type": "offer", "id": 2, "sdp": wrtc},
        "candidate": {"type": "candidate", "id": 3, "candidate":
                      "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0",
                      "sdpMid": "0", "sdpMLineIndex": 0},
        "candidate_mline": {"type": "candidate", "id": 4, "candidate":
                            "candidate:2 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active",
                            "sdpMLineIndex": 1},
        "candidate_mdns": {"type": "candidate", "id": 11, "candidate":
                           "candidate:0 1 UDP 2122187007 7003a12f-5e3b-4c8a-9d0e-1f2a3b4c5d6e.local "
                           "46072 typ host", "sdpMid": "0", "sdpMLineIndex": 0},
        "candidate_empty_mid": {"type": "candidate", "id": 12, "candidate":
                                "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host",
                                "sdpMid": "", "sdpMLineIndex": 0},
        "end_of_candidates": {"type": "end_of_candidates", "id": 5},
        "leave": {"type": "leave", "id": 6},
        "keepalive": {"type": "keepalive", "id": 7},
        "mute": {"type": "mute", "id": 8, "audio": True, "video": False},
        "video_quality": {"type": "video_quality", "id": 9, "quality": "low"},
        "version2": {"type": "join", "id": 10, "version": 2, "conference": "echo", "name": "x"},
    }
    for name, m in msgs.items():
        write(d, name + ".json", m if isinstance(m, str) else json.dumps(m, ensure_ascii=False))


def rtp():
    d = target_dir("fuzz_rtp")
    for f in sorted(glob.glob(os.path.join(ROOT, "tests/fixtures/rtp/*.rtp"))):
        base = os.path.splitext(os.path.basename(f))[0]
        packets = read_rtp_stream(f)
        for i in (0, 1, 2, len(packets) // 2, len(packets) - 1):
            write(d, "%s_%03d.rtp" % (base, i), packets[i])
    # An Opus packet as Chromium sends it: one-byte header extensions (RFC 8285) for
    # ssrc-audio-level, abs-send-time, transport-cc and mid.
    opus = read_rtp_stream(os.path.join(ROOT, "tests/fixtures/rtp/opus.rtp"))[3]
    ext = bytes([0x10, 0x7f & 0x35, 0x22, 0x12, 0x34, 0x56, 0x31, 0x00, 0x01, 0x40, 0x30, 0x00, 0x00])
    ext += b"\0" * (-len(ext) % 4)
    hdr = bytes([opus[0] | 0x10]) + opus[1:12] + struct.pack(">HH", 0xBEDE, len(ext) // 4) + ext
    write(d, "opus_extensions.rtp", hdr + opus[12:])
    # Two-byte header extensions (0x1000 profile) and a CSRC.
    vp8 = read_rtp_stream(os.path.join(ROOT, "tests/fixtures/rtp/vp8.rtp"))[0]
    ext = bytes([1, 2, 0xaa, 0xbb, 3, 0, 0, 0])
    hdr = bytes([0x91]) + vp8[1:12] + struct.pack(">I", 0x11223344) + struct.pack(">HH", 0x1000, 2) + ext
    write(d, "vp8_twobyte_csrc.rtp", hdr + vp8[12:])


def rtcp_header(pt, count, body):
    body += b"\0" * (-len(body) % 4)
    return struct.pack(">BBH", 0x80 | count, pt, len(body) // 4) + body


def rtcp():
    d = target_dir("fuzz_rtcp")
    for f in sorted(glob.glob(os.path.join(ROOT, "tests/fixtures/rtcp/*.rtcp"))):
        base = os.path.splitext(os.path.basename(f))[0]
        for i, p in enumerate(read_rtp_stream(f)[:6]):
            write(d, "%s_%02d.rtcp" % (base, i), p)
    block = struct.pack(">IIIIII", 0x2a2b2c2d, 0x0100000a, 0x00011234, 12, 0x83aa7e80, 0x00010000)
    sr = rtcp_header(200, 1, struct.pack(">IQIII", 0x11111111, 0xe6d5c4b3a2918070, 3000, 10, 1200) + block)
    cname = b"0123456789abcdef"
    sdes = rtcp_header(202, 1, struct.pack(">I", 0x11111111) + bytes([1, len(cname)]) + cname + b"\0")
    rr = rtcp_header(201, 1, struct.pack(">I", 0x22222222) + block)
    pli = rtcp_header(206, 1, struct.pack(">II", 0x22222222, 0x11111111))
    fir = rtcp_header(206, 4, struct.pack(">IIIB3x", 0x22222222, 0, 0x11111111, 7))
    nack = rtcp_header(205, 1, struct.pack(">IIHH", 0x22222222, 0x11111111, 1000, 0x8005))
    remb = rtcp_header(206, 15, struct.pack(">II4sBBHI", 0x22222222, 0, b"REMB", 1, (3 << 2) | 0x1,
                                            0x86a0, 0x11111111))
    tcc = rtcp_header(205, 15, struct.pack(">IIHHI", 0x22222222, 0x11111111, 5, 3, 0x00123401) + b"\x20\x03\x04\x08\x0c")
    bye = rtcp_header(203, 1, struct.pack(">I", 0x11111111))
    app = rtcp_header(204, 0, struct.pack(">I4sI", 0x11111111, b"test", 0))
    write(d, "sr_sdes.rtcp", sr + sdes)
    write(d, "rr_sdes_pli.rtcp", rr + sdes + pli)
    write(d, "rr_remb.rtcp", rr + remb)
    write(d, "nack.rtcp", nack)
    write(d, "fir.rtcp", fir)
    write(d, "transport_cc.rtcp", tcc)
    write(d, "sr_bye_app.rtcp", sr + bye + app)


def depacketizer():
    d = target_dir("fuzz_depacketizer")
    for codec, byte in CODEC_BYTE.items():
        packets = read_rtp_stream(os.path.join(ROOT, "tests/fixtures/rtp/%s.rtp" % codec))
        n = 12 if codec in ("vp8", "h264") else 6
        write(d, "%s_start.bin" % codec, bytes([byte]) + framed(packets[:n]))
        mid = len(packets) // 2
        write(d, "%s_middle.bin" % codec, bytes([byte]) + framed(packets[mid:mid + n]))


def jitter_buffer():
    """Records: control byte (bits 0-5: ms to advance the clock before the push, bit 6:
    pull after it, bit 7: ask for NACKs and keyframe requests), 16-bit length, packet."""
    d = target_dir("fuzz_jitter_buffer")
    for codec, byte in CODEC_BYTE.items():
        packets = read_rtp_stream(os.path.join(ROOT, "tests/fixtures/rtp/%s.rtp" % codec))[:16]
        step = 20 if codec in ("opus", "pcmu", "pcma") else 7
        in_order = b"".join(bytes([0x40 | step]) + struct.pack(">H", len(p)) + p for p in packets)
        write(d, "%s_in_order.bin" % codec, bytes([byte]) + in_order)
        # The same packets reordered in pairs, one lost, one duplicated.
        mixed = packets[1:2] + packets[0:1] + packets[3:4] + packets[2:3] + packets[5:] + packets[5:6]
        rec = b"".join(bytes([0xc0 | step]) + struct.pack(">H", len(p)) + p for p in mixed)
        write(d, "%s_reordered_lost.bin" % codec, bytes([byte]) + rec)


def rest_body():
    """Selector byte (0 create, 1 update of a stored conference), then the body."""
    d = target_dir("fuzz_rest_body")
    bodies = {
        "create_min": {"title": "H\u1ecdp nhanh v\u1ec1 l\u1ecbch ti\u00eam", "layout": "2x2"},
        "create_full": {"id": "giao-ban-thu-hai", "title": "Giao ban th\u1ee9 Hai", "pin": "4321",
                        "layout": "1+5", "canvas": {"width": 1280, "height": 720, "fps": 30},
                        "codecs": ["vp8", "h264"], "max_participants": 16, "record": "manual",
                        "schedule": {"start": "2025-03-01T09:00:00+07:00", "duration": "1h30m",
                                     "timezone": "Asia/Ho_Chi_Minh", "early_join_minutes": 10,
                                     "recurrence": {"freq": "weekly", "count": 4}},
                        "rooms": [{"name": "H\u00e0 N\u1ed9i"}, "Hu\u1ebf"]},
        "create_custom_layout": {"title": "custom", "layout": json.dumps(
            {"cells": [{"x": 0, "y": 0, "w": 0.5, "h": 1}, {"x": 0.5, "y": 0, "w": 0.5, "h": 0.5}]}),
            "schedule": {"start": "now", "end": "2025-03-05 16:00", "recurrence": {"freq": "daily",
                                                                                     "until": "2025-03-09T00:00"}}},
        "create_null_schedule": {"title": "x", "schedule": None, "pin": None},
    }
    updates = {
        "update_layout": {"layout": "speaker+3"},
        "update_schedule": {"schedule": {"end": None, "duration": 5400}},
        "update_rooms": {"rooms": ["A", "B", {"name": "C"}], "record": "always"},
        "update_mute": {"audio": True, "video": False},
        "update_token": {"name": "night-shift", "role": "operator"},
        "update_focus": {"participant": None},
    }
    for name, b in bodies.items():
        write(d, name + ".json", b"\x00" + json.dumps(b, ensure_ascii=False).encode())
    for name, b in updates.items():
        write(d, name + ".json", b"\x01" + json.dumps(b, ensure_ascii=False).encode())


def config():
    d = target_dir("fuzz_config")
    write(d, "help_example.conf", """[mcud]
listen=127.0.0.1:8088
state-dir=/var/lib/hoinghi
ice-address=127.0.0.1;::1
public-address=203.0.113.7
web-root=/usr/share/hoinghi/web
log-level=info
archive-dir=/var/lib/hoinghi/recordings
segment-minutes=60

[conference so-y-te]
type=mix
title=Giao ban S\u1edf Y t\u1ebf
pin=4321
layout=3x3

[conference secure-echo]
type=echo
pin=4321
""")
    write(d, "recording.conf", """[mcud]
archive-dir=/var/lib/hoinghi/recordings
segment-minutes=60

[conference so-y-te]
type=mix
record=always
""")
    write(d, "mix_full.conf", """# a comment
[mcud]
listen=[::1]:8443

[conference hop-1]
type=mix
size=640x360
fps=15
max-participants=4
codecs=vp8;h264
layout=speaker
record=yes
""")


if __name__ == "__main__":
    sdp()
    protocol()
    rtp()
    rtcp()
    depacketizer()
    jitter_buffer()
    rest_body()
    config()
