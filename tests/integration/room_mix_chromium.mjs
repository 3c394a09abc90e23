// room_mix_chromium.mjs - a browser room in a mixing conference next to mcu-room rooms:
// headless Chromium sends a file as its camera and microphone (distinct per room),
// joins through the web client, must decode the conference's picture, and stays in the
// call until the file STOP_FILE exists (the test creates it when the other rooms are
// done), then leaves. Usage:
//   node room_mix_chromium.mjs http://127.0.0.1:PORT CONFERENCE NAME VIDEO.y4m AUDIO.wav STOP_FILE
// Exit 0 = joined, decoded at least 30 frames, stayed and left without an error.
import fs from 'node:fs';
import { launchChromium, poll } from './chromium.mjs';

const [baseUrl, conference, name, y4m, wav, stopFile] = process.argv.slice(2);
const JOIN_SECONDS = 30;
const STAY_SECONDS = 60;    // bound only: the test normally says stop much earlier

async function inboundVideo(page) {
  return page.evaluate(async () => {
    const { pc, state, lastError } = window.hoinghi;
    let video = null;
    if (pc) (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') video = s; });
    return { phase: state.phase, lastError, frames: video ? video.framesDecoded : 0,
             width: video ? video.frameWidth : 0, height: video ? video.frameHeight : 0 };
  });
}

const browser = await launchChromium([`--use-file-for-fake-video-capture=${y4m}`,
                                      `--use-file-for-fake-audio-capture=${wav}`]);
try {
  const page = await browser.context.newPage();
  const params = new URLSearchParams({ conference, name, autojoin: '1' });
  await page.goto(`${baseUrl}/?${params}`);
  const joined = await poll(JOIN_SECONDS, async () => {
    const r = await inboundVideo(page);
    return r.frames >= 30 || r.phase === 'failed' ? r : null;
  });
  if (!joined || joined.frames < 30) {
    throw new Error(`did not decode 30 frames of the conference within ${JOIN_SECONDS} s: ${JSON.stringify(joined)}`);
  }
  console.log(`chromium: in the call, ${joined.frames} frames decoded, ${joined.width}x${joined.height}`);
  fs.writeFileSync(`${stopFile}.joined`, 'joined\n');
  await poll(STAY_SECONDS, async () => fs.existsSync(stopFile));
  const end = await inboundVideo(page);
  if (end.phase !== 'in-call') throw new Error(`not in the call any more: ${JSON.stringify(end)}`);
  console.log(`chromium: ${end.frames} frames decoded in all; leaving`);
  await page.evaluate(() => window.hoinghi.leave());
  const left = await poll(10, async () => ((await inboundVideo(page)).phase === 'left' ? true : null));
  if (!left) throw new Error('the page did not leave');
} catch (error) {
  console.error(`FAIL: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
