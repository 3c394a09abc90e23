// conference_webrtcbin.mjs - the driver of test_conference_webrtcbin.sh: one `mix`
// conference, two WebRTC stacks, two video codecs.
//
//   1. headless Chromium (room A: red, 770 Hz; offers VP8 first) joins;
//   2. GStreamer webrtcbin (webrtc_peer --codec h264 --h264-profile high --pattern
//      green --stay: offers H.264 High profile 64001f only, sends green with B-frames,
//      as room systems do, and a 440 Hz sine) joins: the browser's roster lists it;
//   3. the browser still receives VP8 (inbound-rtp codecId -> codec mimeType), sees
//      its red in cell 0 and webrtcbin's green in cell 1 (mcud decoded the High
//      profile stream), and hears webrtcbin's 440 Hz and not its own 770 Hz;
//   4. webrtc_peer decoded enough H.264 (avdec_h264) at the canvas size: told to stop
//      (SIGTERM) after its goal, it exits 0 and its summary says so (the answer kept
//      its profile-level-id 64001f);
//   5. its socket closed without `leave`: the browser gets `participant_left` for it.
// Usage:
//   node conference_webrtcbin.mjs http://127.0.0.1:PORT CONFERENCE MEDIA_DIR PEER WxH
// MEDIA_DIR holds a.y4m and a.wav (lib.sh make_room_media); PEER runs webrtc_peer.
// Exit 0 = pass.
import { spawn } from 'node:child_process';
import { launchChromium, poll } from './chromium.mjs';
import { gridCells, readCells, toneLevels, colourName } from './media_probe.mjs';

const [baseUrl, conference, mediaDir, peerProgram, canvasSize] = process.argv.slice(2);
const WAIT_SECONDS = 20;
const PEER_NAME = 'webrtcbin H.264';
const BROWSER_HZ = 770;
const PEER_HZ = 440;          // audiotestsrc's default sine
const PRESENT_DB = -50;
const ABSENT_MARGIN_DB = 20;

class CheckFailed extends Error {
  constructor(message, reading) {
    super(message);
    this.reading = reading;
  }
}

async function expect(description, read, check) {
  let reading = null;
  const ok = await poll(WAIT_SECONDS, async () => {
    reading = await read();
    return check(reading);
  });
  if (!ok) throw new CheckFailed(`not within ${WAIT_SECONDS} s: ${description}`, reading);
  console.log(`ok: ${description}`);
  return reading;
}

// The page's roster and its inbound video: codec by codecId, size, frames decoded.
function readBrowser(page) {
  return page.evaluate(async () => {
    const h = window.hoinghi;
    const video = {};
    if (h.pc) {
      const report = await h.pc.getStats();
      report.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          Object.assign(video, {
            mimeType: s.codecId && report.get(s.codecId) ? report.get(s.codecId).mimeType : null,
            size: `${s.frameWidth}x${s.frameHeight}`,
            framesDecoded: s.framesDecoded || 0,
          });
        }
      });
    }
    return {
      phase: h.state.phase,
      lastError: h.lastError,
      participants: h.participants,
      events: h.events.map((e) => ({ ...e })),
      video,
    };
  });
}

// webrtc_peer as a child: its stderr is echoed and kept, its stdout kept for the summary.
function startPeer() {
  const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/ws`;
  const args = ['--server', wsUrl, '--conference', conference, '--name', PEER_NAME, '--codec', 'h264',
    '--h264-profile', 'high', '--pattern', 'green',
    '--ice-address', '127.0.0.1', '--duration', '50', '--min-frames', '30', '--stay'];
  console.log(`starting: ${peerProgram} ${args.join(' ')}`);
  const child = spawn(peerProgram, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const peer = { child, stdout: '', stderr: '', exit: null };
  let partial = '';
  child.stdout.on('data', (chunk) => { peer.stdout += chunk; });
  child.stderr.on('data', (chunk) => {
    peer.stderr += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) console.log(`  | ${line}`);
  });
  peer.exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    peer.exit = { code, signal };
    resolve(peer.exit);
  }));
  return peer;
}

const browser = await launchChromium({ videoFile: `${mediaDir}/a.y4m`, audioFile: `${mediaDir}/a.wav`, label: 'Room A', rawAudio: true });
let peer = null;
try {
  const page = await browser.context.newPage();
  await page.goto(`${baseUrl}/?conference=${conference}&name=${encodeURIComponent('Room A')}&autojoin=1`);
  const joined = await expect('Chromium is in the call, alone on the roster', () => readBrowser(page),
    (r) => r.phase === 'in-call' && r.participants.length === 1);
  console.log(`Chromium: ${JSON.stringify(joined.video)}`);

  peer = startPeer();
  const withPeer = await expect(`the browser's roster lists "${PEER_NAME}" second`, () => readBrowser(page),
    (r) => r.participants.length === 2 && r.participants[1].name === PEER_NAME);
  const peerId = withPeer.participants[1].participant;

  // (its size is the canvas's or, after mcud moved it to the low profile, smaller)
  const video = await expect('the browser still decodes VP8', () => readBrowser(page),
    (r) => r.video.mimeType === 'video/VP8' && r.video.framesDecoded > 10);
  console.log(`Chromium inbound video: ${JSON.stringify(video.video)}`);
  await expect('the browser\'s red is in cell 0', () => readCells(page, gridCells('2x2')),
    (p) => colourName(p.cells[0]) === 'red');
  await expect('webrtcbin\'s green (H.264 High profile, B-frames) is in cell 1',
    () => readCells(page, gridCells('2x2')), (p) => colourName(p.cells[1]) === 'green');
  const tones = await expect(`the browser hears webrtcbin's ${PEER_HZ} Hz, not its own ${BROWSER_HZ} Hz`,
    () => toneLevels(page, [PEER_HZ, BROWSER_HZ]),
    (t) => t[PEER_HZ].level >= PRESENT_DB && t[BROWSER_HZ].level < t[PEER_HZ].level - ABSENT_MARGIN_DB);
  console.log(`tones: ${JSON.stringify(tones)}`);

  const goal = await poll(WAIT_SECONDS, () => peer.stderr.includes('goal reached') || peer.exit);
  if (goal !== true) throw new CheckFailed('webrtc_peer did not reach its goal (30 frames and some audio)', peer.exit);
  peer.child.kill('SIGTERM');
  const exit = await Promise.race([peer.exited, new Promise((resolve) => setTimeout(resolve, 10000, null))]);
  if (!exit) throw new CheckFailed('webrtc_peer did not exit within 10 s of SIGTERM');
  process.stdout.write(peer.stdout);
  if (exit.code !== 0) throw new CheckFailed(`webrtc_peer exited with ${JSON.stringify(exit)}`);
  const summary = peer.stdout.split('\n').find((line) => line.startsWith('webrtc_peer: result=')) || '';
  for (const want of ['result=ok', 'answer_video_codec=H264', 'received_video_codec=H264',
    'video_decoder=avdec_h264', `resolution=${canvasSize}`, 'dtls=connected']) {
    if (!` ${summary} `.includes(` ${want} `)) throw new CheckFailed(`expected ${want} in webrtc_peer's summary: ${summary}`);
  }
  if (!/answer (received: )?video.*profile-level-id=64001f/.test(peer.stderr + peer.stdout)) {
    throw new CheckFailed('the answer did not keep the offer\'s High profile-level-id 64001f');
  }
  console.log('ok: webrtc_peer decoded H.264 at the canvas size and exited 0; the answer says High profile');

  await expect('the browser gets participant_left for the webrtcbin room and lists only itself',
    () => readBrowser(page), (r) => r.events.some((e) => e.type === 'participant_left' && e.participant === peerId)
      && r.participants.length === 1 && r.phase === 'in-call' && !r.lastError);
} catch (error) {
  console.error(`FAIL: ${error.message}`);
  if (error.reading) console.error(JSON.stringify(error.reading, null, 2));
  else if (!(error instanceof CheckFailed)) console.error(error.stack);
  process.exitCode = 1;
} finally {
  if (peer && !peer.exit) {
    peer.child.kill('SIGKILL');
    await peer.exited;
  }
  await browser.close();
}
