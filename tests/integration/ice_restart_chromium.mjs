// ice_restart_chromium.mjs - the browser half of test_faults_ice_restart.sh: two
// Chromium rooms (pages of one launch) in a mixing conference.
//   1. Room A calls window.hoinghi.restartIce() (pc.restartIce() + a new offer): the
//      offer and the server's answer carry new ICE credentials, ICE connects again,
//      both rooms keep decoding, A stays on B's roster (no participant_left) and B on A's.
//   2. Every UDP packet is dropped (nftables, netfault.mjs) until the web client
//      restarts ICE by itself (ICE disconnected for 3 s, call.js); once the restart
//      was answered the link comes back and both rooms decode again, still together.
// Usage: node ice_restart_chromium.mjs http://127.0.0.1:PORT CONFERENCE
import { launchChromium, poll } from './chromium.mjs';
import * as fault from './netfault.mjs';

const [baseUrl, conference] = process.argv.slice(2);
const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? 'ok' : 'FAIL'}: ${message}`);
  if (!ok) failures.push(message);
};

// The page's call: ICE credentials of both descriptions, state, frames, roster.
const READ = async () => {
  const { pc, state, participants, events } = window.hoinghi;
  const ufrag = (sdp) => (sdp || '').match(/a=ice-ufrag:(\S+)/)?.[1] || '';
  const pwd = (sdp) => (sdp || '').match(/a=ice-pwd:(\S+)/)?.[1] || '';
  let frames = 0;
  if (pc) (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded || 0; });
  return {
    phase: state.phase, ice: pc?.iceConnectionState, restarts: state.iceRestarts, frames,
    participant: state.participant,
    local: { ufrag: ufrag(pc?.localDescription?.sdp), pwd: pwd(pc?.localDescription?.sdp) },
    remote: { ufrag: ufrag(pc?.remoteDescription?.sdp), pwd: pwd(pc?.remoteDescription?.sdp) },
    roster: participants.map((p) => p.participant),
    left: events.filter((e) => e.type === 'participant_left').map((e) => e.participant),
  };
};

async function waitFor(room, description, seconds, holds) {
  let last = null;
  const ok = await poll(seconds, async () => { last = await room.page.evaluate(READ); return holds(last); });
  if (!ok) throw new Error(`${room.name}: not within ${seconds} s: ${description}; last: ${JSON.stringify(last)}`);
  return last;
}

async function bothDecodeMore(label, before) {
  for (const room of rooms) {
    const frames = before[room.name].frames;
    const now = await waitFor(room, `${label}: 20 more frames decoded`, 20,
      (c) => c.frames > frames + 20 && ['connected', 'completed'].includes(c.ice));
    check(true, `${label}: ${room.name} decodes again (${now.frames - frames} frames), ICE ${now.ice}`);
  }
}

async function checkTogether(label) {
  const a = await rooms[0].page.evaluate(READ), b = await rooms[1].page.evaluate(READ);
  check(a.phase === 'in-call' && b.phase === 'in-call', `${label}: both rooms are in the call (${a.phase}, ${b.phase})`);
  check(b.roster.includes(a.participant) && a.roster.includes(b.participant),
    `${label}: each room lists the other (${a.roster} / ${b.roster})`);
  check(!b.left.includes(a.participant) && !a.left.includes(b.participant),
    `${label}: nobody got participant_left (${a.left} / ${b.left})`);
}

const rooms = [];
const browser = await launchChromium();
fault.clear();
try {
  for (const name of ['A', 'B']) {
    const page = await browser.context.newPage();
    await page.goto(`${baseUrl}/?${new URLSearchParams({ conference, name, autojoin: '1' })}`);
    rooms.push({ name, page });
  }
  const before = {};
  for (const room of rooms) {
    before[room.name] = await waitFor(room, 'the mix is decoded', 30,
      (c) => c.phase === 'in-call' && c.frames > 30 && c.roster.length === 2);
  }
  const [A] = rooms;

  // 1. restartIce() from the page.
  const old = before.A;
  await A.page.evaluate(() => window.hoinghi.restartIce());
  const restarted = await waitFor(A, 'ICE restarted and connected again', 20,
    (c) => c.restarts === 1 && ['connected', 'completed'].includes(c.ice));
  console.log(`FIGURE restartIce: local ufrag ${old.local.ufrag} -> ${restarted.local.ufrag}, `
    + `server ufrag ${old.remote.ufrag} -> ${restarted.remote.ufrag}`);
  check(restarted.local.ufrag && restarted.local.ufrag !== old.local.ufrag
    && restarted.local.pwd !== old.local.pwd, 'the new offer has new ICE credentials');
  check(restarted.remote.ufrag && restarted.remote.ufrag !== old.remote.ufrag
    && restarted.remote.pwd !== old.remote.pwd, "the server's answer has new ICE credentials");
  const mid = {};
  for (const room of rooms) mid[room.name] = await room.page.evaluate(READ);
  await bothDecodeMore('after restartIce', mid);
  await checkTogether('after restartIce');

  // 2. The link goes dark until the client restarts ICE by itself.
  const dark = {};
  for (const room of rooms) dark[room.name] = await room.page.evaluate(READ);
  fault.blackout();
  const blackoutAt = Date.now();
  const auto = await waitFor(A, 'the client restarts ICE by itself', 30, (c) => c.restarts >= 2);
  console.log(`FIGURE automatic ICE restart answered ${Date.now() - blackoutAt} ms into the blackout (ICE ${auto.ice})`);
  fault.clear();
  await bothDecodeMore('after the automatic restart', dark);
  await checkTogether('after the automatic restart');

  for (const room of rooms) await room.page.evaluate(() => window.hoinghi.leave());
} catch (error) {
  failures.push(error.message);
  console.log(`FAIL: ${error.message}`);
} finally {
  fault.clear();
  await browser.close();
}
process.exit(failures.length ? 1 : 0);
