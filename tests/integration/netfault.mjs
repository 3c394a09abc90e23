// netfault.mjs - network faults on the test namespace's loopback, for the fault tests
// (run as root inside the namespace tests/run.sh makes). This kernel has no netem
// qdisc (docs/testing.md, "Network faults"), so:
//   loss(percent)  nftables: UDP packets dropped at random (numgen random mod 100) on
//                  the input hook, so each packet, either way, has that chance once;
//   blackout()     nftables: every UDP packet dropped on input (TCP signalling
//                  untouched);
// Drops are on input, not output: a packet dropped on output makes the sender's
// sendmsg() fail with EPERM, which no real network does (libnice takes it as a dead
// pair and consent fails at once); dropped on input it just never arrives.
//   jitter()       nftables steers a random half of the UDP packets (skb priority =
//                  an htb classid) into a slow htb class whose queue delays them up to
//                  JITTER_QUEUE_MS behind the others: delay variation and reordering
//                  (and some loss when the queue is full);
//   clear()        removes whatever was set.
// Only UDP is touched: ICE, DTLS, SRTP and consent checks; not the WebSocket.
import { execFileSync } from 'node:child_process';

const TABLE = 'hoinghi_faults';
export const JITTER_RATE_KBIT = 800;
export const JITTER_QUEUE_MS = 100;

function nft(script) {
  execFileSync('nft', ['-f', '-'], { input: script, stdio: ['pipe', 'inherit', 'inherit'] });
}

function tc(...args) {
  execFileSync('tc', args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

function setRule(rule) {
  clear();
  nft(`table inet ${TABLE} {
  chain in {
    type filter hook input priority 0; policy accept;
    ${rule}
  }
}
`);
}

export function loss(percent) {
  setRule(`meta l4proto udp numgen random mod 100 < ${percent} counter drop`);
}

export function blackout() {
  setRule('meta l4proto udp counter drop');
}

export function jitter() {
  clear();
  // 1:1 passes at once; 1:2 is a slow class with a byte-limited fifo: a packet there
  // waits behind the queue (at most JITTER_QUEUE_MS at its rate) while the next
  // packets through 1:1 overtake it.
  const queueBytes = Math.round((JITTER_RATE_KBIT * 1000 / 8) * (JITTER_QUEUE_MS / 1000));
  tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '1', 'r2q', '1000');
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '1gbit');
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:2', 'htb', 'rate', `${JITTER_RATE_KBIT}kbit`,
    'ceil', `${JITTER_RATE_KBIT}kbit`);
  tc('qdisc', 'add', 'dev', 'lo', 'parent', '1:2', 'handle', '20:', 'bfifo', 'limit', String(queueBytes));
  nft(`table inet ${TABLE} {
  chain out {
    type filter hook output priority 0; policy accept;
    meta l4proto udp meta priority set numgen random mod 2 map { 0 : 1:1, 1 : 1:2 } counter
  }
}
`);
}

// Removes the nftables rules only (one quick command: the fault ends when it returns).
export function clearRules() {
  try {
    execFileSync('nft', ['delete', 'table', 'inet', TABLE], { stdio: 'ignore' });
  } catch {
    // not there
  }
}

export function clear() {
  clearRules();
  try {
    execFileSync('tc', ['qdisc', 'del', 'dev', 'lo', 'root'], { stdio: 'ignore' });
  } catch {
    // not there
  }
}

// The fault's packet counters (nft list table), for the log.
export function counters() {
  try {
    return execFileSync('nft', ['list', 'table', 'inet', TABLE], { encoding: 'utf8' })
      .split('\n').filter((l) => l.includes('counter')).map((l) => l.trim()).join('; ');
  } catch {
    return '';
  }
}
