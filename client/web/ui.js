// ui.js - the page's DOM: reads the join form, shows the two videos, the connection
// state badges, the stats line, the mute buttons, the roster and the error banner.

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

  // Handlers: onJoin({conference, name, pin}), onLeave(), onToggleAudio(), onToggleVideo().
  bind({ onJoin, onLeave, onToggleAudio, onToggleVideo }) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      onJoin(this.readForm());
    });
    $('leave').addEventListener('click', onLeave);
    $('mute-audio').addEventListener('click', onToggleAudio);
    $('mute-video').addEventListener('click', onToggleVideo);
    $('error-dismiss').addEventListener('click', () => { $('error').hidden = true; });
    $('play').addEventListener('click', () => this.playMix());
  }

  fillForm({ conference, name, pin, token }) {
    if (conference) $('conference').value = conference;
    if (name) $('name').value = name;
    if (pin) $('pin').value = pin;
    this.token = token || null;   // an invited room's join token (from its join link)
  }

  readForm() {
    return {
      conference: $('conference').value.trim(),
      name: $('name').value.trim(),
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
    $('call-title').textContent = state.participant
      ? `${state.conference} · ${state.phase === 'in-call' ? 'in call' : state.phase}`
      : state.conference;

    setToggle('mute-audio', state.audioMuted, 'Unmute mic', 'Mute mic');
    setToggle('mute-video', state.videoMuted, 'Start camera', 'Stop camera');
    $('stats').textContent = formatStats(state.stats);
    this.renderRoster(state);

    $('error').hidden = !lastError;
    if (lastError) {
      $('error-code').textContent = lastError.code;
      $('error-message').textContent = lastError.message;
    }
  }

  // The conference's participants (mixing conferences only; hidden when empty).
  renderRoster({ participants, participant: me, activeSpeaker, layout }) {
    $('roster').hidden = participants.length === 0;
    $('roster-count').textContent = String(participants.length);
    $('layout').textContent = layout ? `layout ${layout}` : '';
    $('roster-list').replaceChildren(...participants.map((p) => {
      const item = document.createElement('li');
      item.classList.toggle('speaking', p.participant === activeSpeaker);
      item.append(p.name);
      if (p.participant === me) item.append(tag('you', 'me'));
      if (p.audio_muted) item.append(tag('mic off', 'off'));
      if (p.video_muted) item.append(tag('camera off', 'off'));
      return item;
    }));
  }
}

function tag(text, kind) {
  const span = document.createElement('span');
  span.className = `tag ${kind}`;
  span.textContent = text;
  return span;
}

function setBadge(id, value) {
  const badge = $(id);
  badge.textContent = value;
  badge.dataset.tone = TONES[value] || 'idle';
}

function setToggle(id, pressed, pressedLabel, releasedLabel) {
  const button = $(id);
  button.setAttribute('aria-pressed', String(pressed));
  button.textContent = pressed ? pressedLabel : releasedLabel;
}

function formatStats(stats) {
  if (!stats) return 'waiting for media…';
  const size = stats.width ? `${stats.width}×${stats.height}` : 'no video yet';
  return [
    `in: ${size}`,
    `${stats.fps.toFixed(0)} fps`,
    `${stats.inKbps.toFixed(0)} kbit/s`,
    `${stats.packetsLost} lost`,
    `out: ${stats.outKbps.toFixed(0)} kbit/s`,
  ].join(' · ');
}
