// session.js - one visit to a conference, from join to leave: camera and microphone,
// the signalling connection, the media call, mute switches, the conference roster
// (server events), the stats sampler and the state the page shows (and tests read
// through window.hoinghi).

import { Signalling, ServerError } from './signalling.js';
import { Call } from './call.js';
import { StatsSampler } from './stats.js';

const LEAVE_REPLY_WAIT_MS = 2000;

function initialState() {
  return {
    phase: 'idle',         // idle | joining | negotiating | in-call | left | failed
    signalling: 'closed',  // closed | connecting | open
    ice: 'new',            // RTCPeerConnection.iceConnectionState
    connection: 'new',     // RTCPeerConnection.connectionState (ICE + DTLS)
    media: 'none',         // the server's last `media` event state
    mediaReason: '',
    conference: '',
    participant: '',
    audioMuted: false,
    videoMuted: false,
    participants: [],      // mixing conferences: [{participant, name, audio_muted, video_muted}]
    activeSpeaker: null,   // participant id
    layout: '',
    stats: null,           // the latest StatsSampler figures
  };
}

export class Session {
  // onChange() is called after every state change; onLocalStream / onRemoteStream get
  // the streams to show (null when they go away).
  constructor(wsUrl, { onChange, onLocalStream, onRemoteStream }) {
    this.wsUrl = wsUrl;
    this.onChange = onChange;
    this.onLocalStream = onLocalStream;
    this.onRemoteStream = onRemoteStream;
    this.state = initialState();
    this.lastError = null;   // { code, message }
    this.signalling = null;
    this.call = null;
    this.localStream = null;
    this.statsTimer = null;
    this.visit = 0;          // bumped by teardown: a join still in flight sees it is over
  }

  get pc() {
    return this.call ? this.call.pc : null;
  }

  get inSession() {
    return ['joining', 'negotiating', 'in-call'].includes(this.state.phase);
  }

  async join({ conference, name, pin, token }) {
    if (this.inSession) return;
    this.state = { ...initialState(), phase: 'joining', conference };
    this.lastError = null;
    this.onChange();
    const visit = this.visit;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: { width: { ideal: 640 }, height: { ideal: 480 } },
      });
      if (visit !== this.visit) {
        stream.getTracks().forEach((t) => t.stop());
        return;
      }
      this.localStream = stream;
      this.applyMute();
      this.onLocalStream(this.localStream);

      this.update({ signalling: 'connecting' });
      this.signalling = new Signalling(this.wsUrl, {
        onEvent: (message) => this.handleEvent(message),
        onClose: () => this.fail(new ServerError('connection_closed', 'the server closed the signalling connection')),
      });
      await this.signalling.connect();
      this.update({ signalling: 'open' });

      const joined = await this.signalling.request('join', { conference, name, ...(pin ? { pin } : {}), ...(token ? { token } : {}) });
      this.update({ phase: 'negotiating', participant: joined.participant, conference: joined.conference || conference });

      this.call = new Call(this.signalling, {
        onRemoteStream: (stream) => this.onRemoteStream(stream),
        onStateChange: () => this.readPeerState(),
      });
      this.onChange();
      await this.call.start(this.localStream);
      if (visit !== this.visit) return;
      this.update({ phase: 'in-call' });
      this.startStats();
    } catch (error) {
      // Leaving mid-join makes the pending steps fail: that is no error.
      if (visit === this.visit) this.fail(error);
    }
  }

  // Says goodbye to the server (bounded wait for its reply) and releases everything.
  async leave() {
    if (!this.inSession) return;
    if (this.signalling && this.state.participant && this.state.signalling === 'open') {
      const bye = this.signalling.request('leave').catch(() => {});
      await Promise.race([bye, new Promise((resolve) => setTimeout(resolve, LEAVE_REPLY_WAIT_MS))]);
    }
    this.teardown('left');
  }

  toggleAudio() {
    this.state.audioMuted = !this.state.audioMuted;
    this.applyMute();
    this.announceMute({ audio: this.state.audioMuted });
  }

  toggleVideo() {
    this.state.videoMuted = !this.state.videoMuted;
    this.applyMute();
    this.announceMute({ video: this.state.videoMuted });
  }

  // Muting disables the local track: the call goes on with silence / black frames.
  applyMute() {
    if (this.localStream) {
      this.localStream.getAudioTracks().forEach((t) => { t.enabled = !this.state.audioMuted; });
      this.localStream.getVideoTracks().forEach((t) => { t.enabled = !this.state.videoMuted; });
    }
    this.onChange();
  }

  // Tells a mixing conference (its mix leaves out muted audio, shows a name tile for
  // muted video). Only mixing conferences send a roster and take `mute`; if the server
  // refuses it anyway, the local mute still holds.
  announceMute(change) {
    if (!this.signalling || this.state.participants.length === 0) return;
    this.signalling.request('mute', change)
      .catch((error) => console.warn('mute not announced:', error.code, error.message));
  }

  handleEvent(message) {
    switch (message.type) {
      case 'candidate':
      case 'end_of_candidates':
        if (this.call) this.call.handleEvent(message);
        break;
      case 'media':
        this.update({ media: message.state, mediaReason: message.reason || '' });
        if (message.state === 'failed') {
          this.fail(new ServerError('media_failed', message.reason || 'the media session failed'));
        }
        break;
      case 'bye':
        this.lastError = { code: 'bye', message: message.reason || 'the server ended the call' };
        this.teardown('left');
        break;
      case 'participants':
        this.update({
          participants: (message.participants || []).map(rosterEntry),
          layout: message.layout || '',
          activeSpeaker: message.active_speaker || null,
        });
        break;
      case 'participant_joined':
        this.update({ participants: [...this.withoutParticipant(message.participant), rosterEntry(message)] });
        break;
      case 'participant_left':
        this.update({ participants: this.withoutParticipant(message.participant) });
        break;
      case 'mute':
        this.update({
          participants: this.state.participants.map((p) => (p.participant === message.participant
            ? { ...p, audio_muted: message.audio_muted, video_muted: message.video_muted } : p)),
        });
        break;
      case 'active_speaker':
        this.update({ activeSpeaker: message.participant || null });
        break;
      case 'layout':
        this.update({ layout: message.layout || '' });
        break;
      case 'error':
        // The server could not read one of our messages (id null): show it, stay in.
        this.lastError = { code: message.error?.code || 'unknown', message: message.error?.message || '' };
        this.onChange();
        break;
      default:
        break;
    }
  }

  withoutParticipant(id) {
    return this.state.participants.filter((p) => p.participant !== id);
  }

  readPeerState() {
    const pc = this.pc;
    if (!pc) return;
    this.update({ ice: pc.iceConnectionState, connection: pc.connectionState });
    if (pc.connectionState === 'failed') {
      this.fail(new ServerError('ice_failed', 'the media connection to the server failed (ICE/DTLS)'));
    }
  }

  startStats() {
    const sampler = new StatsSampler(this.pc);
    this.statsTimer = setInterval(async () => {
      try {
        this.update({ stats: await sampler.sample() });
      } catch {
        // the connection closed between two samples
      }
    }, 1000);
  }

  fail(error) {
    if (this.state.phase === 'failed' || this.state.phase === 'left') return;
    this.lastError = { code: error.code || error.name || 'error', message: error.message || String(error) };
    if (this.signalling && this.state.participant && this.state.signalling === 'open') {
      this.signalling.request('leave').catch(() => {});
    }
    this.teardown('failed');
  }

  teardown(phase) {
    this.visit += 1;
    clearInterval(this.statsTimer);
    this.statsTimer = null;
    if (this.call) this.call.close();
    this.call = null;
    if (this.signalling) this.signalling.close();
    this.signalling = null;
    if (this.localStream) this.localStream.getTracks().forEach((t) => t.stop());
    this.localStream = null;
    this.onLocalStream(null);
    this.onRemoteStream(null);
    this.update({ phase, signalling: 'closed', media: this.state.media === 'none' ? 'none' : 'closed' });
  }

  update(fields) {
    Object.assign(this.state, fields);
    this.onChange();
  }
}

function rosterEntry({ participant, name, audio_muted, video_muted }) {
  return { participant, name, audio_muted: Boolean(audio_muted), video_muted: Boolean(video_muted) };
}
