// ops_live_chromium.mjs - an operator steers a live conference with mcuctl while two
// Chromium rooms are in it (joined through their invited-room links, no PIN typed):
//   - `participant list` shows both with their codecs and received resolution;
//   - `participant mute` of the second room silences it in the first room's mix (the
//     first room's received audio energy stops growing) and both rosters show it (the
//     muted room's page mutes its own microphone); `unmute` lifts it (the rosters show
//     it) and, once the room turns its microphone back on, it is heard again;
//   - `layout set 1x1` changes the picture the rooms receive: in 2x2 with two rooms the
//     bottom half of the picture is empty (black), in 1x1 it is the first room's camera;
//     the rooms get the `layout` event;
//   - `participant focus` works on a layout with a big tile and is refused on a grid;
//   - `participant kick` ends the first room's call (`bye`) and the second sees it go.
// Usage: node ops_live_chromium.mjs CONFERENCE LINK1 LINK2 (MCUCTL, MCU_URL,
// MCU_STATE_DIR in the environment). Exit 0 = pass.
import { execFileSync } from 'node:child_process';
import { launchChromium, poll } from './chromium.mjs';
import { expectWithin, readCall, reportFailure, CheckFailed } from './call_checks.mjs';

const [conference, firstLink, secondLink] = process.argv.slice(2);
const MIN_FRAMES = 30;

function mcuctl(...args) {
  const out = execFileSync(process.env.MCUCTL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  console.log(`$ mcuctl ${args.join(' ')}\n${out.trim()}`);
  return out;
}

function mcuctlStatus(...args) {
  try {
    execFileSync(process.env.MCUCTL, args, { stdio: 'ignore' });
    return 0;
  } catch (error) {
    return error.status;
  }
}

async function audioEnergy(page) {
  return (await readCall(page)).inbound.audio?.totalAudioEnergy ?? 0;
}

// The growth of the received audio energy over `ms`.
async function energyGrowth(page, ms) {
  const before = await audioEnergy(page);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (await audioEnergy(page)) - before;
}

// Mean luma of the bottom half of the received mix picture.
function bottomHalfLuma(page) {
  return page.evaluate(() => {
    const video = document.getElementById('mix');
    const w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) return -1;
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext('2d');
    g.drawImage(video, 0, 0, w, h);
    const data = g.getImageData(0, Math.floor(h / 2) + 8, w, Math.floor(h / 2) - 16).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    return sum / (data.length / 4);
  });
}

async function expectLuma(description, page, holds) {
  let last = null;
  const ok = await poll(10, async () => {
    last = await bottomHalfLuma(page);
    return holds(last);
  });
  if (!ok) throw new CheckFailed(`not within 10 s: ${description} (bottom half luma ${last})`, await readCall(page));
  console.log(`${description}: bottom half luma ${last.toFixed(1)}`);
}

const browser = await launchChromium();
try {
  const first = await browser.context.newPage();
  await first.goto(firstLink);
  await expectWithin('the first room is in the call', first, (c) => c.state.phase === 'in-call');
  const second = await browser.context.newPage();
  await second.goto(secondLink);
  for (const page of [first, second]) {
    await expectWithin('both rooms decode the mix and list each other', page, (c) =>
      c.inbound.video?.framesDecoded > MIN_FRAMES && c.state.participants.length === 2);
  }
  const firstId = (await readCall(first)).state.participant;
  const secondId = (await readCall(second)).state.participant;

  const list = JSON.parse(mcuctl('--json', 'participant', 'list', conference));
  if (list.length !== 2 || !list.every((p) => p.stats.video_codec && p.stats.audio_codec === 'opus' && p.stats.resolution)) {
    throw new Error(`participant list is not both rooms with their stats: ${JSON.stringify(list)}`);
  }
  mcuctl('participant', 'list', conference);
  // /metrics: per conference, the mixer's decode and encode time per video tick.
  const metrics = mcuctl('metrics');
  for (const name of ['hoinghi_video_decode_seconds', 'hoinghi_video_encode_seconds']) {
    const line = metrics.split('\n').find((l) => l.startsWith(`${name}{conference="${conference}"}`));
    if (!line || !(Number(line.split(' ').pop()) > 0)) throw new Error(`no positive ${name} for ${conference} in /metrics`);
  }

  // Mute: the second room leaves the first room's mix.
  const heard = await poll(10, async () => (await energyGrowth(first, 1000)) > 0.0005);
  if (!heard) throw new Error('the first room does not hear the second before the mute');
  const unmutedGrowth = await energyGrowth(first, 2000);
  console.log(`first room's audio energy growth over 2 s, unmuted: ${unmutedGrowth.toExponential(2)}`);
  mcuctl('participant', 'mute', conference, secondId);
  for (const page of [first, second]) {
    await expectWithin('the rosters show the second room muted', page, (c) =>
      c.state.participants.some((p) => p.participant === secondId && p.audio_muted));
  }
  const silent = await poll(10, async () => (await energyGrowth(first, 2000)) < unmutedGrowth / 100);
  if (!silent) throw new Error('the muted room is still heard in the first room\'s mix');
  console.log(`first room's audio energy growth over 2 s, muted: ${(await energyGrowth(first, 2000)).toExponential(2)}`);
  // The operator lifts the mute; the web client never turns a microphone on by itself,
  // so the room unmutes its own microphone to be heard again.
  mcuctl('participant', 'unmute', conference, secondId);
  await expectWithin('the first room\'s roster shows the second unmuted', first, (c) =>
    c.state.participants.some((p) => p.participant === secondId && !p.audio_muted));
  if ((await readCall(second)).state.audioMuted) await second.click('#mute-audio');
  const back = await poll(10, async () => (await energyGrowth(first, 1000)) > 0.0005);
  if (!back) throw new Error('the unmuted room is not heard again');
  console.log('unmuted (operator, then the room itself): heard again');

  // Layout: 2x2 with two rooms leaves the bottom half empty; 1x1 fills it.
  await expectLuma('2x2: the bottom half is empty', second, (luma) => luma >= 0 && luma < 25);
  mcuctl('layout', 'set', conference, '1x1');
  await expectWithin('the rooms get the layout event', second, (c) => c.state.layout === '1x1');
  await expectLuma('1x1: the first room fills the picture', second, (luma) => luma > 40);

  // Focus needs a big tile.
  if (mcuctlStatus('participant', 'focus', conference, secondId) !== 5) throw new Error('focus on a grid is not 409');
  mcuctl('layout', 'set', conference, '1+5');
  mcuctl('participant', 'focus', conference, secondId);
  mcuctl('participant', 'focus', conference, '--none');

  // Kick.
  mcuctl('participant', 'kick', conference, firstId);
  await expectWithin('the kicked room is told (bye)', first, (c) => c.lastError?.code === 'bye');
  await expectWithin('the other room sees it go', second, (c) =>
    c.state.participants.length === 1 && c.state.participants[0].participant === secondId);
  console.log('kicked: the first room got bye and left the roster');
  await browser.close();
  process.exit(0);
} catch (error) {
  reportFailure(error);
  await browser.close();
  process.exit(1);
}
