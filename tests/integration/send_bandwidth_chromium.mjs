// send_bandwidth_chromium.mjs - a room's own sending follows the bandwidth mcud's
// transport-cc feedback shows its browser: with a 1280x720 camera it ramps up to a
// good bitrate soon after joining, backs off when a token bucket (set by the shell
// through a file handshake, as congestion_chromium.mjs does) narrows the link, and
// recovers when the bucket is gone. Usage:
//   node send_bandwidth_chromium.mjs http://127.0.0.1:PORT CONFERENCE CONTROL_DIR [VIDEO.y4m]
// VIDEO.y4m: the camera (a noisy 1280x720 pattern costs real bits; the built-in fake
// camera's picture is so simple that VP8 stays near 500 kbit/s whatever it may use).
// Reads the page's RTCPeerConnection: outbound-rtp video (bytesSent, frameWidth,
// qualityLimitationReason) and the selected candidate pair's availableOutgoingBitrate.
// Thresholds (kbit/s) and deadlines (s) come from the environment, with margins for a
// loaded machine: within RAMP_S (40) of the first video sent, the video sent reaches
// RAMP_KBPS (900) or the browser's estimate (availableOutgoingBitrate, what mcud's
// feedback lets it use) is at least RAMP_KBPS in two readings in a row (a loaded
// browser's encoder may not use all of it; seen: 1-2 s when its first probe counts,
// 10-20 s when it does not),
// BACKOFF_KBPS (600) within BACKOFF_S (20) of the shaping, RECOVER_KBPS (700) within
// RECOVER_S (60) of its end. DUMP_STATS=1 prints the whole outbound-rtp record once.
import fs from 'node:fs';
import { launchChromium, poll } from './chromium.mjs';

const [baseUrl, conference, control, videoFile] = process.argv.slice(2);
const env = (name, value) => Number(process.env[name] || value);
const RAMP_KBPS = env('RAMP_KBPS', 900), RAMP_S = env('RAMP_S', 40);
const BACKOFF_KBPS = env('BACKOFF_KBPS', 600), BACKOFF_S = env('BACKOFF_S', 20);
const RECOVER_KBPS = env('RECOVER_KBPS', 700), RECOVER_S = env('RECOVER_S', 60);

// The camera asks for 1280x720 whatever the client wants (the fake device follows).
const HD_CAMERA = `(() => {
  const media = navigator.mediaDevices;
  const original = media.getUserMedia.bind(media);
  media.getUserMedia = (c = {}) => original(c.video
    ? { ...c, video: { width: { exact: 1280 }, height: { exact: 720 }, frameRate: { ideal: 30 } } }
    : c);
})();`;

function readSending(page) {
  return page.evaluate(async () => {
    const { pc } = window.hoinghi;
    if (!pc) return null;
    let out = null, pair = null;
    const pairs = {};
    let selected = null;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') out = s;
      if (s.type === 'candidate-pair') pairs[s.id] = s;
      if (s.type === 'transport' && s.selectedCandidatePairId) selected = s.selectedCandidatePairId;
    });
    pair = selected ? pairs[selected] : Object.values(pairs).find((p) => p.nominated);
    const track = pc.getSenders().find((x) => x.track && x.track.kind === 'video')?.track;
    return out && {
      settings: track ? `${track.getSettings().width}x${track.getSettings().height}` : '', out: JSON.stringify(out),
      t: Date.now(), bytesSent: out.bytesSent, frameWidth: out.frameWidth || 0,
      reason: out.qualityLimitationReason, target: out.targetBitrate || 0,
      available: pair ? pair.availableOutgoingBitrate || 0 : 0,
    };
  });
}

let previous = null;
const log = [];
// One reading a second: the video bitrate sent since the previous one.
async function sample(page, phase) {
  const now = await readSending(page);
  let kbps = null;
  if (now && previous && now.t > previous.t) kbps = (now.bytesSent - previous.bytesSent) * 8 / (now.t - previous.t);
  previous = now;
  if (now && kbps !== null) {
    const line = `${phase} t=${((now.t - start) / 1000).toFixed(1)}s sent=${kbps.toFixed(0)}kbit/s ` +
      `width=${now.frameWidth} camera=${now.settings} limit=${now.reason} available=${(now.available / 1000).toFixed(0)}kbit/s`;
    console.log(line);
    log.push({ phase, kbps, ...now });
  }
  return kbps;
}

async function until(phase, seconds, holds) {
  const since = Date.now();
  const ok = await poll(seconds, async () => {
    await new Promise((r) => setTimeout(r, 800));
    const kbps = await sample(page, phase);
    return kbps !== null && holds(kbps);
  });
  const took = (Date.now() - since) / 1000;
  if (!ok) throw new Error(`${phase}: not within ${seconds} s`);
  console.log(`${phase}: after ${took.toFixed(1)} s`);
  return took;
}

async function ask(step) {
  fs.writeFileSync(`${control}/${step}`, '');
  if (!(await poll(10, () => fs.existsSync(`${control}/${step}.done`)))) throw new Error(`the shell did not ${step}`);
}

const browser = await launchChromium({ videoFile });
await browser.context.addInitScript(HD_CAMERA);
const page = await browser.context.newPage();
let start = Date.now();
let ok = false;
try {
  await page.goto(`${baseUrl}/?${new URLSearchParams({ conference, name: 'Sender', autojoin: '1' })}`);
  const first = await poll(20, async () => {
    const s = await readSending(page);
    return s && s.bytesSent > 0 ? s : null;
  });
  if (!first) throw new Error('no video sent within 20 s');
  start = Date.now();
  previous = first;
  if (process.env.DUMP_STATS) setTimeout(async () => console.log((await readSending(page)).out), 4000);
  let estimated = 0; // readings in a row with the browser's estimate at RAMP_KBPS or more
  await until('ramp', RAMP_S, (kbps) => {
    estimated = previous && previous.available >= RAMP_KBPS * 1000 ? estimated + 1 : 0;
    return kbps >= RAMP_KBPS || estimated >= 2;
  });
  await until('steady', 4, () => false).catch(() => {}); // a few readings at the top
  await ask('congest');
  await until('backoff', BACKOFF_S, (kbps) => kbps < BACKOFF_KBPS);
  await until('shaped', 5, () => false).catch(() => {});
  await ask('clear');
  await until('recover', RECOVER_S, (kbps) => kbps >= RECOVER_KBPS);
  ok = true;
} catch (error) {
  console.error(`FAIL: ${error.message}`);
} finally {
  const top = Math.max(0, ...log.filter((l) => l.phase === 'ramp' || l.phase === 'steady').map((l) => l.kbps));
  console.log(`summary: highest before shaping ${top.toFixed(0)} kbit/s; ` +
    `lowest shaped ${Math.min(...log.filter((l) => l.phase === 'backoff' || l.phase === 'shaped').map((l) => l.kbps)).toFixed(0)} kbit/s`);
  await browser.close();
}
process.exit(ok ? 0 : 1);
