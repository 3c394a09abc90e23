// media_probe.mjs - what a web-client page receives, measured inside the page: the
// colours of the cells of the mix picture (the <video id="mix"> drawn into a canvas)
// and the energy of sine tones in the mix sound (a WebAudio AnalyserNode on the
// received stream, which plays unmuted in that <video>). Test rooms send solid
// colours and distinct tones (lib.sh make_room_media), so "whose picture is in which
// cell" and "whose voice is in the mix" become numbers.

// Fake-room colours as they come out of a video codec, and the compositor's own tiles
// (mixer/video/compositor.h: placeholder Y=48, black Y=16, BT.601 limited range).
export const PALETTE = {
  red: [255, 0, 0],
  green: [0, 255, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
  magenta: [255, 0, 255],
  cyan: [0, 255, 255],
  placeholder: [37, 37, 37],
  black: [0, 0, 0],
};
const MAX_COLOUR_DISTANCE = 60;

// The cells of an equal NxN grid layout ("2x2", "3x3", ...), row-major, as fractions.
export function gridCells(layoutName) {
  const n = Number(/^(\d+)x\1$/.exec(layoutName)?.[1]);
  if (!n) throw new Error(`not an equal grid layout: ${layoutName}`);
  const cells = [];
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) cells.push({ x: col / n, y: row / n, w: 1 / n, h: 1 / n });
  }
  return cells;
}

// The PALETTE name nearest to rgb, or `other(r,g,b)` when nothing is near.
export function colourName([r, g, b]) {
  let best = null;
  let bestDistance = Infinity;
  for (const [name, [pr, pg, pb]] of Object.entries(PALETTE)) {
    const distance = Math.hypot(r - pr, g - pg, b - pb);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return bestDistance <= MAX_COLOUR_DISTANCE ? best : `other(${r},${g},${b})`;
}

// Resolves with { width, height, cells: [[r, g, b], ...] } for the current frame of the
// mix <video>: per cell, the per-channel median of a 5x5 grid of points spread over
// the middle 50% of the cell (a median, so a name label or a letterbox edge on a
// few points does not move it). width 0 when no video frame is there yet.
export function readCells(page, cells) {
  return page.evaluate((cellList) => {
    const video = document.getElementById('mix');
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!width || !height || video.readyState < 2) return { width: 0, height: 0, cells: [] };
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, width, height);
    const { data } = ctx.getImageData(0, 0, width, height);
    const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
    const out = cellList.map(({ x, y, w, h }) => {
      const channels = [[], [], []];
      for (let i = 0; i < 5; i++) {
        for (let j = 0; j < 5; j++) {
          const px = Math.min(width - 1, Math.floor((x + w * (0.25 + 0.125 * i)) * width));
          const py = Math.min(height - 1, Math.floor((y + h * (0.25 + 0.125 * j)) * height));
          const at = (py * width + px) * 4;
          for (let c = 0; c < 3; c++) channels[c].push(data[at + c]);
        }
      }
      return channels.map(median);
    });
    return { width, height, cells: out };
  }, cells);
}

// Listens to the mix sound for `ms` and resolves with, per frequency in `freqs`,
// { level: dBFS of the strongest bin within +-2 bins, snr: dB over the background }.
// The background is the median bin power over 150..4000 Hz, away from every tone
// in `freqs`. Bins are 48000/8192 = 5.9 Hz wide; powers are averaged over snapshots
// taken every 100 ms (no smoothing in the analyser itself).
export function toneLevels(page, freqs, ms = 1500) {
  return page.evaluate(async ({ freqs: tones, ms: listenMs }) => {
    const video = document.getElementById('mix');
    const stream = video.srcObject;
    if (!stream || stream.getAudioTracks().length === 0) throw new Error('no received audio track in #mix');
    let probe = window.__toneProbe;
    if (!probe || probe.stream !== stream) {
      if (probe) probe.ctx.close();
      const ctx = new AudioContext({ sampleRate: 48000 });
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 8192;
      analyser.smoothingTimeConstant = 0;
      ctx.createMediaStreamSource(stream).connect(analyser);
      const silent = ctx.createGain();
      silent.gain.value = 0;
      analyser.connect(silent).connect(ctx.destination);
      probe = { ctx, analyser, stream };
      window.__toneProbe = probe;
    }
    await probe.ctx.resume();
    const { analyser, ctx } = probe;
    const bins = new Float32Array(analyser.frequencyBinCount);
    const power = new Float64Array(bins.length);
    let snapshots = 0;
    for (let waited = 0; waited < listenMs; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      analyser.getFloatFrequencyData(bins);
      for (let i = 0; i < bins.length; i++) power[i] += 10 ** (Math.max(bins[i], -200) / 10);
      snapshots += 1;
    }
    const hzPerBin = ctx.sampleRate / analyser.fftSize;
    const binOf = (hz) => Math.round(hz / hzPerBin);
    const db = (p) => 10 * Math.log10(Math.max(p / snapshots, 1e-20));
    const background = [];
    for (let i = binOf(150); i <= binOf(4000); i++) {
      if (tones.every((hz) => Math.abs(i - binOf(hz)) > 6)) background.push(power[i]);
    }
    background.sort((a, b) => a - b);
    const floor = db(background[background.length >> 1]);
    const result = {};
    for (const hz of tones) {
      let peak = 0;
      for (let i = binOf(hz) - 2; i <= binOf(hz) + 2; i++) peak = Math.max(peak, power[i]);
      result[hz] = { level: Math.round(db(peak) * 10) / 10, snr: Math.round((db(peak) - floor) * 10) / 10 };
    }
    return result;
  }, { freqs, ms });
}
