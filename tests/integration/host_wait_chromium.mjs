// host_wait_chromium.mjs - the web client over HTTPS/WSS in a host-required conference:
// joins (with the PIN), checks that "Waiting for the host" shows and no video frame is
// decoded for 4 s, signals the test (SIGNAL.waiting), then waits for the host (an
// mcu-room the test starts): the banner must go and video must be decoded.
//   node host_wait_chromium.mjs https://127.0.0.1:PORT CONFERENCE PIN SIGNAL
// Chromium runs with --ignore-certificate-errors (the test's certificate is
// self-signed). Exit 0 when all holds, 1 with the reason otherwise.
import fs from 'node:fs';
import { launchChromium, poll } from './chromium.mjs';

const [url, conference, pin, signal] = process.argv.slice(2);
if (!signal) {
  console.error('usage: node host_wait_chromium.mjs https://HOST:PORT CONFERENCE PIN SIGNAL');
  process.exit(2);
}

const framesDecoded = (page) => page.evaluate(async () => {
  const pc = window.hoinghi.pc;
  if (!pc) return 0;
  let frames = 0;
  (await pc.getStats()).forEach((r) => {
    if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded || 0;
  });
  return frames;
});
const bannerShown = (page) => page.evaluate(() => !document.getElementById('waiting-host').hidden);

const browser = await launchChromium({ label: 'web', extraArgs: ['--ignore-certificate-errors'] });
let failure = null;
try {
  const page = await browser.context.newPage();
  await page.goto(`${url}/?conference=${conference}&name=Web&pin=${pin}&autojoin=1`);
  if (!await poll(60, () => page.evaluate(() => window.hoinghi.state.connection === 'connected'))) {
    throw new Error(`media did not connect: ${JSON.stringify(await page.evaluate(() => window.hoinghi.state))}`);
  }
  if (!await poll(10, () => bannerShown(page))) throw new Error('"Waiting for the host" is not shown');
  const text = await page.evaluate(() => document.getElementById('waiting-host').textContent);
  console.log(`banner: ${text}`);
  if (!await poll(10, () => page.evaluate(() => location.protocol === 'https:'))) throw new Error('not https');
  await new Promise((resolve) => setTimeout(resolve, 4000));
  const before = await framesDecoded(page);
  if (before !== 0) throw new Error(`${before} video frames decoded without the host`);
  console.log('no video for 4 s while waiting');
  fs.writeFileSync(`${signal}.waiting`, '');
  if (!await poll(90, async () => !await bannerShown(page))) throw new Error('the banner stayed after the host joined');
  const frames = await poll(30, async () => { const n = await framesDecoded(page); return n > 20 ? n : 0; });
  if (!frames) throw new Error('no video decoded after the host joined');
  console.log(`host present: banner gone, ${frames} video frames decoded`);
  await page.evaluate(() => window.hoinghi.leave());
} catch (error) {
  failure = error;
} finally {
  await browser.close();
}
if (failure) {
  console.error(`FAIL: ${failure.message}`);
  process.exit(1);
}
console.log('ok');
