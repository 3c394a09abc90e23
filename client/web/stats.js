// stats.js - turns two successive RTCPeerConnection.getStats() reports into the figures
// the page shows: inbound video size, frame rate and bitrate, packets lost, and
// outbound bitrate.

export class StatsSampler {
  constructor(pc) {
    this.pc = pc;
    this.previous = null; // { time, inVideoBytes, outBytes, framesDecoded }
  }

  // Resolves with { width, height, fps, inKbps, outKbps, packetsLost, framesDecoded }.
  async sample() {
    const report = await this.pc.getStats();
    const now = { time: performance.now(), inVideoBytes: 0, outBytes: 0, framesDecoded: 0 };
    const figures = { width: 0, height: 0, fps: 0, inKbps: 0, outKbps: 0, packetsLost: 0 };
    report.forEach((s) => {
      if (s.type === 'inbound-rtp') {
        figures.packetsLost += s.packetsLost || 0;
        if (s.kind === 'video') {
          now.inVideoBytes += s.bytesReceived || 0;
          now.framesDecoded += s.framesDecoded || 0;
          figures.width = s.frameWidth || 0;
          figures.height = s.frameHeight || 0;
          figures.fps = s.framesPerSecond || 0;
        }
      } else if (s.type === 'outbound-rtp') {
        now.outBytes += s.bytesSent || 0;
      }
    });
    const before = this.previous;
    this.previous = now;
    if (before) {
      const seconds = (now.time - before.time) / 1000;
      figures.inKbps = kbps(now.inVideoBytes - before.inVideoBytes, seconds);
      figures.outKbps = kbps(now.outBytes - before.outBytes, seconds);
      if (!figures.fps) figures.fps = Math.max(0, (now.framesDecoded - before.framesDecoded) / seconds);
    }
    figures.framesDecoded = now.framesDecoded;
    return figures;
  }
}

function kbps(bytes, seconds) {
  return seconds > 0 ? Math.max(0, (bytes * 8) / 1000 / seconds) : 0;
}
