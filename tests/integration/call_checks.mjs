// call_checks.mjs - reads a web-client page's call for tests (window.hoinghi, inbound RTP
// stats by kind, sent tracks, mix element, error banner, roster text) and waits, bounded,
// for a condition on it.
import { poll } from './chromium.mjs';

export const WAIT_SECONDS = 10;

// A check that did not hold; `call` is the last reading, printed by the test.
export class CheckFailed extends Error {
  constructor(message, call) {
    super(message);
    this.call = call;
  }
}

export function readCall(page) {
  return page.evaluate(async () => {
    const { pc, state, lastError } = window.hoinghi;
    const inbound = {};
    if (pc) {
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp') inbound[s.kind] = s;
      });
    }
    const sending = pc ? Object.fromEntries(pc.getSenders().filter((s) => s.track)
      .map((s) => [s.track.kind, s.track.enabled])) : {};
    const mix = document.getElementById('mix');
    const banner = document.getElementById('error');
    const roster = document.getElementById('roster');
    return {
      state, lastError, inbound, sending,
      mix: { muted: mix.muted, paused: mix.paused, tracks: mix.srcObject ? mix.srcObject.getTracks().length : 0 },
      errorBanner: banner.hidden ? '' : banner.textContent,
      rosterText: roster.hidden ? '' : roster.textContent,
    };
  });
}

// Polls the page's call until `holds(call)`; throws CheckFailed with the last reading if
// it does not hold within WAIT_SECONDS or the page gives up on the call.
export async function expectWithin(description, page, holds) {
  let reading = null;
  const call = await poll(WAIT_SECONDS, async () => {
    reading = await readCall(page);
    return holds(reading) || reading.state.phase === 'failed' ? reading : null;
  });
  if (!call || !holds(call)) throw new CheckFailed(`not within ${WAIT_SECONDS} s: ${description}`, reading);
  return call;
}

// Prints why a test failed (the last reading, or the stack of an unexpected error).
export function reportFailure(error) {
  console.error(`FAIL: ${error.message}`);
  if (error.call) console.error(JSON.stringify(error.call, null, 2));
  else console.error(error.stack);
}
