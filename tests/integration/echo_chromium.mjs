// echo_chromium.mjs - headless Chromium joins mcud's `echo` conference through the web
// client (autojoin URL) and must decode its own video and hear its own audio back; the
// mute buttons disable the sent tracks; it leaves cleanly; and joining an unknown
// conference shows the server's error. Usage:
//   node echo_chromium.mjs http://127.0.0.1:PORT SCREENSHOT.png   (exit 0 = pass)
import { launchChromium } from './chromium.mjs';
import { CheckFailed, expectWithin, reportFailure } from './call_checks.mjs';

const [baseUrl, screenshotPath] = process.argv.slice(2);
const MIN_FRAMES_DECODED = 60;

const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(`${baseUrl}/?conference=echo&name=Test&autojoin=1`);

  const video = await expectWithin(`more than ${MIN_FRAMES_DECODED} video frames decoded`, page,
    (call) => call.inbound.video?.framesDecoded > MIN_FRAMES_DECODED);
  const v = video.inbound.video;
  console.log(`video: ${v.framesDecoded} frames decoded, ${v.frameWidth}x${v.frameHeight}`);

  const audio = await expectWithin('audible audio received and played', page, (call) => {
    const a = call.inbound.audio;
    return a?.packetsReceived > 0 && (a.totalAudioEnergy > 0 || a.audioLevel > 0)
      && !call.mix.muted && !call.mix.paused;
  });
  const a = audio.inbound.audio;
  console.log(`audio: ${a.packetsReceived} packets, totalAudioEnergy ${a.totalAudioEnergy}`);

  await expectWithin('the page shows ICE/DTLS and the server media as connected', page,
    (call) => call.state.connection === 'connected' && call.state.media === 'connected');
  await page.screenshot({ path: screenshotPath });

  await page.click('#mute-audio');
  await page.click('#mute-video');
  await expectWithin('the mute buttons disable the sent audio and video tracks', page,
    (call) => call.state.audioMuted && call.state.videoMuted && !call.sending.audio && !call.sending.video);
  await page.click('#mute-audio');
  await page.click('#mute-video');
  await expectWithin('pressed again, they enable them again', page,
    (call) => !call.state.audioMuted && !call.state.videoMuted && call.sending.audio && call.sending.video);

  await page.click('#leave');
  const left = await expectWithin('the page left the conference', page, (call) => call.state.phase === 'left');
  if (left.lastError) throw new CheckFailed('the page shows an error after leaving', left);
  console.log('left the conference cleanly');

  await page.goto(`${baseUrl}/?conference=no-such-conference&name=Test&autojoin=1`);
  await expectWithin('an unknown conference shows the server error unknown_conference', page,
    (call) => call.state.phase === 'failed' && call.lastError?.code === 'unknown_conference'
      && call.errorBanner.includes('unknown_conference'));
  console.log('unknown conference: the page shows unknown_conference');
} catch (error) {
  reportFailure(error);
  process.exitCode = 1;
} finally {
  await browser.close();
}
