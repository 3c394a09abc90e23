// vanish_chromium.mjs - for test_faults_vanish.sh: a Chromium room joins CONFERENCE,
// prints "CONNECTED <user-data-dir> <participant id>" once it decodes the mix, and
// stays until the shell kills its browser (kill -9 of every process using that
// user-data dir). Usage: node vanish_chromium.mjs http://127.0.0.1:PORT CONFERENCE
import { launchChromium, poll } from './chromium.mjs';

const [baseUrl, conference] = process.argv.slice(2);
const browser = await launchChromium();
const page = await browser.context.newPage();
await page.goto(`${baseUrl}/?${new URLSearchParams({ conference, name: 'Browser', autojoin: '1' })}`);
const id = await poll(30, () => page.evaluate(async () => {
  const pc = window.hoinghi.pc;
  if (!pc) return null;
  let frames = 0;
  (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded || 0; });
  return frames > 10 ? window.hoinghi.state.participant : null;
}));
if (!id) {
  console.log('the browser room never decoded the mix');
  await browser.close();
  process.exit(1);
}
console.log(`CONNECTED ${browser.userDataDir} ${id}`);
await new Promise(() => {});   // until killed
