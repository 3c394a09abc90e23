// sdp_chromium_answer.mjs - driver for test_sdp_chromium_answer.sh: a fresh offer from
// headless Chromium is answered by the sdp-answer tool (libsignaling), and the answer
// must be accepted by Chromium's setRemoteDescription() with the negotiated
// directions and codecs the MCU's rules promise. Once per video preference (vp8, h264).
//
//   node tests/integration/sdp_chromium_answer.mjs PATH/TO/sdp-answer
//
// Prints one line per check; exits non-zero on the first failure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { launchChromium } from './chromium.mjs';

const tool = process.argv[2];
if (!tool || !existsSync(tool)) throw new Error(`usage: sdp_chromium_answer.mjs PATH/TO/sdp-answer (got ${tool})`);

function check(cond, what) {
  if (!cond) throw new Error(`FAIL: ${what}`);
  console.log(`ok: ${what}`);
}

const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.route('http://localhost/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>sdp</title>' }));
  await page.goto('http://localhost/');
  await page.evaluate(async () => {
    window.stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  });

  for (const prefer of ['vp8', 'h264']) {
    const offer = await page.evaluate(async () => {
      const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
      window.pc = pc;
      for (const track of window.stream.getTracks())
        pc.addTransceiver(track, { direction: 'sendrecv', streams: [window.stream] });
      pc.createDataChannel('chat');               // an m=application the MCU must refuse
      await pc.setLocalDescription(await pc.createOffer());
      return pc.localDescription.sdp;
    });
    check(/m=application/.test(offer), `${prefer}: offer has a data channel section`);
    const run = spawnSync(tool, ['--prefer', prefer,
      '--candidate', 'candidate:1 1 udp 2130706431 127.0.0.1 9999 typ host'],
      { input: offer, encoding: 'utf8' });
    check(run.status === 0, `${prefer}: sdp-answer answered (${run.stderr.trim()})`);
    const answer = run.stdout;
    const negotiated = JSON.parse(run.stderr);
    check(negotiated.video_codec === prefer.toUpperCase(), `${prefer}: negotiated video ${negotiated.video_codec}`);
    const result = await page.evaluate(async (sdp) => {
      const pc = window.pc;
      try {
        await pc.setRemoteDescription({ type: 'answer', sdp });
      } catch (e) {
        return { error: String(e) };
      }
      return {
        signaling: pc.signalingState,
        transceivers: pc.getTransceivers().map((t) => ({
          mid: t.mid, kind: t.receiver.track.kind, direction: t.currentDirection,
          codecs: t.sender.getParameters().codecs.map((c) => ({ mime: c.mimeType, fmtp: c.sdpFmtpLine || '' })),
        })),
        sctp: pc.sctp ? pc.sctp.state : null,
      };
    }, answer);
    check(!result.error, `${prefer}: setRemoteDescription(answer) accepted ${result.error || ''}`);
    check(result.signaling === 'stable', `${prefer}: signalingState stable`);
    const audio = result.transceivers.find((t) => t.kind === 'audio');
    const video = result.transceivers.find((t) => t.kind === 'video');
    check(audio && audio.direction === 'sendrecv', `${prefer}: audio currentDirection sendrecv (${audio && audio.direction})`);
    check(video && video.direction === 'sendrecv', `${prefer}: video currentDirection sendrecv (${video && video.direction})`);
    check(audio.codecs.length >= 1 && audio.codecs[0].mime.toLowerCase() === 'audio/opus',
      `${prefer}: audio codec ${audio.codecs.map((c) => c.mime).join(',')}`);
    const want = prefer === 'vp8' ? 'video/vp8' : 'video/h264';
    check(video.codecs.length >= 1 && video.codecs.every((c) => c.mime.toLowerCase() === want),
      `${prefer}: video codecs ${video.codecs.map((c) => `${c.mime} ${c.fmtp}`).join(',')}`);
    if (prefer === 'h264')
      check(/packetization-mode=1/.test(video.codecs[0].fmtp) && /profile-level-id=42(e0|c0|00)/i.test(video.codecs[0].fmtp),
        `h264: packetization-mode=1, constrained baseline`);
    check(result.sctp === null, `${prefer}: data channel refused (no SCTP transport)`);
    await page.evaluate(() => window.pc.close());
  }
} finally {
  await browser.close();
}
