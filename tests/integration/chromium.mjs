// chromium.mjs - launches Debian's headless Chromium for integration tests: fake camera
// and microphone (Chromium's built-in pattern and beep, or files: a y4m video and a
// wav, looped), loopback ICE allowed, a fresh user-data dir removed on close.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-quic', '--no-first-run', '--no-default-browser-check',
  '--autoplay-policy=no-user-gesture-required',
];

// Resolves with { context, userDataDir, close() }; page console lines are echoed with a
// prefix (`label` in it when given). videoFile / audioFile: the fake camera and
// microphone for every page of this launch (the flags are per browser process, so
// rooms with distinct inputs need a launch each; pages of one launch share them).
// rawAudio: getUserMedia gets no echo cancellation, noise suppression or automatic
// gain control on the microphone, so a test tone goes out at a steady level (AGC
// ramps a steady sine up by 10-15 dB within seconds, and NS may eat it).
// extraArgs: more Chromium flags. An array alone is taken as extraArgs.
export async function launchChromium(options = {}) {
  const { videoFile, audioFile, label, rawAudio = false, extraArgs = [] } =
    Array.isArray(options) ? { extraArgs: options } : options;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoinghi-chromium-'));
  const args = [...FLAGS];
  if (videoFile) args.push(`--use-file-for-fake-video-capture=${videoFile}`);
  if (audioFile) args.push(`--use-file-for-fake-audio-capture=${audioFile}`);
  const prefix = label ? `[${label} ` : '[page ';
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...args, ...extraArgs],
    ignoreDefaultArgs: ['--mute-audio'],
    permissions: ['camera', 'microphone'],
    viewport: { width: 1100, height: 760 },
  });
  if (rawAudio) await context.addInitScript(RAW_AUDIO_SCRIPT);
  context.on('page', (page) => {
    page.on('console', (message) => console.log(`${prefix}${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => console.log(`${prefix}error] ${error.message}`));
  });
  return {
    context,
    userDataDir,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// Runs in each page before its scripts: getUserMedia's audio without processing.
const RAW_AUDIO_SCRIPT = `(() => {
  const media = navigator.mediaDevices;
  if (!media || !media.getUserMedia) return;
  const original = media.getUserMedia.bind(media);
  const raw = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
  media.getUserMedia = (constraints = {}) => original(constraints.audio
    ? { ...constraints, audio: { ...(typeof constraints.audio === 'object' ? constraints.audio : {}), ...raw } }
    : constraints);
})();`;

// Polls check() every 200 ms until it returns something truthy or `seconds` pass;
// resolves with that value, or null on timeout.
export async function poll(seconds, check) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
