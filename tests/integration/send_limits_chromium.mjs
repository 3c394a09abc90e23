// send_limits_chromium.mjs - the MCU steers a browser's camera (docs/sender-control.md).
// The page joins a 3x3 conference as its fifth room (four mcu-room rooms are in): once
// the layout settled its outbound picture fits its cell and its bitrate stays under the
// limit's max_bitrate (x1.3). The operator sets 2x2: the page is pushed out of view, it
// gets send_limits with active false, its video encoding goes inactive and framesSent
// stops growing. The operator sets 3x3 again: it comes back with a keyframe
// (keyFramesEncoded grows). Usage:
//   MCUCTL=... MCU_URL=... MCU_STATE_DIR=... node send_limits_chromium.mjs URL CONFERENCE
// (exit 0 = pass)
import { execFileSync } from 'node:child_process';
import { launchChromium, poll } from './chromium.mjs';
import { reportFailure, CheckFailed } from './call_checks.mjs';

const [baseUrl, conference] = process.argv.slice(2);
const WAIT = 30;         // seconds for each step (a loaded machine: generous)
const MARGIN_PX = 2;     // the cell's even-pixel rounding
const BITRATE_SLACK = 1.3;

async function outbound(page) {
  return page.evaluate(async () => {
    const h = window.hoinghi;
    let video = null;
    if (h.pc) (await h.pc.getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') video = s;
    });
    return { phase: h.state.phase, limits: h.sendLimits, video };
  });
}

async function expect(description, page, holds, seconds = WAIT) {
  let last = null;
  const got = await poll(seconds, async () => {
    last = await outbound(page);
    return holds(last) ? last : null;
  });
  if (!got) throw new CheckFailed(`not within ${seconds} s: ${description}`, last);
  return got;
}

function mcuctl(...args) {
  const out = execFileSync(process.env.MCUCTL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  console.log(`$ mcuctl ${args.join(' ')}\n${out.trim()}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const browser = await launchChromium({ label: 'page' });
try {
  const page = await browser.context.newPage();
  const query = new URLSearchParams({ conference, name: 'Browser', autojoin: '1' });
  await page.goto(`${baseUrl}/?${query}`);

  // 1. In a 3x3 cell: the picture fits the cell, the bitrate stays under the limit.
  const drawn = await expect('the room is drawn and told its cell', page, (o) =>
    o.phase === 'in-call' && o.limits && o.limits.active === true && o.video && o.video.framesSent > 30);
  const cell = drawn.limits;
  console.log(`drawn: limits ${JSON.stringify(cell)}`);
  if (cell.width > 640 / 3 + MARGIN_PX || cell.height > 360 / 3 + MARGIN_PX)
    throw new CheckFailed(`a 3x3 cell of 640x360 is about 213x120, not ${cell.width}x${cell.height}`, drawn);
  await sleep(4000); // the layout settles, the encoder adapts
  const a = await outbound(page);
  await sleep(5000);
  const b = await outbound(page);
  const bps = ((b.video.bytesSent - a.video.bytesSent) * 8 * 1000) / (b.video.timestamp - a.video.timestamp);
  console.log(`sending ${b.video.frameWidth}x${b.video.frameHeight} at ${b.video.framesPerSecond ?? '?'} fps, `
    + `${Math.round(bps)} bit/s (max_bitrate ${cell.max_bitrate})`);
  if (!(b.video.frameWidth <= cell.width + MARGIN_PX && b.video.frameHeight <= cell.height + MARGIN_PX))
    throw new CheckFailed(`the picture sent (${b.video.frameWidth}x${b.video.frameHeight}) is larger than its cell`, b);
  if (!(bps <= cell.max_bitrate * BITRATE_SLACK))
    throw new CheckFailed(`sent ${Math.round(bps)} bit/s, over ${BITRATE_SLACK} x max_bitrate ${cell.max_bitrate}`, b);
  if (!(b.video.framesSent > a.video.framesSent)) throw new CheckFailed('the video stopped', b);

  // 2. 2x2: the fifth room is pushed out of view and stops sending video.
  mcuctl('layout', 'set', conference, '2x2');
  await expect('the room is told it is not drawn', page, (o) => o.limits && o.limits.active === false);
  await sleep(2000); // what was in flight
  const before = await outbound(page);
  await sleep(3000);
  const after = await outbound(page);
  const grew = after.video.framesSent - before.video.framesSent;
  console.log(`not drawn: limits ${JSON.stringify(after.limits)}, encoding active=${after.video.active}, `
    + `framesSent ${before.video.framesSent} -> ${after.video.framesSent} in 3 s`);
  if (grew > 2) throw new CheckFailed(`a room that is not drawn sent ${grew} frames in 3 s`, after);

  // 3. 3x3 again: it comes back into view with a keyframe.
  const keyframesBefore = after.video.keyFramesEncoded ?? 0;
  mcuctl('layout', 'set', conference, '3x3');
  const resumed = await expect('the room comes back into view with a keyframe', page, (o) =>
    o.limits && o.limits.active === true && o.video.framesSent > after.video.framesSent + 10
    && (o.video.keyFramesEncoded ?? 0) > keyframesBefore);
  console.log(`back in view: framesSent ${after.video.framesSent} -> ${resumed.video.framesSent}, `
    + `keyFramesEncoded ${keyframesBefore} -> ${resumed.video.keyFramesEncoded}`);

  await page.click('#leave');
  await expect('the page left', page, (o) => o.phase === 'left', 10);
} catch (error) {
  reportFailure(error);
  process.exitCode = 1;
} finally {
  await browser.close();
}
