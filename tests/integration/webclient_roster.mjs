// webclient_roster.mjs - the web client's conference roster and mute request against a
// scripted signalling server (no mcud, no media): this Node process serves client/web
// over HTTP and plays the server's side of docs/protocol.md on /ws, pushing the
// conference events (participants, participant_joined/left, active_speaker, layout,
// mute) one by one while headless Chromium shows them. Checks window.hoinghi and the
// DOM after each: names, mute icons, speaking indicator, layout name; the mute buttons
// disable the local track AND send `mute`; the button shows "pending" until the reply;
// an operator's mute event about us mutes the local track; leaving clears the roster.
// Leaves a screenshot. Usage:
//   node webclient_roster.mjs WEB_ROOT SCREENSHOT.png   (exit 0 = pass)
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { launchChromium, poll } from './chromium.mjs';

const [webRoot, screenshotPath] = process.argv.slice(2);
const WAIT_SECONDS = 10;
const SELF = 'p-self';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

class CheckFailed extends Error {
  constructor(message, reading) {
    super(message);
    this.reading = reading;
  }
}

// ---- the scripted server

const httpServer = http.createServer((req, res) => {
  const name = new URL(req.url, 'http://x').pathname.replace(/^\/$/, '/index.html');
  const file = path.join(webRoot, path.normalize(name));
  if (!file.startsWith(path.resolve(webRoot)) || !fs.existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
  res.end(fs.readFileSync(file));
});
const wss = new WebSocketServer({ server: httpServer, path: '/ws' });

let socket = null;            // the page's signalling connection
const requests = [];          // every request the page sent, in order
const heldMuteReplies = [];   // `mute` replies held back until release()
let holdMuteReplies = false;

function send(message) {
  socket.send(JSON.stringify(message));
}
function reply(request, data) {
  send({ type: 'reply', id: request.id, request: request.type, data });
}

wss.on('connection', (ws) => {
  socket = ws;
  send({ type: 'hello', version: 1, server: 'scripted-test-server' });
  ws.on('message', (text) => {
    const request = JSON.parse(text.toString());
    requests.push(request);
    switch (request.type) {
      case 'join':
        reply(request, { participant: SELF, conference: request.conference });
        send({
          type: 'participants',
          participants: [
            { participant: 'p-a', name: 'Sở Y tế', audio_muted: false, video_muted: false },
            { participant: SELF, name: request.name, audio_muted: false, video_muted: false },
          ],
          layout: '2x2',
          active_speaker: 'p-a',
        });
        break;
      case 'offer':
        break; // never answered: the page stays in `negotiating`, which is enough here
      case 'mute': {
        const answer = () => reply(request, { audio: !!request.audio, video: !!request.video });
        if (holdMuteReplies) heldMuteReplies.push(answer);
        else answer();
        break;
      }
      default:
        reply(request, {});
    }
  });
});

await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${httpServer.address().port}`;

// ---- reading the page

function readPage(page) {
  return page.evaluate(() => {
    const h = window.hoinghi;
    const rows = [...document.querySelectorAll('#participant-list li')].map((li) => ({
      participant: li.dataset.participant,
      name: li.querySelector('.name').textContent,
      self: li.classList.contains('self'),
      speaking: li.classList.contains('speaking'),
      micOff: li.querySelector('.mic').classList.contains('off'),
      camOff: li.querySelector('.cam').classList.contains('off'),
    }));
    const senders = h.pc ? Object.fromEntries(h.pc.getSenders().filter((s) => s.track)
      .map((s) => [s.track.kind, s.track.enabled])) : {};
    const button = (id) => {
      const b = document.getElementById(id);
      return { pressed: b.getAttribute('aria-pressed') === 'true', pending: b.classList.contains('pending') };
    };
    return {
      phase: h.state.phase,
      participants: h.participants,
      activeSpeaker: h.activeSpeaker,
      layout: h.layout,
      confirmed: { audio: h.state.confirmedAudioMuted, video: h.state.confirmedVideoMuted },
      muted: { audio: h.state.audioMuted, video: h.state.videoMuted },
      events: h.events.map((e) => e.type),
      lastError: h.lastError,
      rosterShown: !document.getElementById('roster').hidden,
      layoutShown: document.getElementById('layout-name').textContent,
      count: document.getElementById('roster-count').textContent,
      rows,
      senders,
      audioButton: button('mute-audio'),
      videoButton: button('mute-video'),
      banner: document.getElementById('error').hidden ? null
        : { kind: document.getElementById('error').dataset.kind, text: document.getElementById('error-message').textContent },
    };
  });
}

async function expectWithin(description, page, holds) {
  let reading = null;
  const ok = await poll(WAIT_SECONDS, async () => {
    reading = await readPage(page);
    return holds(reading);
  });
  if (!ok) throw new CheckFailed(`not within ${WAIT_SECONDS} s: ${description}`, reading);
  console.log(`ok: ${description}`);
  return reading;
}

const row = (r, id) => r.rows.find((x) => x.participant === id);

const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(`${baseUrl}/?conference=room&name=${encodeURIComponent('Phòng họp 2')}&autojoin=1`);

  await expectWithin('the roster from `participants`: two names, layout 2x2, p-a speaking', page, (r) =>
    r.rosterShown && r.participants.length === 2 && r.layout === '2x2' && r.layoutShown === '2x2'
    && r.activeSpeaker === 'p-a' && r.count === '2'
    && row(r, 'p-a')?.name === 'Sở Y tế' && row(r, 'p-a').speaking && !row(r, 'p-a').micOff
    && row(r, SELF)?.name === 'Phòng họp 2' && row(r, SELF).self && !row(r, SELF).speaking
    && r.rows[0].participant === 'p-a' && r.confirmed.audio === false);

  send({ type: 'participant_joined', participant: 'p-b', name: 'Room B', audio_muted: true, video_muted: false });
  await expectWithin('`participant_joined` adds Room B last, its microphone shown muted', page, (r) =>
    r.participants.length === 3 && r.rows[2]?.participant === 'p-b' && r.rows[2].name === 'Room B'
    && r.rows[2].micOff && !r.rows[2].camOff && r.count === '3');

  send({ type: 'active_speaker', participant: 'p-b' });
  await expectWithin('`active_speaker` moves the speaking indicator to Room B', page, (r) =>
    r.activeSpeaker === 'p-b' && row(r, 'p-b').speaking && !row(r, 'p-a').speaking);

  send({ type: 'mute', participant: 'p-b', audio_muted: false, video_muted: true });
  await expectWithin('`mute` about Room B: microphone on, camera off', page, (r) =>
    !row(r, 'p-b').micOff && row(r, 'p-b').camOff && r.participants[2].video_muted);

  send({ type: 'layout', layout: '3x3' });
  await expectWithin('`layout` shows the new layout name', page, (r) => r.layout === '3x3' && r.layoutShown === '3x3');

  holdMuteReplies = true;
  await page.click('#mute-audio');
  await expectWithin('Mute mic disables the local audio track, sends `mute` and waits for the server', page, (r) =>
    r.muted.audio && r.senders.audio === false && r.audioButton.pressed && r.audioButton.pending
    && r.confirmed.audio === false && !row(r, SELF).micOff);
  const muteRequest = requests.filter((q) => q.type === 'mute').at(-1);
  if (!muteRequest || muteRequest.audio !== true || muteRequest.video !== false) {
    throw new CheckFailed(`expected a mute request {audio: true, video: false}, got ${JSON.stringify(muteRequest)}`);
  }
  holdMuteReplies = false;
  heldMuteReplies.splice(0).forEach((answer) => answer());
  await expectWithin('the server\'s reply confirms it: own row shows the microphone muted, no longer pending', page, (r) =>
    r.confirmed.audio === true && row(r, SELF).micOff && !r.audioButton.pending && r.senders.audio === false);

  send({ type: 'mute', participant: SELF, audio_muted: true, video_muted: true });
  await expectWithin('an operator\'s `mute` of our video mutes the local camera track too', page, (r) =>
    r.muted.video && r.senders.video === false && r.confirmed.video === true && row(r, SELF).camOff
    && r.videoButton.pressed && !r.videoButton.pending);

  await page.click('#mute-audio');
  await expectWithin('Unmute mic enables the track and the server confirms', page, (r) =>
    !r.muted.audio && r.senders.audio === true && r.confirmed.audio === false && !row(r, SELF).micOff);

  send({ type: 'active_speaker', participant: 'p-a' });
  send({ type: 'participant_left', participant: 'p-a', reason: 'left' });
  await expectWithin('`participant_left` removes Sở Y tế and its speaking mark', page, (r) =>
    r.participants.length === 2 && !row(r, 'p-a') && r.activeSpeaker === null
    && r.events.includes('participant_left') && r.count === '2');

  send({ type: 'participant_joined', participant: 'p-c', name: 'Ủy ban nhân dân tỉnh, phòng họp trực tuyến số 3', audio_muted: false, video_muted: false });
  send({ type: 'active_speaker', participant: 'p-c' });
  await expectWithin('a long name joins and speaks', page, (r) => row(r, 'p-c')?.speaking);
  await page.screenshot({ path: screenshotPath });

  if ((await readPage(page)).lastError) throw new CheckFailed('the page shows an error', await readPage(page));
  send({ type: 'conference_ending', ends_at: new Date(Date.now() + 300000).toISOString(), seconds: 300 });
  await expectWithin('`conference_ending` shows the five-minute warning, as information, and the call goes on', page, (r) =>
    r.lastError?.code === 'ending' && /5 min/.test(r.lastError.message) && !['left', 'failed'].includes(r.phase)
    && r.banner?.kind === 'info' && r.banner.text.startsWith('The meeting ends in about 5 min'));
  await page.click('#leave');
  await expectWithin('leaving clears the roster and hides the list', page, (r) =>
    r.phase === 'left' && r.participants.length === 0 && r.layout === '' && !r.rosterShown && !r.lastError);
  if (!requests.some((q) => q.type === 'leave')) throw new CheckFailed('the page sent no leave request');
} catch (error) {
  console.error(`FAIL: ${error.message}`);
  if (error.reading) console.error(JSON.stringify(error.reading, null, 2));
  else console.error(error.stack);
  process.exitCode = 1;
} finally {
  await browser.close();
  wss.close();
  httpServer.close();
}
