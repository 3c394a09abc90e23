// app.js - the web client's entry point: wires the page to a Session, prefills the
// form from the URL (?conference=ID&name=NAME&pin=PIN&autojoin=1 joins with no click;
// &token=T is an invited room's join token from its join link) and exposes
// window.hoinghi for tests (docs/testing.md): state, pc, lastError, the roster
// (participants, activeSpeaker, layout), the conference events received, and
// leave() / setMuted() / setVideoQuality() / restartIce(); share: the presentation
// (share.js: state, reason, error).

import { Session } from './session.js';
import { PageView } from './ui.js';
import { Share } from './share.js';

const view = new PageView();
const wsScheme = location.protocol === 'https:' ? 'wss' : 'ws';
const session = new Session(`${wsScheme}://${location.host}/ws`, {
  onChange: () => view.render(session),
  onLocalStream: (stream) => view.showLocal(stream),
  onRemoteStream: (stream) => view.showRemote(stream),
});

// Presenting (share.js): the Share button starts or stops this room's share.
let joinDetails = null;
const shareButton = document.getElementById('share');
const share = new Share(`${wsScheme}://${location.host}/ws`, {
  onChange: () => {
    shareButton.setAttribute('aria-pressed', String(share.active));
    shareButton.textContent = share.active ? 'Stop sharing' : 'Share screen';
  },
});
shareButton.addEventListener('click', () => {
  if (share.active) share.stop('stopped by this room');
  else if (joinDetails && session.state.phase === 'in-call') share.start(joinDetails, session.state.participant);
});

function join(details) {
  joinDetails = details;   // the share joins with the same details
  session.join(details);
}

view.bind({
  onJoin: join,
  onLeave: () => {
    share.stop('the room left');
    session.leave();
  },
  onToggleAudio: () => session.toggleAudio(),
  onToggleVideo: () => session.toggleVideo(),
});

window.hoinghi = {
  get state() { return session.state; },
  get pc() { return session.pc; },
  get lastError() { return session.lastError; },
  get participants() { return session.state.participants; },
  get activeSpeaker() { return session.state.activeSpeaker; },
  get layout() { return session.state.layout; },
  get events() { return session.events; },
  get sendLimits() { return session.call ? session.call.appliedLimits : null; },
  leave: () => session.leave(),
  setMuted: (wanted) => session.setMuted(wanted),
  setVideoQuality: (quality) => session.setVideoQuality(quality),
  restartIce: () => session.restartIce(),
  get share() { return { state: share.state, reason: share.reason, error: share.error }; },
};

const params = new URLSearchParams(location.search);
view.fillForm({ conference: params.get('conference'), name: params.get('name'), pin: params.get('pin'),
  token: params.get('token') });
view.render(session);
if (params.get('autojoin') === '1' && view.formIsValid()) join(view.readForm());
