// web_reconnect_chromium.mjs - the browser half of test_web_reconnect.sh: two web-client
// pages (one English, one Vietnamese: ?lang=vi) in a `mix` conference.
//   1. A network drop: every packet on the namespace's loopback is dropped (nftables,
//      input hook: TCP signalling and UDP media) for DROP_SECONDS; each page notices
//      (its keepalive is not answered), says it is reconnecting (in its language, as
//      information), and once the network is back rejoins by itself and decodes again.
//   2. The shell kills mcud and starts it again on the same port: each page says it
//      lost the connection and is reconnecting, rejoins the same meeting by itself,
//      says it is back, decodes the mix again and lists both rooms.
// Then the shell ends the meeting (an operator): each page says the meeting has ended,
// as information, and stays out (no rejoin).
// Usage: node web_reconnect_chromium.mjs http://127.0.0.1:PORT CONFERENCE SIGNAL
// Protocol with the shell: this script writes SIGNAL.ready when both pages are in the
// call (the shell restarts mcud), SIGNAL.back when both are back (the shell ends the
// meeting). Exit 0 = pass.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { launchChromium, poll } from './chromium.mjs';
import { readCall, reportFailure, CheckFailed } from './call_checks.mjs';

const [baseUrl, conference, signal] = process.argv.slice(2);
const ROOMS = [
  { name: 'Room EN', lang: 'en', reconnecting: 'Reconnecting', back: 'Reconnected', ended: 'The meeting has ended.' },
  { name: 'Phòng VI', lang: 'vi', reconnecting: 'kết nối lại sau', back: 'Đã kết nối lại', ended: 'Cuộc họp đã kết thúc.' },
];
// After the end: no rejoin attempt within this long (the first would come after 1 s).
const STAYS_OUT_S = 4;
const DROP_SECONDS = 25;
const DROP_TABLE = 'hoinghi_web_drop';

function dropNetwork(on) {
  const script = on
    ? `table inet ${DROP_TABLE} {\n  chain in {\n    type filter hook input priority 0; policy drop;\n  }\n}\n`
    : `delete table inet ${DROP_TABLE}\n`;
  execFileSync('nft', ['-f', '-'], { input: script, stdio: ['pipe', 'inherit', 'inherit'] });
}
// The shell restarts mcud about 3 s after the kill; attempts come 1, 2, 4, 8 s apart,
// so the page is back within about 15 s. The limit leaves a wide margin.
const BACK_WITHIN_S = 60;

async function expectPage(description, room, seconds, holds) {
  let reading = null;
  const ok = await poll(seconds, async () => {
    const call = await readCall(room.page);
    const banner = await room.page.evaluate(() => {
      const node = document.getElementById('error');
      return { shown: !node.hidden, kind: node.dataset.kind, text: node.textContent };
    });
    reading = { phase: call.state.phase, reconnect: call.state.reconnect, reconnects: call.state.reconnects,
      lastError: call.lastError, banner, frames: call.inbound.video?.framesDecoded || 0,
      names: call.state.participants.map((p) => p.name).sort().join(' | ') };
    return holds(reading);
  });
  if (!ok) throw new CheckFailed(`not within ${seconds} s on ${room.name}'s page: ${description}`, reading);
  console.log(`ok (${room.name}): ${description}: ${JSON.stringify({ ...reading, banner: reading.banner.text })}`);
}

const both = ROOMS.map((r) => r.name).sort().join(' | ');
let browser = null;
try {
  browser = await launchChromium({ label: 'rooms' });
  for (const room of ROOMS) {
    room.page = await browser.context.newPage();
    await room.page.goto(`${baseUrl}/?${new URLSearchParams({ conference, name: room.name, lang: room.lang, autojoin: '1' })}`);
  }
  for (const room of ROOMS) {
    await expectPage('in the call, decoding, both rooms listed', room, 20, (r) =>
      r.phase === 'in-call' && r.frames > 20 && r.names === both && !r.banner.shown);
  }

  // 1. a network drop
  dropNetwork(true);
  console.log(`network dropped for ${DROP_SECONDS} s`);
  const dropped = Date.now();
  try {
    await Promise.all(ROOMS.map((room) => expectPage('notices the drop and says it is reconnecting', room,
      DROP_SECONDS - 1, (r) => ['reconnecting', 'joining'].includes(r.phase) && r.banner.kind === 'info'
        && r.banner.text.includes(room.reconnecting))));
  } finally {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, DROP_SECONDS * 1000 - (Date.now() - dropped))));
    dropNetwork(false);
    console.log('network back');
  }
  await Promise.all(ROOMS.map((room) => expectPage('is back in the meeting after the drop, decoding', room,
    BACK_WITHIN_S, (r) => r.phase === 'in-call' && r.reconnects === 1 && r.frames > 20 && r.names === both)));

  // 2. an mcud restart
  fs.writeFileSync(`${signal}.ready`, '');

  await Promise.all(ROOMS.map((room) => expectPage('says it is reconnecting, as information', room, 20, (r) =>
    ['reconnecting', 'joining'].includes(r.phase) && r.reconnect?.attempt >= 1 && r.banner.shown
    && r.banner.kind === 'info' && r.banner.text.includes(room.reconnecting))));
  await Promise.all(ROOMS.map((room) => expectPage('is back in the meeting by itself, and says so', room, BACK_WITHIN_S,
    (r) => r.phase === 'in-call' && r.reconnects === 2 && r.banner.kind === 'info'
      && r.banner.text.includes(room.back))));
  await Promise.all(ROOMS.map((room) => expectPage('decodes the mix again and lists both rooms', room, 20, (r) =>
    r.phase === 'in-call' && r.frames > 20 && r.names === both)));
  fs.writeFileSync(`${signal}.back`, '');

  await Promise.all(ROOMS.map((room) => expectPage('says the meeting has ended, as information', room, 20, (r) =>
    r.phase === 'left' && r.lastError?.code === 'bye' && r.banner.shown && r.banner.kind === 'info'
    && r.banner.text.includes(room.ended))));
  await new Promise((resolve) => setTimeout(resolve, STAYS_OUT_S * 1000));
  await Promise.all(ROOMS.map((room) => expectPage('stays out of the ended meeting', room, 1, (r) =>
    r.phase === 'left' && !r.reconnect && r.banner.text.includes(room.ended))));
} catch (error) {
  reportFailure(error);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
}
