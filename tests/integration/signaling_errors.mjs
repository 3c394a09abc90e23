// signaling_errors.mjs - mcud's answers to bad signalling and bad HTTP requests: every
// error has its stable code and the request id (null when unreadable), the connection
// survives each one (a keepalive still gets its reply), and a new client can still
// join `echo` afterwards. Expects mcud configured with `secure-echo`, PIN 4321.
// Usage: node signaling_errors.mjs http://127.0.0.1:PORT   (exit 0 = pass)
import net from 'node:net';
import WebSocket from 'ws';

const baseUrl = process.argv[2];
const wsUrl = baseUrl.replace(/^http/, 'ws') + '/ws';
const REPLY_WAIT_MS = 5000;
const openClients = new Set();

// A signalling client that queues incoming messages and waits for them one by one.
class Client {
  static async connect() {
    const client = new Client(new WebSocket(wsUrl));
    openClients.add(client);
    await new Promise((resolve, reject) => {
      client.socket.once('open', resolve);
      client.socket.once('error', reject);
    });
    return client;
  }

  constructor(socket) {
    this.socket = socket;
    this.inbox = [];
    this.waiter = null;
    this.nextId = 1;
    socket.on('message', (data) => {
      this.inbox.push(JSON.parse(data.toString()));
      if (this.waiter) this.waiter();
    });
  }

  async receive() {
    const deadline = Date.now() + REPLY_WAIT_MS;
    while (this.inbox.length === 0) {
      if (Date.now() > deadline) throw new Error('no message from the server in time');
      await new Promise((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 100);
      });
    }
    return this.inbox.shift();
  }

  sendRaw(text) {
    this.socket.send(text);
  }

  // Sends a request with a fresh id; resolves with the server's answer to that id.
  async request(type, fields = {}) {
    const id = `r${this.nextId++}`;
    this.sendRaw(JSON.stringify({ type, id, ...fields }));
    return this.answerTo(id);
  }

  // Requests go one at a time, so the next reply or error must carry this id.
  async answerTo(id) {
    for (;;) {
      const message = await this.receive();
      if (message.type !== 'reply' && message.type !== 'error') continue; // an event
      if (message.id !== id) throw new Error(`expected the answer to id ${JSON.stringify(id)}, got ${JSON.stringify(message)}`);
      return message;
    }
  }

  close() {
    this.socket.close();
    openClients.delete(this);
  }
}

const failures = [];
function check(condition, what, detail) {
  if (condition) {
    console.log(`ok   ${what}`);
  } else {
    console.log(`FAIL ${what}: ${JSON.stringify(detail)}`);
    failures.push(what);
  }
}

// `message` is already known to carry the right id (Client.answerTo checks it).
function expectError(message, code, what) {
  check(message.type === 'error' && message.error?.code === code && typeof message.error?.message === 'string',
    `${what} -> ${code} (id ${JSON.stringify(message.id)})`, message);
}

async function expectStillAnswers(client, after) {
  const reply = await client.request('keepalive');
  check(reply.type === 'reply', `keepalive answered after ${after}`, reply);
}

// An offer as a browser makes it, but with no a=fingerprint line.
const OFFER_WITHOUT_FINGERPRINT = [
  'v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0',
  'a=group:BUNDLE 0 1', 'a=msid-semantic: WMS test',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Fp2x', 'a=ice-pwd:b7Jq1bN1c3zYVf1x1nAHcE2Q', 'a=ice-options:trickle',
  'a=setup:actpass', 'a=mid:0', 'a=sendrecv', 'a=msid:test audio0', 'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1', 'a=ssrc:1111 cname:test',
  'm=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Fp2x', 'a=ice-pwd:b7Jq1bN1c3zYVf1x1nAHcE2Q', 'a=ice-options:trickle',
  'a=setup:actpass', 'a=mid:1', 'a=sendrecv', 'a=msid:test video0', 'a=rtcp-mux',
  'a=rtpmap:96 VP8/90000', 'a=rtcp-fb:96 nack', 'a=rtcp-fb:96 nack pli', 'a=ssrc:2222 cname:test',
  '',
].join('\r\n');

async function checkSignalling() {
  const client = await Client.connect();
  const hello = await client.receive();
  check(hello.type === 'hello' && hello.version === 1, 'hello with version 1 on connect', hello);

  expectError(await client.request('join', { conference: 'no-such-conference', name: 'Test' }),
    'unknown_conference', 'join an unknown conference');
  await expectStillAnswers(client, 'unknown_conference');

  expectError(await client.request('join', { conference: 'secure-echo', name: 'Test', pin: '0000' }),
    'wrong_pin', 'join secure-echo with a wrong PIN');
  await expectStillAnswers(client, 'a wrong PIN');
  expectError(await client.request('join', { conference: 'secure-echo', name: 'Test' }),
    'wrong_pin', 'join secure-echo with no PIN');
  await expectStillAnswers(client, 'no PIN');

  const unreadable = [
    ['not JSON', 'this is not JSON {', 'bad_json'],
    ['a JSON array', '[1, 2, 3]', 'bad_json'],
    ['a 200 KB message', JSON.stringify({ type: 'keepalive', id: 'big', padding: 'x'.repeat(200 * 1024) }), 'message_too_large'],
    ['a request with no id', JSON.stringify({ type: 'keepalive' }), 'bad_request'],
  ];
  for (const [what, text, code] of unreadable) {
    client.sendRaw(text);
    expectError(await client.answerTo(null), code, what);
    await expectStillAnswers(client, what);
  }

  client.sendRaw(JSON.stringify({ id: 'no-type' }));
  expectError(await client.answerTo('no-type'), 'bad_request', 'a message with no type');
  await expectStillAnswers(client, 'a message with no type');
  client.sendRaw(JSON.stringify({ type: 'dance', id: 'dance' }));
  expectError(await client.answerTo('dance'), 'unknown_type', 'an unknown type');
  await expectStillAnswers(client, 'an unknown type');

  expectError(await client.request('keepalive', { version: 2 }), 'unsupported_version', 'protocol version 2');
  expectError(await client.request('join', { conference: 'echo' }), 'bad_request', 'a join with no name');
  await expectStillAnswers(client, 'bad_request');
  expectError(await client.request('offer', { sdp: OFFER_WITHOUT_FINGERPRINT }), 'not_joined', 'an offer before join');
  await expectStillAnswers(client, 'not_joined');

  const joined = await client.request('join', { conference: 'echo', name: 'Test' });
  check(joined.type === 'reply' && typeof joined.data?.participant === 'string', 'join echo after the errors', joined);
  expectError(await client.request('join', { conference: 'echo', name: 'Test' }), 'already_joined', 'a second join');
  expectError(await client.request('offer', { sdp: OFFER_WITHOUT_FINGERPRINT }),
    'sdp_no_fingerprint', 'an offer with no fingerprint');
  await expectStillAnswers(client, 'sdp_no_fingerprint');
  expectError(await client.request('offer', { sdp: 'this is not SDP at all' }), 'sdp_invalid', 'garbage SDP');
  await expectStillAnswers(client, 'sdp_invalid');
  client.close();

  const fresh = await Client.connect();
  const freshHello = await fresh.receive();
  check(freshHello.type === 'hello', 'a new client gets hello', freshHello);
  const freshJoin = await fresh.request('join', { conference: 'echo', name: 'Second' });
  check(freshJoin.type === 'reply' && typeof freshJoin.data?.participant === 'string', 'a new client joins echo', freshJoin);
  const left = await fresh.request('leave');
  check(left.type === 'reply', 'the new client leaves', left);
  fresh.close();
}

// A complete offer (a fingerprint added) with the given ICE credentials and fingerprint.
function offerWith({ ufrag = 'Fp2x', pwd = 'b7Jq1bN1c3zYVf1x1nAHcE2Q', fingerprint = 'AA', video = true } = {}) {
  const fp = `a=fingerprint:sha-256 ${Array(32).fill(fingerprint).join(':')}`;
  let sdp = OFFER_WITHOUT_FINGERPRINT.replaceAll('a=setup:actpass', `${fp}\r\na=setup:actpass`)
    .replaceAll('a=ice-ufrag:Fp2x', `a=ice-ufrag:${ufrag}`)
    .replaceAll('a=ice-pwd:b7Jq1bN1c3zYVf1x1nAHcE2Q', `a=ice-pwd:${pwd}`);
  if (!video) sdp = sdp.replace('a=group:BUNDLE 0 1', 'a=group:BUNDLE 0').replace(/m=video[\s\S]*$/, '');
  return sdp;
}

const answerUfrag = (message) => message.data?.sdp?.match(/a=ice-ufrag:(\S+)/)?.[1];

// Re-offers on an established media session (docs/protocol.md, "Re-offers and ICE
// restart"): the same offer changes nothing, new ICE credentials restart ICE (new
// server credentials), a new fingerprint or other media is refused.
async function checkReoffers() {
  const client = await Client.connect();
  await client.receive();   // hello
  await client.request('join', { conference: 'echo', name: 'Reoffer' });
  const first = await client.request('offer', { sdp: offerWith() });
  check(first.type === 'reply' && answerUfrag(first), 'a complete offer is answered', first);
  const same = await client.request('offer', { sdp: offerWith() });
  check(same.type === 'reply' && answerUfrag(same) === answerUfrag(first),
    'the same offer again is answered with the same server credentials', same);
  const restart = await client.request('offer', { sdp: offerWith({ ufrag: 'Zq9w', pwd: 'c8Kr2cO2d4aZWg2y2oBIdF3R' }) });
  check(restart.type === 'reply' && answerUfrag(restart) && answerUfrag(restart) !== answerUfrag(first),
    'new ICE credentials restart ICE: new server credentials in the answer', restart);
  const otherFingerprint = await client.request('offer', { sdp: offerWith({ ufrag: 'Zq9w', pwd: 'c8Kr2cO2d4aZWg2y2oBIdF3R', fingerprint: 'BB' }) });
  expectError(otherFingerprint, 'offer_in_progress', 'a re-offer with another fingerprint');
  check(/fingerprint/.test(otherFingerprint.error?.message || ''), 'the refusal names the fingerprint', otherFingerprint);
  const noVideo = await client.request('offer', { sdp: offerWith({ ufrag: 'Zq9w', pwd: 'c8Kr2cO2d4aZWg2y2oBIdF3R', video: false }) });
  expectError(noVideo, 'offer_in_progress', 'a re-offer without the video');
  await expectStillAnswers(client, 'refused re-offers');
  const left = await client.request('leave');
  check(left.type === 'reply', 'the re-offering client leaves', left);
  client.close();
}

// One raw HTTP/1.0 GET (no path normalisation on our side); resolves { status, headers, body }.
function httpGet(path) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`GET ${path} HTTP/1.0\r\nHost: ${hostname}:${port}\r\n\r\n`);
    });
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.setTimeout(REPLY_WAIT_MS, () => socket.destroy(new Error(`GET ${path}: no answer in time`)));
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      }));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
  });
}

async function checkHttp() {
  const page = await httpGet('/');
  check(page.status === 200 && /^text\/html/.test(page.headers['content-type'] || '')
    && page.body.includes('id="mix"'), 'GET / serves the web client as text/html', { status: page.status, headers: page.headers });
  const script = await httpGet('/app.js');
  check(script.status === 200 && /javascript/.test(script.headers['content-type'] || ''),
    'GET /app.js is served as JavaScript (module scripts need it)', { status: script.status, headers: script.headers });
  const missing = await httpGet('/nonexistent');
  check(missing.status === 404, 'GET /nonexistent -> 404', { status: missing.status });
  for (const path of ['/../../README.md', '/%2e%2e/%2e%2e/README.md', '/../../../../../../etc/passwd',
    '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fREADME.md']) {
    const escaped = await httpGet(path);
    check(!escaped.body.includes('root:x:0:0') && !escaped.body.includes('multipoint control unit'),
      `GET ${path} stays inside the web root`, { status: escaped.status, body: escaped.body.slice(0, 200) });
  }
}

// Candidates (docs/protocol.md, "Candidates"): before the offer they are refused; mDNS
// host candidates (Firefox's "<uuid>.local") are accepted and ignored and do not count
// towards the 64 per media session, nor do unparseable ones (refused); an empty sdpMid
// with sdpMLineIndex is as good as none; the 65th candidate ICE takes is refused.
async function checkCandidates() {
  const client = await Client.connect();
  await client.receive(); // hello
  await client.request('join', { conference: 'echo', name: 'Candidates' });
  const host = (n) => `candidate:${n} 1 udp 2122260223 127.0.0.1 ${40000 + n} typ host`;
  const earlyEnd = await client.request('end_of_candidates');
  check(earlyEnd.type === 'reply', 'end_of_candidates before the offer is answered', earlyEnd);
  const early = await client.request('candidate', { candidate: host(0), sdpMid: '0' });
  expectError(early, 'bad_request', 'a candidate before the offer');
  check(early.error?.message === 'candidate before offer', 'its message is "candidate before offer"', early);
  const offer = await client.request('offer', { sdp: offerWith() });
  check(offer.type === 'reply', 'the offer is answered', offer);
  let mdnsOk = 0;
  for (let i = 0; i < 70; i++) {
    const mdns = `candidate:${i} 1 UDP 2122187007 7003a12f-${String(i).padStart(4, '0')}-4c8a-9d0e-1f2a3b4c5d6e.local ${46000 + i} typ host`;
    const reply = await client.request('candidate', { candidate: mdns, sdpMid: '0', sdpMLineIndex: 0 });
    if (reply.type === 'reply') mdnsOk++;
  }
  check(mdnsOk === 70, `70 mDNS host candidates are accepted (${mdnsOk})`, mdnsOk);
  for (const junk of ['candidate:garbage', 'candidate:1 1 udp 1 host.example 5000 typ host', 'not a candidate']) {
    const bad = await client.request('candidate', { candidate: junk, sdpMid: '0' });
    expectError(bad, 'bad_request', `an unparseable candidate (${junk})`);
    check(bad.error?.message === 'the candidate cannot be parsed', 'its message names the candidate', bad);
  }
  const emptyMid = await client.request('candidate', { candidate: host(1), sdpMid: '', sdpMLineIndex: 0 });
  check(emptyMid.type === 'reply', 'a candidate with "sdpMid": "" and sdpMLineIndex 0 is accepted', emptyMid);
  let taken = 1;
  for (let n = 2; n <= 64; n++) {
    if (n === 61) { // end_of_candidates is a hint: later candidates are still taken
      const eoc = await client.request('end_of_candidates');
      check(eoc.type === 'reply', 'end_of_candidates is answered', eoc);
    }
    const reply = await client.request('candidate', { candidate: host(n), sdpMid: '0' });
    if (reply.type === 'reply') taken++;
  }
  check(taken === 64, `64 candidates are taken after 70 mDNS and 3 unparseable ones (${taken})`, taken);
  expectError(await client.request('candidate', { candidate: host(65), sdpMid: '0' }),
    'too_many_candidates', 'the 65th candidate');
  await client.request('leave');
  client.close();
}

try {
  await checkSignalling();
  await checkReoffers();
  await checkCandidates();
  await checkHttp();
} catch (error) {
  console.log(`FAIL ${error.stack}`);
  failures.push(error.message);
} finally {
  for (const client of openClients) client.socket.terminate();
}
if (failures.length > 0) {
  console.log(`${failures.length} check(s) failed: ${failures.join('; ')}`);
  process.exitCode = 1;
}
