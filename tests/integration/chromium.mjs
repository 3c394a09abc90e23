// chromium.mjs - launches Debian's headless Chromium for integration tests: fake camera
// and microphone, loopback ICE allowed, a fresh user-data dir removed on close.
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

// Resolves with { context, close() }; page console lines are echoed with a prefix.
// extraArgs are more Chromium flags (e.g. --use-file-for-fake-video-capture=FILE.y4m).
export async function launchChromium(extraArgs = []) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoinghi-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...FLAGS, ...extraArgs],
    ignoreDefaultArgs: ['--mute-audio'],
    permissions: ['camera', 'microphone'],
    viewport: { width: 1100, height: 760 },
  });
  context.on('page', (page) => {
    page.on('console', (message) => console.log(`[page ${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
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
