// web_mix_chromium.mjs - two web-client pages in one mixing conference: both decode the
// mixed picture, the first hears the second, both list both participants (names in
// UTF-8, each marked as "you" on its own page), the second's mute shows on the first
// page's roster, and its leaving removes it there. Usage:
//   node web_mix_chromium.mjs http://127.0.0.1:PORT CONFERENCE   (exit 0 = pass)
import { launchChromium } from './chromium.mjs';
import { expectWithin, reportFailure } from './call_checks.mjs';

const [baseUrl, conference] = process.argv.slice(2);
const FIRST = 'Sở Y tế Hà Nội';
const SECOND = 'Room 2';
const MIN_FRAMES_DECODED = 30;

async function joinAs(browser, name) {
  const page = await browser.context.newPage();
  const query = new URLSearchParams({ conference, name, autojoin: '1' });
  await page.goto(`${baseUrl}/?${query}`);
  await expectWithin(`${name} is in the call`, page, (call) => call.state.phase === 'in-call');
  return page;
}

function rosterNames(call) {
  return call.state.participants.map((p) => p.name).sort();
}

function ownEntry(call) {
  return call.state.participants.find((p) => p.participant === call.state.participant);
}

const browser = await launchChromium();
try {
  const first = await joinAs(browser, FIRST);
  const second = await joinAs(browser, SECOND);

  for (const [page, name] of [[first, FIRST], [second, SECOND]]) {
    const call = await expectWithin(`${name} decodes the mix and lists both participants`, page, (c) =>
      c.inbound.video?.framesDecoded > MIN_FRAMES_DECODED
      && JSON.stringify(rosterNames(c)) === JSON.stringify([FIRST, SECOND].sort())
      && ownEntry(c)?.name === name
      && c.rosterText.includes(FIRST) && c.rosterText.includes(SECOND) && c.rosterText.includes('you'));
    console.log(`${name}: ${call.inbound.video.framesDecoded} frames of ${call.inbound.video.frameWidth}x${call.inbound.video.frameHeight}, roster ${rosterNames(call).join(', ')}`);
  }

  await expectWithin(`${FIRST} hears ${SECOND}`, first, (c) =>
    c.inbound.audio?.packetsReceived > 0 && (c.inbound.audio.totalAudioEnergy > 0 || c.inbound.audio.audioLevel > 0));

  await second.click('#mute-audio');
  await expectWithin(`${FIRST}'s roster shows ${SECOND}'s microphone off`, first, (c) =>
    c.state.participants.some((p) => p.name === SECOND && p.audio_muted) && c.rosterText.includes('mic off'));
  console.log(`${SECOND} muted: shown on ${FIRST}'s page`);

  await second.click('#leave');
  await expectWithin(`${SECOND} left`, second, (c) => c.state.phase === 'left' && !c.lastError);
  await expectWithin(`${FIRST}'s roster no longer lists ${SECOND}`, first, (c) =>
    JSON.stringify(rosterNames(c)) === JSON.stringify([FIRST]) && !c.rosterText.includes(SECOND));
  console.log(`${SECOND} left: gone from ${FIRST}'s roster`);

  await first.click('#leave');
  await expectWithin(`${FIRST} left`, first, (c) => c.state.phase === 'left' && !c.lastError);
} catch (error) {
  reportFailure(error);
  process.exitCode = 1;
} finally {
  await browser.close();
}
