// video_quality_chromium.mjs - a room pins its picture to the low or the high output
// profile (the `video_quality` request): the picture it decodes changes size between
// the canvas size and half of it, and keeps coming (frames keep being decoded across
// each switch, which happens at a keyframe). Usage:
//   node video_quality_chromium.mjs http://127.0.0.1:PORT CONFERENCE WIDTH HEIGHT
import { launchChromium } from './chromium.mjs';
import { expectWithin, reportFailure } from './call_checks.mjs';

const [baseUrl, conference, width, height] = process.argv.slice(2);
const W = Number(width);
const H = Number(height);

async function joinAs(browser, name) {
  const page = await browser.context.newPage();
  await page.goto(`${baseUrl}/?${new URLSearchParams({ conference, name, autojoin: '1' })}`);
  await expectWithin(`${name} is in the call`, page, (call) => call.state.phase === 'in-call');
  return page;
}

const size = (call) => `${call.inbound.video?.frameWidth}x${call.inbound.video?.frameHeight}`;

const browser = await launchChromium();
let ok = false;
try {
  const room = await joinAs(browser, 'Weak link');
  await joinAs(browser, 'Other room');
  let call = await expectWithin(`the full ${W}x${H} picture arrives`, room,
    (c) => c.inbound.video?.framesDecoded > 20 && c.inbound.video.frameWidth === W);
  console.log(`auto: ${size(call)}, ${call.inbound.video.framesDecoded} frames`);

  const reply = await room.evaluate(() => window.hoinghi.setVideoQuality('low'));
  if (reply.quality !== 'low') throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
  const before = call.inbound.video.framesDecoded;
  call = await expectWithin(`the half-size picture arrives after video_quality low`, room,
    (c) => c.inbound.video?.frameWidth === W / 2 && c.inbound.video.frameHeight === H / 2);
  const atSwitch = call.inbound.video.framesDecoded;
  call = await expectWithin('frames keep coming on the low picture', room,
    (c) => c.inbound.video?.framesDecoded > atSwitch + 20 && c.inbound.video.frameWidth === W / 2);
  console.log(`low: ${size(call)}, ${call.inbound.video.framesDecoded - before} frames since asking`);

  await room.evaluate(() => window.hoinghi.setVideoQuality('high'));
  call = await expectWithin('the full picture is back after video_quality high', room,
    (c) => c.inbound.video?.frameWidth === W && c.inbound.video.frameHeight === H);
  const back = call.inbound.video.framesDecoded;
  call = await expectWithin('frames keep coming on the high picture', room,
    (c) => c.inbound.video?.framesDecoded > back + 20);
  console.log(`high: ${size(call)}`);

  const bad = await room.evaluate(() => window.hoinghi.setVideoQuality('huge').then(
    () => 'accepted', (e) => e.code || e.message));
  if (bad !== 'bad_request') throw new Error(`quality 'huge' gave ${bad}, not bad_request`);
  ok = true;
} catch (error) {
  reportFailure(error);
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
