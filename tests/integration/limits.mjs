// limits.mjs - mcud's limits seen from clients (docs/operator-guide.md, "Limits"):
//   1. max-participants for the whole server: the 4th join (3 allowed) gets server_full,
//      and once somebody leaves a join works again;
//   2. an SDP offer over max-sdp-bytes gets sdp_too_large, and the daemon still serves;
//   3. rapid joins from one address get rate_limited with retry_after_ms, while the
//      conference keeps working (a mute still reaches the other member);
//   4. a flood of messages on one connection gets rate_limited;
//   5. a WebSocket client that joined and then never reads, flooding requests, is
//      dropped (its socket is closed by mcud), the others are told it left, and mcud's
//      resident memory grows by less than MAX_RSS_GROWTH_KB meanwhile;
//   6. /metrics counts each of these refusals.
// Expects mcud configured as test_limits.sh does (max-participants=3, max-sdp-bytes=8192,
// join-rate=6, join-burst=8, message-rate=20, message-burst=40, send-queue-bytes=65536,
// a mix conference `room`).
// Usage: node limits.mjs http://127.0.0.1:PORT MCUD_PID ADMIN_TOKEN   (exit 0 = pass)
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import WebSocket from 'ws';

const baseUrl = process.argv[2];
const mcudPid = process.argv[3];
const adminToken = process.argv[4];
const wsUrl = baseUrl.replace(/^http/, 'ws') + '/ws';
const REPLY_WAIT_MS = 10000;
const MAX_RSS_GROWTH_KB = 16 * 1024;    // the send queue bound is 64 KiB
const FLOOD_MESSAGES = 400000;          // keepalives the stuck client may send at most
const openClients = new Set();

class Client {
  static async connect(name) {
    const client = new Client(new WebSocket(wsUrl), name);
    openClients.add(client);
    await new Promise((resolve, reject) => {
      client.socket.once('open', resolve);
      client.socket.once('error', reject);
    });
    const hello = await client.receive();
    if (hello.type !== 'hello') throw new Error(`${name}: expected hello, got ${JSON.stringify(hello)}`);
    return client;
  }

  constructor(socket, name) {
    this.socket = socket;
    this.name = name;
    this.inbox = [];
    this.events = [];
    this.nextId = 1;
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      this.inbox.push(message);
      if (message.type !== 'reply' && message.type !== 'error') this.events.push(message);
    });
  }

  async receive() {
    const deadline = Date.now() + REPLY_WAIT_MS;
    while (this.inbox.length === 0) {
      if (Date.now() > deadline) throw new Error(`${this.name}: no message from the server in time`);
      await sleep(20);
    }
    return this.inbox.shift();
  }

  send(type, fields = {}) {
    const id = `${this.name}-${this.nextId++}`;
    this.socket.send(JSON.stringify({ type, id, ...fields }));
    return id;
  }

  async request(type, fields = {}) {
    return this.answerTo(this.send(type, fields));
  }

  async answerTo(id) {
    for (;;) {
      const message = await this.receive();
      if (message.type !== 'reply' && message.type !== 'error') continue;
      if (message.id !== id) throw new Error(`${this.name}: expected the answer to ${id}, got ${JSON.stringify(message)}`);
      return message;
    }
  }

  // Waits for an event matching `test` (seen already or arriving within the wait).
  async event(test, what) {
    const deadline = Date.now() + REPLY_WAIT_MS;
    for (;;) {
      const i = this.events.findIndex(test);
      if (i >= 0) return this.events.splice(i, 1)[0];
      if (Date.now() > deadline) throw new Error(`${this.name}: no ${what} event in time`);
      while (this.inbox.length && this.inbox[0].type !== 'reply' && this.inbox[0].type !== 'error') this.inbox.shift();
      await sleep(20);
    }
  }

  close() {
    this.socket.close();
    openClients.delete(this);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const failures = [];
function check(condition, what, detail) {
  if (condition) {
    console.log(`ok   ${what}`);
  } else {
    console.log(`FAIL ${what}: ${JSON.stringify(detail)}`);
    failures.push(what);
  }
}

function isError(message, code) {
  return message.type === 'error' && message.error?.code === code && typeof message.error?.message === 'string';
}

function rssKb() {
  const status = fs.readFileSync(`/proc/${mcudPid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${mcudPid}/status`);
  return Number(m[1]);
}

async function metrics() {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
}

function refusals(text, limit) {
  const m = new RegExp(`^hoinghi_limit_refusals_total\\{limit="${limit}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

// --- 1. the server-wide participant limit ------------------------------------------
async function checkServerLimit(a, b) {
  check((await a.request('join', { conference: 'room', name: 'A' })).type === 'reply', 'A joins room', null);
  check((await b.request('join', { conference: 'room', name: 'B' })).type === 'reply', 'B joins room', null);
  const c = await Client.connect('C');
  check((await c.request('join', { conference: 'echo', name: 'C' })).type === 'reply', 'C joins echo (3 of 3)', null);
  const d = await Client.connect('D');
  const refused = await d.request('join', { conference: 'echo', name: 'D' });
  check(isError(refused, 'server_full') && /3 participants/.test(refused.error.message),
    'the 4th join on the server gets server_full', refused);
  check((await d.request('keepalive')).type === 'reply', 'the refused client keeps its connection', null);
  check((await c.request('leave')).type === 'reply', 'C leaves', null);
  check((await d.request('join', { conference: 'echo', name: 'D' })).type === 'reply',
    'with room again, D joins', null);
  c.close();
  d.close();
  await sleep(200);
}

// --- 2. SDP size ---------------------------------------------------------------------
async function checkSdpLimit(a) {
  const big = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0'];
  while (big.join('\r\n').length < 20000) big.push(`a=x-padding:${'p'.repeat(100)}`);
  const refused = await a.request('offer', { sdp: big.join('\r\n') + '\r\n' });
  check(isError(refused, 'sdp_too_large') && /8192/.test(refused.error.message),
    'a 20 KB SDP offer gets sdp_too_large (limit 8192)', refused);
  const invalid = await a.request('offer', { sdp: 'v=0\r\nthis is not SDP\r\n' });
  check(isError(invalid, 'sdp_invalid'), 'a small bad SDP still gets sdp_invalid', invalid);
  check((await a.request('keepalive')).type === 'reply', 'mcud still serves after the SDP refusals', null);
}

// --- 3. join attempts per address ------------------------------------------------------
async function checkJoinRate(a, b) {
  // Joins so far: A, B, C, D (refused), D = 5 of a burst of 8 from 127.0.0.1.
  const answers = [];
  const clients = [];
  for (let i = 0; i < 8; i++) {
    const e = await Client.connect(`E${i}`);
    clients.push(e);
    answers.push(await e.request('join', { conference: 'no-such-conference', name: `E${i}` }));
  }
  const limited = answers.filter((m) => isError(m, 'rate_limited'));
  const passed = answers.filter((m) => isError(m, 'unknown_conference'));
  check(limited.length >= 4 && passed.length >= 1 && limited.length + passed.length === answers.length,
    `rapid joins from one address: ${passed.length} pass, ${limited.length} get rate_limited`,
    answers.map((m) => m.error?.code));
  const retry = limited[0]?.error?.retry_after_ms;
  check(Number.isInteger(retry) && retry > 0 && retry <= 10000,
    `rate_limited carries retry_after_ms (${retry}; 6 per minute: at most 10000)`, limited[0]);
  const again = await clients[0].request('join', { conference: 'room', name: 'E0' });
  check(isError(again, 'rate_limited'), 'a join to a real conference is rate limited too', again);
  for (const e of clients) e.close();
  // The conference keeps working for those in it.
  check((await b.request('mute', { audio: true })).type === 'reply', 'B mutes', null);
  const mute = await a.event((m) => m.type === 'mute' && m.audio_muted === true, 'mute');
  check(mute.type === 'mute', 'A still gets conference events while joins are refused', mute);
}

// --- 4. messages per connection ----------------------------------------------------------
async function checkMessageRate(a) {
  const ids = [];
  for (let i = 0; i < 100; i++) ids.push(a.send('keepalive'));
  let limited = 0, replied = 0, retry = 0;
  for (const id of ids) {
    const m = await a.answerTo(id);
    if (isError(m, 'rate_limited')) {
      limited++;
      retry = m.error.retry_after_ms;
    } else if (m.type === 'reply') replied++;
  }
  check(limited >= 40 && replied >= 40 && limited + replied === 100,
    `100 messages at once: ${replied} answered, ${limited} rate_limited (burst 40, 20/s)`, { limited, replied });
  check(Number.isInteger(retry) && retry > 0 && retry <= 50, `message rate_limited has retry_after_ms (${retry})`, retry);
  await sleep(2500);   // the bucket refills
  check((await a.request('keepalive')).type === 'reply', 'after a pause the connection is answered again', null);
}

// --- 5. a client that never reads ------------------------------------------------------------
function maskedTextFrame(text) {
  const payload = Buffer.from(text);
  const mask = crypto.randomBytes(4);
  let header;
  if (payload.length < 126) {
    header = Buffer.from([0x81, 0x80 | payload.length]);
  } else {
    header = Buffer.alloc(4);
    header[0] = 0x81;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(payload.length, 2);
  }
  for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
  return Buffer.concat([header, mask, payload]);
}

// A raw TCP socket that completes the WebSocket handshake; resolves once upgraded.
function rawWebSocket() {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let head = '';
    const onData = (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.pause();                         // from now on: never read again
      if (!/^HTTP\/1\.1 101/.test(head)) reject(new Error(`no WebSocket upgrade: ${head.split('\r\n')[0]}`));
      else resolve(socket);
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(`GET /ws HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
  });
}

async function checkStuckClient(a, b) {
  await sleep(10500);   // the join bucket gets a token back (one join per 10 s)
  const stuck = await rawWebSocket();
  let closedBy = null;
  stuck.on('error', (err) => { closedBy = closedBy || err.code || String(err); });
  stuck.on('close', () => { closedBy = closedBy || 'close'; });
  stuck.write(maskedTextFrame(JSON.stringify({ type: 'join', id: 'j', conference: 'room', name: 'Stuck' })));
  const joined = await a.event((m) => m.type === 'participant_joined' && m.name === 'Stuck', 'participant_joined');
  check(joined.name === 'Stuck', 'the raw client joined room (A sees participant_joined)', joined);
  const stuckId = joined.participant;

  const before = rssKb();
  const batch = [];
  for (let i = 0; i < 500; i++) batch.push(maskedTextFrame(JSON.stringify({ type: 'keepalive', id: i })));
  const chunk = Buffer.concat(batch);
  let sent = 0;
  const muteIds = [];
  const deadline = Date.now() + 60000;
  while (!closedBy && sent < FLOOD_MESSAGES && Date.now() < deadline) {
    if (!stuck.write(chunk)) await Promise.race([new Promise((r) => stuck.once('drain', r)), sleep(200)]);
    sent += 500;
    if (sent % 5000 === 0) muteIds.push(b.send('mute', { video: (sent / 5000) % 2 === 1 }));   // events for everyone
    await sleep(1);
  }
  const left = await a.event((m) => m.type === 'participant_left' && m.participant === stuckId, 'participant_left')
    .catch((err) => ({ error: String(err) }));
  check(left.participant === stuckId, `the client that never reads is dropped (after ${sent} requests; A gets participant_left, reason ${left.reason})`, left);
  await sleep(300);
  check(closedBy !== null, `mcud closed the stuck socket (${closedBy})`, closedBy);
  const after = rssKb();
  check(after - before < MAX_RSS_GROWTH_KB,
    `mcud's RSS ${before} kB before the flood, ${after} kB after (growth under ${MAX_RSS_GROWTH_KB} kB)`, { before, after });
  stuck.destroy();
  for (const id of muteIds) await b.answerTo(id);
  // The conference works on.
  check((await b.request('mute', { audio: false })).type === 'reply', 'B unmutes after the drop', null);
  const mute = await a.event((m) => m.type === 'mute' && m.audio_muted === false, 'mute');
  check(mute.type === 'mute', 'A gets B\'s unmute after the drop', mute);
  return sent;
}

async function checkMetrics() {
  const text = await metrics();
  for (const [limit, min] of [['join_server_full', 1], ['sdp_too_large', 1], ['join_rate_limited', 4],
    ['message_rate_limited', 40], ['slow_client_dropped', 1]]) {
    const n = refusals(text, limit);
    check(n >= min, `/metrics hoinghi_limit_refusals_total{limit="${limit}"} = ${n} (>= ${min})`, n);
  }
  check(/^hoinghi_join_rate_addresses 1$/m.test(text), '/metrics: the join rate table holds one address', null);
}

async function main() {
  const a = await Client.connect('A');
  const b = await Client.connect('B');
  await checkServerLimit(a, b);
  await checkSdpLimit(a);
  await checkJoinRate(a, b);
  await checkMessageRate(a);
  await checkStuckClient(a, b);
  await checkMetrics();
}

try {
  await main();
} catch (err) {
  console.log(`FAIL ${err.stack || err}`);
  failures.push(String(err));
}
for (const c of openClients) c.socket.terminate();
if (failures.length) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all limits checks passed');
process.exit(0);
