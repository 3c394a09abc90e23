// web_mix_firefox.mjs - the browser half of test_web_mix_firefox.sh: the web client in
// Firefox ESR and Chromium, in Vietnamese and English, in one 2x2 `mix` conference.
//
//   1. room A (headless Chromium, a red camera, a browser that prefers English) joins:
//      its page is in English and shows the meeting's title;
//   2. room B (headless Firefox ESR, its built-in fake camera, a browser that prefers
//      Vietnamese) joins with the page's join link, its name written decomposed (NFD):
//      its page is in Vietnamese, lists both rooms, shows the title, and decodes the
//      composite: A's red in cell 0 and its own picture in cell 1 (not an empty cell);
//      A's page lists B's name in NFC and sees B's picture in cell 1;
//   3. on both pages the self-view is beside the picture, not over it;
//   4. B mutes its microphone with the button (in Vietnamese): A's roster shows it;
//   5. A switches its page to Vietnamese with the language button, and B its page to
//      English; A's full-screen button shows the picture alone and back;
//   6. B leaves with the button: its page says it left with no error, A's roster no
//      longer lists it.
// Screenshots: OUT/web_client_en_chromium.png (A in English, step 4),
// OUT/web_client_vi_firefox.png (B in Vietnamese, step 4), OUT/web_client_vi_chromium.png
// (A in Vietnamese, step 5). Usage:
//   node web_mix_firefox.mjs http://127.0.0.1:PORT CONFERENCE MEDIA_DIR OUT
// MEDIA_DIR holds a.y4m/a.wav (lib.sh make_room_media). Exit 0 = pass.
import { launchChromium, poll } from './chromium.mjs';
import { launchFirefox } from './firefox.mjs';
import { expectWithin, reportFailure, CheckFailed } from './call_checks.mjs';
import { gridCells, readCells, colourName } from './media_probe.mjs';

const [baseUrl, conference, mediaDir, outDir] = process.argv.slice(2);
const CELLS = gridCells('2x2');
const TITLE = 'Giao ban trực tuyến Sở Tư pháp';
const A = 'Room A (Chromium)';
const B = 'Phòng B (Firefox)';
const EMPTY = ['black', 'placeholder'];
const PICTURE_WAIT_SECONDS = 20;

function joinUrl(name) {
  return `${baseUrl}/?${new URLSearchParams({ conference, name, autojoin: '1' })}`;
}

// What a person sees: the page's language, its buttons' words, the title on the
// picture, the banner, and whether the self-view overlaps the picture.
function readPage(page) {
  return page.evaluate(() => {
    const text = (id) => document.getElementById(id).textContent.trim();
    const box = (id) => document.getElementById(id).getBoundingClientRect();
    const stage = box('stage');
    const self = box('local');
    const overlap = Math.max(0, Math.min(stage.right, self.right) - Math.max(stage.left, self.left))
      * Math.max(0, Math.min(stage.bottom, self.bottom) - Math.max(stage.top, self.top));
    return {
      language: window.hoinghi.language,
      htmlLang: document.documentElement.lang,
      leave: text('leave'),
      muteAudio: text('mute-audio'),
      fullscreen: text('fullscreen'),
      fullscreenElement: document.fullscreenElement ? document.fullscreenElement.id : '',
      title: text('call-title'),
      roster: document.getElementById('roster').textContent,
      banner: document.getElementById('error').hidden ? '' : text('error'),
      selfView: { width: self.width, height: self.height, overlap },
    };
  });
}

async function expectPage(description, page, holds) {
  let reading = null;
  const ok = await poll(PICTURE_WAIT_SECONDS, async () => {
    reading = await readPage(page);
    return holds(reading);
  });
  if (!ok) throw new CheckFailed(`not within ${PICTURE_WAIT_SECONDS} s: ${description}`, reading);
  console.log(`ok: ${description}: ${JSON.stringify({ ...reading, roster: undefined })}`);
  return reading;
}

// Polls the page's composite until holds(colours), at most PICTURE_WAIT_SECONDS.
async function expectPicture(description, page, holds) {
  let colours = [];
  const ok = await poll(PICTURE_WAIT_SECONDS, async () => {
    colours = (await readCells(page, CELLS)).cells.map(colourName);
    return colours.length > 0 && holds(colours);
  });
  if (!ok) throw new Error(`not within ${PICTURE_WAIT_SECONDS} s: ${description} (cells: ${colours.join(', ')})`);
  console.log(`ok: ${description}: ${colours.join(', ')}`);
}

const names = (call) => call.state.participants.map((p) => p.name).sort().join(' | ');
const selfBeside = (r) => r.selfView.width > 50 && r.selfView.height > 30 && r.selfView.overlap === 0;

let chromium = null;
let firefox = null;
try {
  chromium = await launchChromium({ videoFile: `${mediaDir}/a.y4m`, audioFile: `${mediaDir}/a.wav`, label: 'A',
    extraArgs: ['--lang=en-US'] });
  firefox = await launchFirefox({ label: 'B', prefs: { 'intl.accept_languages': 'vi-VN, vi' } });

  // 1. A, in English
  const a = await chromium.context.newPage();
  await a.goto(joinUrl(A));
  await expectWithin(`${A} is in the call`, a, (c) => c.state.phase === 'in-call');
  await expectPage(`${A}'s page is in English with the meeting's title`, a, (r) =>
    r.language === 'en' && r.htmlLang === 'en' && r.leave === 'Leave' && r.muteAudio === 'Mute mic'
    && r.fullscreen === 'Full screen' && r.title.startsWith(TITLE) && r.banner === '');

  // 2. B, in Vietnamese, its name decomposed in the link
  const b = await firefox.newPage();
  await b.goto(joinUrl(B.normalize('NFD')));
  const call = await expectWithin(`${B} is in the call and lists both rooms (names in NFC)`, b, (c) =>
    c.state.phase === 'in-call' && names(c) === [A, B].sort().join(' | ') && !c.lastError);
  console.log(`${B}: in the call as ${call.state.participant}, ICE ${call.state.ice}`);
  await expectPage(`${B}'s page is in Vietnamese with the meeting's title`, b, (r) =>
    r.language === 'vi' && r.htmlLang === 'vi' && r.leave === 'Rời cuộc họp' && r.muteAudio === 'Tắt micrô'
    && r.fullscreen === 'Toàn màn hình' && r.title.startsWith(TITLE) && r.roster.includes('Các điểm cầu')
    && r.roster.includes('bạn') && r.banner === '');
  await expectWithin(`${B} decodes the composite`, b, (c) => c.inbound.video?.framesDecoded > 30);
  await expectPicture(`${B} sees A's red in cell 0 and its own picture in cell 1`, b,
    (cells) => cells[0] === 'red' && !EMPTY.includes(cells[1]));
  await expectWithin(`${A} lists ${B} in NFC`, a, (c) => names(c) === [A, B].sort().join(' | '));
  await expectPicture(`${A} sees B's picture in cell 1`, a,
    (cells) => cells[0] === 'red' && !EMPTY.includes(cells[1]));

  // 3. the self-view beside the picture
  await expectPage(`${A}'s self-view is beside the picture`, a, selfBeside);
  await expectPage(`${B}'s self-view is beside the picture`, b, selfBeside);

  // 4. B mutes its microphone
  await b.click('#mute-audio');
  await expectWithin(`${A}'s roster shows ${B}'s microphone off`, a, (c) =>
    c.state.participants.some((p) => p.name === B && p.audio_muted) && c.rosterText.includes('mic off'));
  await expectPage(`${B}'s button now says unmute, in Vietnamese`, b, (r) => r.muteAudio === 'Bật micrô');
  await a.screenshot({ path: `${outDir}/web_client_en_chromium.png` });
  await b.screenshot({ path: `${outDir}/web_client_vi_firefox.png` });

  // 5. A switches to Vietnamese
  await a.click('#language');
  await expectPage(`${A}'s page is in Vietnamese after the language button`, a, (r) =>
    r.language === 'vi' && r.leave === 'Rời cuộc họp' && r.roster.includes('micrô tắt') && r.roster.includes('bạn'));
  await a.screenshot({ path: `${outDir}/web_client_vi_chromium.png` });
  await b.click('#language');
  await expectPage(`${B}'s page is in English after the language button`, b, (r) =>
    r.language === 'en' && r.htmlLang === 'en' && r.leave === 'Leave' && r.muteAudio === 'Unmute mic'
    && r.roster.includes('Participants') && r.roster.includes('you') && r.title.endsWith('in the meeting'));
  await a.click('#fullscreen');
  await expectPage(`${A}'s picture is full screen`, a, (r) =>
    r.fullscreenElement === 'stage' && r.fullscreen === 'Thoát toàn màn hình');
  await a.click('#fullscreen');
  await expectPage(`${A}'s picture is back in the page`, a, (r) =>
    r.fullscreenElement === '' && r.fullscreen === 'Toàn màn hình');

  // 6. B leaves
  await b.click('#leave');
  await expectWithin(`${B} left`, b, (c) => c.state.phase === 'left' && !c.lastError);
  await expectWithin(`${A}'s roster no longer lists ${B}`, a, (c) => names(c) === A);
  console.log(`${B} left: gone from ${A}'s roster`);
} catch (error) {
  reportFailure(error);
  process.exitCode = 1;
} finally {
  if (firefox) await firefox.close().catch((error) => console.error(`firefox close: ${error.message}`));
  if (chromium) await chromium.close().catch((error) => console.error(`chromium close: ${error.message}`));
}
