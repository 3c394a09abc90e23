// share_chromium.mjs - a browser room presents through the web client's Share button
// (client/web/share.js). Its fake display source is a canvas of fine lines, the same
// picture test_share_*.sh checks for (1920x1080: vertical stripes of 6 px in the left
// half, horizontal ones in the right half), handed out by getDisplayMedia. Joins, clicks
// Share, writes STOP_FILE.presenting once the share is up, waits for STOP_FILE, then
// prints how the share ended (the test stops it through the operator) and leaves. Usage:
//   node share_chromium.mjs http://127.0.0.1:PORT CONFERENCE NAME VIDEO.y4m STOP_FILE
// Exit 0 = joined, presented, and the share ended as the server said.
import fs from 'node:fs';
import { launchChromium, poll } from './chromium.mjs';

const [baseUrl, conference, name, y4m, stopFile] = process.argv.slice(2);

// getDisplayMedia: a canvas stream of the lines (redrawn so frames keep coming).
const FAKE_DISPLAY = `(() => {
  const draw = (ctx) => {
    const img = ctx.createImageData(1920, 1080);
    for (let y = 0; y < 1080; y++) {
      for (let x = 0; x < 1920; x++) {
        const on = x < 960 ? (x % 12) < 6 : (y % 12) < 6;
        const v = on ? 235 : 16, i = (y * 1920 + x) * 4;
        img.data[i] = img.data[i + 1] = img.data[i + 2] = v;
        img.data[i + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    return img;
  };
  if (!window.MediaDevices) return;   // not a page that can capture (about:blank)
  MediaDevices.prototype.getDisplayMedia = async function () {
    const canvas = document.createElement('canvas');
    canvas.width = 1920;
    canvas.height = 1080;
    const ctx = canvas.getContext('2d');
    const img = draw(ctx);
    setInterval(() => ctx.putImageData(img, 0, 0), 100);
    window.fakeDisplayCanvas = canvas;
    return canvas.captureStream(10);
  };
})();`;

const browser = await launchChromium({ videoFile: y4m, label: name });
try {
  await browser.context.addInitScript(FAKE_DISPLAY);
  const page = await browser.context.newPage();
  const params = new URLSearchParams({ conference, name, autojoin: '1' });
  await page.goto(`${baseUrl}/?${params}`);
  const inCall = await poll(30, async () => page.evaluate(() => window.hoinghi.state.phase === 'in-call'));
  if (!inCall) throw new Error('did not get into the call within 30 s');
  await page.click('#share');
  const presenting = await poll(30, async () => {
    const s = await page.evaluate(() => window.hoinghi.share);
    return s.state === 'presenting' || s.state === 'stopped' ? s : null;
  });
  if (!presenting || presenting.state !== 'presenting') {
    throw new Error(`the share did not start: ${JSON.stringify(presenting)}`);
  }
  const label = await page.textContent('#share');
  console.log(`chromium: presenting (button says "${label}")`);
  // The `presenting` event names this room to every room, this one too: the page says so.
  const shown = await poll(15, async () => page.evaluate(() => {
    const el = document.getElementById('presenting');
    return el && !el.hidden && window.hoinghi.state.presenter ? el.textContent : null;
  }));
  if (!shown || !shown.includes(name)) throw new Error(`the page does not say who presents: ${shown}`);
  console.log(`chromium: the picture says "${shown}"`);
  fs.writeFileSync(`${stopFile}.presenting`, 'presenting\n');
  await poll(90, async () => fs.existsSync(stopFile));
  const end = await page.evaluate(() => window.hoinghi.share);
  console.log(`chromium: share ${end.state}: ${end.reason}`);
  const cleared = await poll(15, async () => page.evaluate(
    () => window.hoinghi.state.presenter === null && document.getElementById('presenting').hidden));
  if (!cleared) throw new Error('the page still says somebody presents after the share stopped');
  fs.writeFileSync(`${stopFile}.share`, `${end.state}: ${end.reason}\n`);
  const phase = await page.evaluate(() => window.hoinghi.state.phase);
  if (phase !== 'in-call') throw new Error(`the room is not in the call any more (${phase})`);
  await page.evaluate(() => window.hoinghi.leave());
} catch (error) {
  console.error(`FAIL: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
