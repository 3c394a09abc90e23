// consent_chromium.mjs - the browser half of test_consent_timeout.sh: joins `echo`,
// waits until its own video comes back, prints "CONNECTED <user-data-dir>" so the shell
// can freeze the browser (SIGSTOP), then, once the browser runs again, checks that the
// page was told by the server that its media session ended (`media` failed / `bye`).
import { launchChromium, poll } from './chromium.mjs';

const [url] = process.argv.slice(2);
const browser = await launchChromium();
let ok = false;
try {
  const page = await browser.context.newPage();
  await page.goto(`${url}/?conference=echo&name=Consent&autojoin=1`);
  const decoding = await poll(15, () => page.evaluate(async () => {
    const pc = window.hoinghi && window.hoinghi.pc;
    if (!pc) return false;
    let frames = 0;
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') frames = r.framesDecoded || 0;
    });
    return frames > 10;
  }));
  if (!decoding) throw new Error('the echo call never decoded video');
  console.log(`CONNECTED ${browser.userDataDir}`);
  // The shell freezes this browser now and thaws it after the server dropped us.
  const told = await poll(120, () => page.evaluate(() => {
    const s = window.hoinghi.state;
    const e = window.hoinghi.lastError;
    return (s.media === 'failed' || (e && (e.code === 'bye' || e.code === 'media_failed')))
      ? { media: s.media, reason: s.mediaReason, error: e } : null;
  }));
  if (!told) throw new Error('the page was never told that its media session ended');
  console.log(`page was told: ${JSON.stringify(told)}`);
  ok = true;
} catch (error) {
  console.log(`consent_chromium: ${error.message}`);
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
