// congestion_chromium.mjs - a room's link gets congested (a token bucket on the
// namespace's loopback, set by the shell through a file handshake) and mcud moves it to
// the low output profile; when the congestion clears it moves it back up. Frames keep
// being decoded throughout. Usage:
//   node congestion_chromium.mjs http://127.0.0.1:PORT CONFERENCE WIDTH HEIGHT CONTROL_DIR
// The script creates CONTROL_DIR/congest when it wants the shell to throttle the link
// and CONTROL_DIR/clear when it wants it cleared; the shell answers with .done files.
import fs from 'node:fs';
import { launchChromium, poll } from './chromium.mjs';
import { readCall, reportFailure, CheckFailed } from './call_checks.mjs';

const [baseUrl, conference, width, height, control] = process.argv.slice(2);
const W = Number(width);

async function waitFor(description, seconds, page, holds) {
  let last = null;
  const ok = await poll(seconds, async () => { last = await readCall(page); return holds(last); });
  if (!ok) throw new CheckFailed(`not within ${seconds} s: ${description}`, last);
  return last;
}

async function ask(step) {
  fs.writeFileSync(`${control}/${step}`, '');
  const done = await poll(10, () => fs.existsSync(`${control}/${step}.done`));
  if (!done) throw new Error(`the shell did not ${step} the link`);
}

const browser = await launchChromium();
let ok = false;
try {
  const page = await browser.context.newPage();
  await page.goto(`${baseUrl}/?${new URLSearchParams({ conference, name: 'Room', autojoin: '1' })}`);
  let call = await waitFor(`the ${W}-wide picture is decoded`, 20, page,
    (c) => c.inbound.video?.framesDecoded > 30 && c.inbound.video.frameWidth === W);
  console.log(`clear link: ${call.inbound.video.frameWidth} wide`);
  await ask('congest');
  call = await waitFor('mcud moves the room to the half-size picture', 40, page,
    (c) => c.inbound.video?.frameWidth === W / 2);
  const low = call.inbound.video.framesDecoded;
  console.log(`congested: ${call.inbound.video.frameWidth} wide`);
  await ask('clear');
  call = await waitFor('the full picture comes back once the link is clear', 60, page,
    (c) => c.inbound.video?.frameWidth === W && c.inbound.video.framesDecoded > low + 10);
  console.log(`clear again: ${call.inbound.video.frameWidth} wide, ${call.inbound.video.framesDecoded} frames`);
  ok = true;
} catch (error) {
  reportFailure(error);
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
