// web_mix_firefox.mjs - the browser half of test_web_mix_firefox.sh: Firefox ESR and
// Chromium in one 2x2 `mix` conference through the web client.
//
//   1. room A (headless Chromium, a red camera) joins, then room B (headless Firefox
//      ESR, its built-in fake camera) joins with the page's join link;
//   2. Firefox's page is in the call, lists both rooms and decodes the composite:
//      A's red in cell 0 and its own picture in cell 1 (not an empty cell);
//   3. A's page sees B's picture in cell 1 (Firefox's video reached the MCU);
//   4. B leaves with the Leave button: its page says it left with no error, and A's
//      roster no longer lists it.
// A screenshot of Firefox's page in the call is written to SCREENSHOT. Usage:
//   node web_mix_firefox.mjs http://127.0.0.1:PORT CONFERENCE MEDIA_DIR SCREENSHOT.png
// MEDIA_DIR holds a.y4m/a.wav (lib.sh make_room_media). Exit 0 = pass.
import { launchChromium, poll } from './chromium.mjs';
import { launchFirefox } from './firefox.mjs';
import { expectWithin, reportFailure } from './call_checks.mjs';
import { gridCells, readCells, colourName } from './media_probe.mjs';

const [baseUrl, conference, mediaDir, screenshotPath] = process.argv.slice(2);
const CELLS = gridCells('2x2');
const A = 'Room A (Chromium)';
const B = 'Phòng B (Firefox)';
const EMPTY = ['black', 'placeholder'];
const PICTURE_WAIT_SECONDS = 20;

function joinUrl(name) {
  return `${baseUrl}/?${new URLSearchParams({ conference, name, autojoin: '1' })}`;
}

async function cellColours(page) {
  const picture = await readCells(page, CELLS);
  return picture.cells.map(colourName);
}

// Polls the page's composite until holds(colours), at most PICTURE_WAIT_SECONDS.
async function expectPicture(description, page, holds) {
  let colours = [];
  const ok = await poll(PICTURE_WAIT_SECONDS, async () => {
    colours = await cellColours(page);
    return colours.length > 0 && holds(colours);
  });
  if (!ok) throw new Error(`not within ${PICTURE_WAIT_SECONDS} s: ${description} (cells: ${colours.join(', ')})`);
  console.log(`ok: ${description}: ${colours.join(', ')}`);
}

const names = (call) => call.state.participants.map((p) => p.name).sort().join(' | ');

let chromium = null;
let firefox = null;
try {
  chromium = await launchChromium({ videoFile: `${mediaDir}/a.y4m`, audioFile: `${mediaDir}/a.wav`, label: 'A' });
  firefox = await launchFirefox({ label: 'B' });
  const a = await chromium.context.newPage();
  await a.goto(joinUrl(A));
  await expectWithin(`${A} is in the call`, a, (c) => c.state.phase === 'in-call');

  const b = await firefox.newPage();
  await b.goto(joinUrl(B));
  const call = await expectWithin(`${B} is in the call and lists both rooms`, b, (c) =>
    c.state.phase === 'in-call' && names(c) === [A, B].sort().join(' | ') && !c.lastError);
  console.log(`${B}: in the call as ${call.state.participant}, ICE ${call.state.ice}`);
  await expectWithin(`${B} decodes the composite`, b, (c) => c.inbound.video?.framesDecoded > 30);

  await expectPicture(`${B} sees A's red in cell 0 and its own picture in cell 1`, b,
    (cells) => cells[0] === 'red' && !EMPTY.includes(cells[1]));
  await expectPicture(`${A} sees B's picture in cell 1`, a,
    (cells) => cells[0] === 'red' && !EMPTY.includes(cells[1]));
  await b.screenshot({ path: screenshotPath });

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
