// ui.js - the page's DOM: reads the join form, shows the two videos (the mix on the
// stage, the self-view beside it), the meeting's title, the connection state badges,
// the stats line, the mute and full-screen buttons, the participant list (mute icons,
// speaking indicator, layout name) and the notice banner (information or error), all
// in the page's language (i18n.js).

import { t, errorSentence, nfc, translatePage, currentLanguage } from './i18n.js';

const $ = (id) => document.getElementById(id);

// Badge tone per state value: good, busy, bad or idle (grey).
const TONES = {
  open: 'good', connected: 'good', completed: 'good', 'in-call': 'good',
  connecting: 'busy', checking: 'busy', new: 'idle', joining: 'busy', negotiating: 'busy',
  failed: 'bad', disconnected: 'bad',
};

export class PageView {
  constructor() {
    this.form = $('join-form');
    this.local = $('local');
    this.mix = $('mix');
  }

  // Handlers: onJoin({conference, name, pin}), onLeave(), onToggleAudio(), onToggleVideo(),
  // onLanguage() (the language button).
  bind({ onJoin, onLeave, onToggleAudio, onToggleVideo, onLanguage }) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      onJoin(this.readForm());
    });
    $('leave').addEventListener('click', onLeave);
    $('mute-audio').addEventListener('click', onToggleAudio);
    $('mute-video').addEventListener('click', onToggleVideo);
    $('error-dismiss').addEventListener('click', () => { $('error').hidden = true; this.dismissed = this.noticeKey; });
    $('play').addEventListener('click', () => this.playMix());
    $('fullscreen').addEventListener('click', () => this.toggleFullscreen());
    $('language').addEventListener('click', onLanguage);
    document.addEventListener('fullscreenchange', () => this.renderFullscreen());
  }

  // The page's fixed words, in the current language (again after a switch).
  translate() {
    translatePage(document);
    this.rosterKey = null;
    this.renderFullscreen();
  }

  // Full screen shows the meeting picture alone (the stage element).
  toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else $('stage').requestFullscreen().catch((error) => console.warn('full screen refused:', error.message));
  }

  renderFullscreen() {
    const on = Boolean(document.fullscreenElement);
    const button = $('fullscreen');
    button.textContent = t(on ? 'fullscreen.exit' : 'fullscreen.enter');
    button.setAttribute('aria-pressed', String(on));
    button.disabled = !document.fullscreenEnabled;
  }

  fillForm({ conference, name, pin, token }) {
    if (conference) $('conference').value = conference;
    if (name) $('name').value = nfc(name);
    if (pin) $('pin').value = pin;
    this.token = token || null;   // an invited room's join token (from its join link)
  }

  readForm() {
    return {
      conference: $('conference').value.trim(),
      name: nfc($('name').value.trim()),
      pin: $('pin').value,
      ...(this.token ? { token: this.token } : {}),
    };
  }

  formIsValid() {
    return this.form.checkValidity();
  }

  showLocal(stream) {
    this.local.srcObject = stream;
  }

  showRemote(stream) {
    if (this.mix.srcObject === stream) return;
    this.mix.srcObject = stream;
    if (stream) this.playMix();
  }

  // Autoplay with sound may be refused without a click: offer a button then.
  playMix() {
    this.mix.play().then(
      () => { $('play').hidden = true; },
      () => { $('play').hidden = false; },
    );
  }

  // Shows a Session: its state, whether it is in a conference, its last error.
  render({ state, inSession, lastError }) {
    $('join-view').hidden = inSession;
    $('call-view').hidden = !inSession;
    $('join').disabled = inSession;

    setBadge('state-signalling', state.signalling);
    setBadge('state-ice', state.ice);
    setBadge('state-connection', state.connection);
    setBadge('state-media', state.media === 'none' ? '—' : state.media);
    // The meeting's title (its id when it has none), then how far the call is.
    const title = nfc(state.title) || state.conference;
    const phase = t(`phase.${state.phase}`);
    $('call-title').textContent = [title, phase.startsWith('phase.') ? '' : phase].filter(Boolean).join(' · ');
    document.title = title ? `${title} · ${t('page.title')}` : t('page.title');

    $('waiting-host').hidden = !state.waitingForHost;
    const presenter = state.presenter;
    $('presenting').hidden = !presenter;
    $('presenting').textContent = presenter ? t('presenting', { name: nfc(presenter.name) }) : '';
    setToggle('mute-audio', state.audioMuted, state.confirmedAudioMuted, t('mic.unmute'), t('mic.mute'));
    setToggle('mute-video', state.videoMuted, state.confirmedVideoMuted, t('camera.start'), t('camera.stop'));
    this.renderRoster(state);
    $('stats').textContent = formatStats(state.stats);
    $('join').textContent = t(state.phase === 'failed' || state.phase === 'left' ? 'join.retry' : 'join.submit');
    this.renderNotice(lastError);
  }

  // The banner: a sentence in the page's language, styled as information or error; an
  // error also names its code (for the people who support the room).
  renderNotice(notice) {
    const key = notice ? JSON.stringify([notice, currentLanguage()]) : null;
    this.noticeKey = key;
    const banner = $('error');
    banner.hidden = !notice || key === this.dismissed;
    if (!notice) return;
    banner.dataset.kind = notice.kind === 'info' ? 'info' : 'error';
    banner.setAttribute('role', notice.kind === 'info' ? 'status' : 'alert');
    $('error-message').textContent = noticeSentence(notice);
    const showCode = notice.kind !== 'info';
    $('error-code').hidden = !showCode;
    $('error-code').textContent = showCode ? `${t('error.code')}: ${notice.code}` : '';
  }

  // The participant list shows in mixing conferences (the server sent a roster).
  renderRoster(state) {
    const shown = state.participants.length > 0;
    $('roster').hidden = !shown;
    $('call-view').classList.toggle('with-roster', shown);
    if (!shown) return;
    $('roster-count').textContent = String(state.participants.length);
    $('layout-name').textContent = state.layout || '—';
    const key = JSON.stringify([state.participants, state.activeSpeaker, state.participant, currentLanguage()]);
    if (key === this.rosterKey) return;
    this.rosterKey = key;
    $('participant-list').replaceChildren(...state.participants.map((p) => participantItem(p, {
      self: p.participant === state.participant,
      speaking: p.participant === state.activeSpeaker,
    })));
  }
}

// The banner's sentence for a notice (session.js): reconnecting, the ending notice, a
// `bye`, a reconnect, or an error code.
function noticeSentence(notice) {
  if (notice.reconnecting) {
    const { attempt, seconds } = notice.reconnecting;
    return seconds > 0 ? t('notice.reconnecting', { attempt, seconds }) : t('notice.reconnecting.now', { attempt });
  }
  switch (notice.code) {
    case 'ending': {
      const at = notice.endsAt
        ? t('notice.ending.at', { time: new Date(notice.endsAt).toLocaleTimeString(currentLanguage(), { hour: '2-digit', minute: '2-digit' }) })
        : '';
      return t('notice.ending', { minutes: notice.minutes, at });
    }
    case 'reconnected': return t('notice.reconnected');
    case 'bye':
      if (notice.words === 'ended') return t('notice.ended');
      if (notice.words === 'removed') return t('notice.removed');
      return t('error.bye', { reason: notice.message });
    default: return errorSentence(notice.code);
  }
}

// One row: avatar (with the speaking indicator), name, microphone and camera icons.
function participantItem(p, { self, speaking }) {
  const item = el('li', 'participant');
  item.dataset.participant = p.participant;
  item.classList.toggle('self', self);
  item.classList.toggle('speaking', speaking);
  item.classList.toggle('audio-muted', p.audio_muted);
  item.classList.toggle('video-muted', p.video_muted);

  const avatar = el('span', 'avatar', initials(p.name));
  avatar.setAttribute('aria-hidden', 'true');
  const bars = el('span', 'speaking-bars');
  bars.append(el('i'), el('i'), el('i'));
  avatar.append(bars);

  const who = el('span', 'who');
  who.append(el('span', 'name', nfc(p.name)));
  if (self) who.append(el('span', 'tag', t('you')));

  const media = el('span', 'media-state');
  media.append(
    icon('mic', p.audio_muted, t(p.audio_muted ? 'mic.off' : 'mic.on')),
    icon('cam', p.video_muted, t(p.video_muted ? 'camera.off' : 'camera.on')),
  );
  item.append(avatar, who, media);
  item.title = `${nfc(p.name)}${self ? ` (${t('you')})` : ''}${speaking ? `, ${t('speaking')}` : ''}`
    + `${p.audio_muted ? `, ${t('mic.off')}` : ''}${p.video_muted ? `, ${t('camera.off')}` : ''}`;
  return item;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const ICON_PATHS = {
  // a microphone: capsule, stand and foot
  mic: ['M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z', 'M6 11a6 6 0 0 0 12 0', 'M12 17v4', 'M9 21h6'],
  // a video camera: body and lens cone
  cam: ['M4 7h10a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z', 'M15 11l5-3v8l-5-3'],
};

// The icon, with its meaning as (visually hidden) text for screen readers and tests.
function icon(kind, off, label) {
  const wrap = el('span', `media-icon ${kind}${off ? ' off' : ''}`);
  wrap.title = label;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const paths = off ? [...ICON_PATHS[kind], 'M3 3l18 18'] : ICON_PATHS[kind];
  for (const d of paths) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  wrap.append(svg, el('span', 'sr-only', label));
  return wrap;
}

// The first letters (or digits) of the first and last words that have one.
function initials(name) {
  const words = nfc(name).trim().split(/\s+/).map((w) => w.match(/[\p{L}\p{N}]/u)?.[0]).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((w) => w.toUpperCase()).join('') || '?';
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A state badge: its value in words (the raw state in data-state), coloured by tone.
function setBadge(id, value) {
  const badge = $(id);
  const words = t(`value.${value}`);
  badge.textContent = words.startsWith('value.') ? value : words;
  badge.dataset.state = value;
  badge.dataset.tone = TONES[value] || 'idle';
}

// pressed: the local switch; confirmed: the server's word (null: none). The button
// says "pending" while the server has not confirmed the switch's state yet.
function setToggle(id, pressed, confirmed, pressedLabel, releasedLabel) {
  const button = $(id);
  button.setAttribute('aria-pressed', String(pressed));
  button.textContent = pressed ? pressedLabel : releasedLabel;
  const pending = confirmed !== null && confirmed !== pressed;
  button.classList.toggle('pending', pending);
  button.title = confirmed === null ? '' : t(confirmed ? 'server.muted' : 'server.unmuted');
}

function formatStats(stats) {
  if (!stats) return t('stats.waiting');
  const size = stats.width ? `${stats.width}×${stats.height}` : t('stats.novideo');
  return [
    `${t('stats.in')}: ${size}`,
    `${stats.fps.toFixed(0)} fps`,
    `${stats.inKbps.toFixed(0)} kbit/s`,
    `${stats.packetsLost} ${t('stats.lost')}`,
    `${t('stats.out')}: ${stats.outKbps.toFixed(0)} kbit/s`,
  ].join(' · ');
}
