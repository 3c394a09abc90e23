// echo_chromium.mjs - headless Chromium joins mcud's `echo` conference through the web
// client (autojoin URL) and must decode its own video and hear its own audio back (its
// red picture and its 450 Hz tone, measured in the page with media_probe.mjs); echo
// has no roster, so the participant list stays hidden; the mute buttons disable the
// sent tracks; it leaves cleanly; and joining an unknown conference shows the server's
// error. Usage:
//   node echo_chromium.mjs http://127.0.0.1:PORT SCREENSHOT.png VIDEO.y4m AUDIO.wav
// with VIDEO red and AUDIO a 450 Hz sine (lib.sh make_room_media). Exit 0 = pass.
import { launchChromium, poll } from './chromium.mjs';
import { CheckFailed, WAIT_SECONDS, expectWithin, reportFailure } from './call_checks.mjs';
import { colourName, readCells, toneLevels } from './media_probe.mjs';

const [baseUrl, screenshotPath, videoFile, audioFile] = process.argv.slice(2);
const MIN_FRAMES_DECODED = 60;   // within WAIT_SECONDS (10 s): 2 s of the 30 fps fake camera

const browser = await launchChromium({ videoFile, audioFile });
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

  let picture = null;
  if (!await poll(WAIT_SECONDS, async () => {
    picture = await readCells(page, [{ x: 0, y: 0, w: 1, h: 1 }]);
    return picture.width && colourName(picture.cells[0]) === 'red';
  })) throw new CheckFailed(`the picture that came back is not our red: ${JSON.stringify(picture)}`);
  let tones = null;
  if (!await poll(WAIT_SECONDS, async () => {
    tones = await toneLevels(page, [450, 770]);
    return tones[450].level > -60 && tones[770].level < tones[450].level - 25;
  })) throw new CheckFailed(`the sound that came back is not our 450 Hz tone: ${JSON.stringify(tones)}`);
  console.log(`content: picture ${picture.width}x${picture.height} ${JSON.stringify(picture.cells[0])}, tones ${JSON.stringify(tones)}`);
  const roster = await expectWithin('echo has no roster: the participant list stays hidden', page,
    (call) => call.rosterText === '' && call.state.participants.length === 0 && !call.state.layout);
  if (roster.state.confirmedAudioMuted !== null) throw new CheckFailed('echo confirmed a mute state', roster);

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
