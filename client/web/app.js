// app.js - the web client's entry point: picks the language (?lang=vi|en, else the
// browser's preference; i18n.js), wires the page to a Session, prefills the form from
// the URL (?conference=ID&name=NAME&pin=PIN&autojoin=1 joins with no click;
// &token=T is an invited room's join token from its join link) and exposes
// window.hoinghi for tests (docs/testing.md): state, pc, lastError, the roster
// (participants, activeSpeaker, layout), the conference events received, and
// leave() / setMuted() / setVideoQuality() / restartIce(), and the page's language;
// share: the presentation (share.js: state, reason, error).

import { Session } from './session.js';
import { PageView } from './ui.js';
import { chooseLanguage, setLanguage, currentLanguage, t } from './i18n.js';
import { DevicePicker } from './devices.js';
import { Share } from './share.js';

setLanguage(chooseLanguage(location.search, navigator.languages || [navigator.language]));
const view = new PageView();
const devices = new DevicePicker({
  preview: document.getElementById('preview'),
  camera: document.getElementById('camera'),
  microphone: document.getElementById('microphone'),
  level: document.getElementById('level-bar'),
});
const wsScheme = location.protocol === 'https:' ? 'wss' : 'ws';
let wasInSession = false;
const session = new Session(`${wsScheme}://${location.host}/ws`, {
  onChange: () => {
    // Back on the form after a meeting: the preview runs again.
    if (wasInSession && !session.inSession) devices.start();
    wasInSession = session.inSession;
    view.render(session);
  },
  openMedia: () => devices.getUserMedia(),
  onLocalStream: (stream) => view.showLocal(stream),
  onRemoteStream: (stream) => view.showRemote(stream),
});

// Presenting (share.js): the Share button starts or stops this room's share.
let joinDetails = null;
const shareButton = document.getElementById('share');
function renderShareButton() {
  shareButton.setAttribute('aria-pressed', String(share.active));
  shareButton.textContent = t(share.active ? 'share.stop' : 'share.start');
}
const share = new Share(`${wsScheme}://${location.host}/ws`, { onChange: () => renderShareButton() });
shareButton.addEventListener('click', () => {
  if (share.active) share.stop('stopped by this room');
  else if (joinDetails && session.state.phase === 'in-call') share.start(joinDetails, session.state.participant);
});

// The call takes the devices: the preview lets them go first; the share joins with the
// same details.
function join(details) {
  devices.stop();
  joinDetails = details;
  return session.join(details);
}

view.bind({
  onJoin: (details) => join(details),
  onLeave: () => {
    share.stop('the room left');
    session.leave();
  },
  onToggleAudio: () => session.toggleAudio(),
  onToggleVideo: () => session.toggleVideo(),
  onLanguage: () => {
    setLanguage(currentLanguage() === 'vi' ? 'en' : 'vi');
    const url = new URL(location.href);
    url.searchParams.set('lang', currentLanguage());
    history.replaceState(null, '', url);
    view.translate();
    view.render(session);
    renderShareButton();
  },
});

window.hoinghi = {
  get state() { return session.state; },
  get pc() { return session.pc; },
  get lastError() { return session.lastError; },
  get participants() { return session.state.participants; },
  get activeSpeaker() { return session.state.activeSpeaker; },
  get layout() { return session.state.layout; },
  get events() { return session.events; },
  get language() { return currentLanguage(); },
  devices,
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
view.translate();
view.render(session);
if (params.get('autojoin') === '1' && view.formIsValid()) join(view.readForm());
else devices.start();
