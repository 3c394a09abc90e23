// conference_chromium.mjs - the browser half of test_conference_chromium.sh: headless
// Chromium rooms, each sending a solid colour and a sine tone of its own, meet in one
// `mix` conference with a 2x2 layout, and each checks what it receives.
//
//   1. rooms A (red, 540 Hz), B (green, 720 Hz), C (blue, 990 Hz) join in that order:
//      every roster lists A, B, C with the layout name; every room's picture has red,
//      green, blue in cells 0, 1, 2 (join order, row-major); every room hears the two
//      other rooms' tones and not its own (minus-self);
//   2. B leaves: A and C get `participant_left` for B, C moves up into B's cell 1 and
//      cell 2 is empty (no hole: the cells fill in join order), and B's tone leaves
//      their sound;
//   3. D (yellow, 1350 Hz) joins late: it shows in cell 2, after C, on every picture,
//      the others list it, and D hears A and C but not itself;
//   4. C mutes microphone and camera with its buttons (the `mute` request): C's page
//      shows the server-confirmed mute, A's and D's rosters show C muted, C's tone
//      leaves their sound and C's cell shows the placeholder.
// A screenshot of A's page after step 3 is written to SCREENSHOT. Usage:
//   node conference_chromium.mjs http://127.0.0.1:PORT CONFERENCE MEDIA_DIR SCREENSHOT.png
// MEDIA_DIR holds a.y4m/a.wav ... d.y4m/d.wav (lib.sh make_room_media). Exit 0 = pass.
import { launchChromium, poll } from './chromium.mjs';
import { gridCells, readCells, toneLevels, colourName } from './media_probe.mjs';

const [baseUrl, conference, mediaDir, screenshotPath] = process.argv.slice(2);
const WAIT_SECONDS = 20;
const CELLS = gridCells('2x2');
// A tone is heard above this level (dBFS as the analyser reports it; with rawAudio a
// room's tone comes out of the mix near -32) and is gone when at least ABSENT_MARGIN
// under the weakest tone heard (the codec leaves a floor, not silence: a room's own
// tone measures 30-50 dB under the others in its minus-self mix; one that leaked in
// would be level with them).
const PRESENT_DB = -50;
const ABSENT_MARGIN_DB = 20;

const ROOMS = {
  a: { name: 'Room A', colour: 'red', hz: 540 },
  b: { name: 'Room B', colour: 'green', hz: 720 },
  c: { name: 'Room C', colour: 'blue', hz: 990 },
  d: { name: 'Room D', colour: 'yellow', hz: 1350 },
};
const ALL_TONES = Object.values(ROOMS).map((r) => r.hz);

class CheckFailed extends Error {
  constructor(message, reading) {
    super(message);
    this.reading = reading;
  }
}

async function openRoom(key) {
  const room = ROOMS[key];
  room.key = key;
  room.browser = await launchChromium({
    videoFile: `${mediaDir}/${key}.y4m`, audioFile: `${mediaDir}/${key}.wav`, label: room.name, rawAudio: true,
  });
  room.page = await room.browser.context.newPage();
  console.log(`${elapsed()} ${room.name}: browser launched`);
  return room;
}

async function join(room) {
  await room.page.goto(`${baseUrl}/?conference=${conference}&name=${encodeURIComponent(room.name)}&autojoin=1`);
  console.log(`${elapsed()} ${room.name}: page loaded`);
  const joined = await poll(WAIT_SECONDS, () => room.page.evaluate(() => {
    const h = window.hoinghi;
    return h.state.phase === 'in-call' && h.participants.length > 0 ? h.state.participant : null;
  }));
  if (!joined) throw new CheckFailed(`${room.name} did not get into the call`, await readState(room));
  room.id = joined;
  console.log(`${elapsed()} ${room.name} joined as ${room.id}`);
}

function readState(room) {
  return room.page.evaluate(() => {
    const h = window.hoinghi;
    return {
      phase: h.state.phase,
      lastError: h.lastError,
      participant: h.state.participant,
      participants: h.participants,
      layout: h.layout,
      activeSpeaker: h.activeSpeaker,
      confirmed: { audio: h.state.confirmedAudioMuted, video: h.state.confirmedVideoMuted },
      events: h.events.map((e) => ({ ...e })),
    };
  });
}

// The cell colour names of room's current picture.
async function readPicture(room) {
  const picture = await readCells(room.page, CELLS);
  return { size: `${picture.width}x${picture.height}`, cells: picture.cells.map(colourName), rgb: picture.cells };
}

// Polls until check(reading, room) holds on every room's page (the rooms in parallel);
// reading = read(room).
async function expectAll(description, rooms, read, check) {
  await Promise.all(rooms.map(async (room) => {
    let reading = null;
    const ok = await poll(WAIT_SECONDS, async () => {
      reading = await read(room);
      return check(reading, room);
    });
    if (!ok) throw new CheckFailed(`not within ${WAIT_SECONDS} s on ${room.name}'s page: ${description}`, reading);
    console.log(`${elapsed()} ok (${room.name}): ${description}: ${JSON.stringify(reading.cells || reading.tones || '')}`);
  }));
}

// Every listener hears the tones of the `speaking` rooms but its own, and no other
// room's tone (own, departed, muted or not yet there).
function expectHearing(description, listeners, speaking) {
  return expectAll(description, listeners, readTones, ({ tones }, room) => {
    const heard = speaking.filter((r) => r !== room).map((r) => r.hz);
    const levels = heard.map((hz) => tones[hz].level);
    if (levels.some((level) => level < PRESENT_DB)) return false;
    const weakest = Math.min(...levels);
    return ALL_TONES.filter((hz) => !heard.includes(hz)).every((hz) => tones[hz].level < weakest - ABSENT_MARGIN_DB);
  });
}

const readTones = async (room) => ({ tones: await toneLevels(room.page, ALL_TONES) });
const names = (participants) => participants.map((p) => p.name);
const started = Date.now();
const elapsed = () => `[${((Date.now() - started) / 1000).toFixed(1)} s]`;

const opened = [];
try {
  const { a, b, c, d } = ROOMS;
  // All four browsers at once (D waits without a page load until step 3).
  opened.push(...await Promise.all(['a', 'b', 'c', 'd'].map(openRoom)));

  // 1. three rooms, one after the other (join order = cell order)
  for (const room of [a, b, c]) await join(room);
  await expectAll('the roster lists A, B, C in join order with the layout 2x2', [a, b, c], readState,
    (s) => names(s.participants).join() === 'Room A,Room B,Room C' && s.layout === '2x2'
      && s.participants.every((p) => !p.audio_muted && !p.video_muted));
  await expectAll('red, green, blue in cells 0, 1, 2', [a, b, c], readPicture,
    (p) => p.cells[0] === 'red' && p.cells[1] === 'green' && p.cells[2] === 'blue');
  await expectHearing('hears the two others, not itself', [a, b, c], [a, b, c]);
  const speaker = await readState(a);
  if (speaker.activeSpeaker !== null && !speaker.participants.some((p) => p.participant === speaker.activeSpeaker)) {
    throw new CheckFailed('the active speaker is nobody on the roster', speaker);
  }

  // 2. B leaves
  await b.page.click('#leave');
  const bLeft = await poll(WAIT_SECONDS, () => b.page.evaluate(() => window.hoinghi.state.phase === 'left'));
  if (!bLeft) throw new CheckFailed('Room B could not leave', await readState(b));
  await expectAll('participant_left for B arrives and B is off the roster', [a, c], readState,
    (s) => s.events.some((e) => e.type === 'participant_left' && e.participant === b.id)
      && names(s.participants).join() === 'Room A,Room C');
  // No hole: C moves up into B's cell and the empty cell (black) is after it.
  await expectAll('B\'s picture is gone, C moves up into cell 1, cell 2 is empty', [a, c], readPicture,
    (p) => p.cells[0] === 'red' && p.cells[1] === 'blue' && p.cells[2] === 'black' && p.cells[3] === 'black');
  await expectHearing('B\'s tone is gone: A and C hear only each other', [a, c], [a, c]);

  // 3. D joins late
  await join(d);
  // (D's own roster comes from `participants`, in the server's order; the others
  // append D as it arrives: compare as sets)
  await expectAll('D is on every roster', [a, c, d], readState,
    (s) => names(s.participants).sort().join() === 'Room A,Room C,Room D');
  await expectAll('D\'s yellow shows in cell 2, after C; red and blue stay in cells 0 and 1', [a, c, d], readPicture,
    (p) => p.cells[0] === 'red' && p.cells[1] === 'blue' && p.cells[2] === 'yellow' && p.cells[3] === 'black');
  await expectHearing('A, C, D hear the two others, not themselves', [a, c, d], [a, c, d]);
  await a.page.screenshot({ path: screenshotPath });

  // 4. C mutes microphone and camera with its buttons
  await c.page.click('#mute-audio');
  await c.page.click('#mute-video');
  await expectAll('C\'s page shows the server-confirmed mute, its own row muted', [c], readState,
    (s) => s.confirmed.audio === true && s.confirmed.video === true
      && s.participants.find((p) => p.participant === c.id)?.audio_muted
      && s.participants.find((p) => p.participant === c.id)?.video_muted);
  await expectAll('the roster shows C muted (microphone and camera)', [a, d], readState,
    (s) => s.participants.some((p) => p.participant === c.id && p.audio_muted && p.video_muted)
      && s.participants.filter((p) => p.participant !== c.id).every((p) => !p.audio_muted && !p.video_muted));
  await expectHearing('C\'s tone is gone: A and D hear only each other', [a, d], [a, d]);
  await expectAll('C\'s cell shows the placeholder', [a, d], readPicture,
    (p) => p.cells[0] === 'red' && p.cells[1] === 'placeholder' && p.cells[2] === 'yellow');

  for (const room of [a, c, d]) {
    const s = await readState(room);
    if (s.lastError || s.phase !== 'in-call') throw new CheckFailed(`${room.name}'s page is not well`, s);
  }
} catch (error) {
  console.error(`FAIL: ${error.message}`);
  if (error.reading) console.error(JSON.stringify(error.reading, null, 2));
  else console.error(error.stack);
  process.exitCode = 1;
} finally {
  await Promise.all(opened.map((room) => room.browser.close()));
}
