// session.js - one visit to a conference, from join to leave: camera and microphone,
// the signalling connection, the media call, mute switches (local track + the server's
// `mute` request), the conference roster, the stats sampler and the state the page
// shows (and tests read through window.hoinghi). When the connection is lost after the
// room was in the meeting (network drop, server restart, ICE given up) it rejoins the
// same meeting by itself, waiting 1, 2, 4, ... s between attempts, at most a minute.
// Notices carry a kind: `info` (the ending notice, a normal end, a reconnect) or
// `error`; the page words them (i18n.js).

import { Signalling, ServerError } from './signalling.js';
import { Call, CALL_EVENTS } from './call.js';
import { StatsSampler } from './stats.js';
import { Roster, CONFERENCE_EVENTS } from './roster.js';
import { nfc } from './i18n.js';

const LEAVE_REPLY_WAIT_MS = 2000;
const EVENT_LOG_SIZE = 200;
// Seconds before reconnect attempt 1, 2, ...; the last one repeats (at most a minute).
export const RECONNECT_DELAYS_S = [1, 2, 4, 8, 16, 32, 60];
const RECONNECTED_NOTICE_MS = 15000;   // "reconnected" shows this long
// Join refusals that another attempt cannot mend: the room stops trying.
const FINAL_JOIN_ERRORS = new Set(['unknown_conference', 'wrong_pin', 'invalid_token', 'conference_locked',
  'unsupported_version', 'NotAllowedError', 'NotFoundError']);
// `bye` reasons of a meeting that ended as planned, and of an operator's removal.
const ENDED_REASONS = /conference ended|meeting over/i;
const REMOVED_REASONS = /removed by an operator/i;

function initialState() {
  return {
    phase: 'idle',         // idle | joining | negotiating | in-call | reconnecting | left | failed
    signalling: 'closed',  // closed | connecting | open
    ice: 'new',            // RTCPeerConnection.iceConnectionState
    iceRestarts: 0,        // ICE restarts the server answered
    connection: 'new',     // RTCPeerConnection.connectionState (ICE + DTLS)
    media: 'none',         // the server's last `media` event state
    mediaReason: '',
    conference: '',
    title: '',             // the meeting's title (join reply), NFC; '' when it has none
    participant: '',
    audioMuted: false,     // the mute switches: the local tracks are disabled
    videoMuted: false,
    confirmedAudioMuted: null,  // the server's word on our mute state (null: none yet)
    confirmedVideoMuted: null,
    participants: [],      // mixing conferences: [{participant, name, audio_muted, video_muted}]
    activeSpeaker: null,   // participant id or null
    layout: '',            // the conference layout's name; '' outside mixing conferences
    presenter: null,       // {participant, name} of the room presenting, or null
    stats: null,           // the latest StatsSampler figures
    waitingForHost: false, // a host-required conference without its host: no media yet
    host: false,           // we joined with the host token
    reconnect: null,       // while reconnecting: { attempt, seconds (until the next try) }
    reconnects: 0,         // successful rejoins in this visit
  };
}

export class Session {
  // onChange() is called after every state change; onLocalStream / onRemoteStream get
  // the streams to show (null when they go away).
  // openMedia() resolves with the camera and microphone stream (the chosen devices).
  constructor(wsUrl, { onChange, onLocalStream, onRemoteStream, openMedia }) {
    this.wsUrl = wsUrl;
    this.openMedia = openMedia || (() => navigator.mediaDevices.getUserMedia({
      audio: true, video: { width: { ideal: 640 }, height: { ideal: 480 } } }));
    this.onChange = onChange;
    this.onLocalStream = onLocalStream;
    this.onRemoteStream = onRemoteStream;
    this.state = initialState();
    this.lastError = null;   // { code, message, kind: 'error' | 'info', ...words for the page }
    this.signalling = null;
    this.call = null;
    this.localStream = null;
    this.statsTimer = null;
    this.visit = 0;          // bumped by teardown: a join still in flight sees it is over
    this.roster = new Roster();
    this.events = [];        // the last conference events received, oldest first (for tests)
    this.muteSeq = 0;        // bumped per `mute` request: only the newest reply counts
    this.mutePending = 0;    // `mute` requests without an answer yet
    this.details = null;     // the last join's details, for rejoining
    this.reachedCall = false; // this visit was in the meeting once: losses are rejoined
    this.reconnectTimer = null;
    this.reconnectAttempt = 0;
  }

  get pc() {
    return this.call ? this.call.pc : null;
  }

  get inSession() {
    return ['joining', 'negotiating', 'in-call', 'reconnecting'].includes(this.state.phase);
  }

  // A join from the page (the form, a link): a new visit.
  join(details) {
    if (this.inSession) return Promise.resolve();
    this.details = { ...details, name: nfc(details.name) };
    this.reachedCall = false;
    this.reconnectAttempt = 0;
    this.lastError = null;
    return this.connect();
  }

  async connect() {
    const { conference } = this.details;
    const rejoining = this.reconnectAttempt > 0;
    const kept = rejoining ? { reconnects: this.state.reconnects, audioMuted: this.state.audioMuted,
      videoMuted: this.state.videoMuted, title: this.state.title } : {};
    this.state = { ...initialState(), ...kept, phase: 'joining', conference };
    this.roster.clear();
    this.events = [];
    this.onChange();
    const visit = this.visit;
    try {
      const stream = await this.openMedia();
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
        onClose: (event) => this.lost(event?.code === 4000
          ? new ServerError('connection_lost', 'the server stopped answering')
          : new ServerError('connection_closed', 'the server closed the signalling connection')),
      });
      await this.signalling.connect();
      this.update({ signalling: 'open' });

      const joined = await this.signalling.join(this.details);
      // waitingForHost follows the events only (one may arrive before this line runs).
      this.update({ phase: 'negotiating', participant: joined.participant, conference: joined.conference || conference,
        title: nfc(joined.title || ''), host: joined.host === true });

      this.call = new Call(this.signalling, {
        onRemoteStream: (stream) => this.onRemoteStream(stream),
        onStateChange: () => this.readPeerState(),
      });
      this.onChange();
      await this.call.start(this.localStream);
      if (visit !== this.visit) return;
      this.reachedCall = true;
      if (rejoining) {
        this.reconnectAttempt = 0;
        const notice = { code: 'reconnected', message: 'back in the meeting', kind: 'info' };
        this.lastError = notice;
        this.state.reconnects += 1;
        setTimeout(() => {
          if (this.lastError === notice) {
            this.lastError = null;
            this.onChange();
          }
        }, RECONNECTED_NOTICE_MS);
      }
      if (this.state.audioMuted || this.state.videoMuted) this.sendMute();
      this.update({ phase: 'in-call' });
      this.startStats();
    } catch (error) {
      // Leaving mid-join makes the pending steps fail: that is no error.
      if (visit !== this.visit) return;
      if (rejoining && !FINAL_JOIN_ERRORS.has(error.code || error.name)) this.lost(error);
      else this.fail(error);
    }
  }

  // The connection was lost: a room that was in the meeting rejoins it (backoff);
  // otherwise this is a failure.
  lost(error) {
    if (!this.reachedCall || ['left', 'failed'].includes(this.state.phase)) {
      this.fail(error);
      return;
    }
    if (this.state.phase === 'reconnecting') return;
    const attempt = this.reconnectAttempt + 1;
    this.reconnectAttempt = attempt;
    const seconds = RECONNECT_DELAYS_S[Math.min(attempt, RECONNECT_DELAYS_S.length) - 1];
    // The cause's code stays (what happened); `reconnecting` says what the page does.
    const code = error.code || error.name || 'error';
    this.lastError = { code, kind: 'info', reconnecting: { attempt, seconds },
      message: `${error.message || code}: reconnecting in ${seconds} s, attempt ${attempt}` };
    console.warn(this.lastError.message);
    this.teardown('reconnecting');
    this.state.media = 'none';
    const due = Date.now() + seconds * 1000;
    this.state.reconnect = { attempt, seconds };
    const tick = () => {
      const left = Math.max(0, Math.ceil((due - Date.now()) / 1000));
      if (left > 0) {
        this.state.reconnect = { attempt, seconds: left };
        this.lastError = { ...this.lastError, reconnecting: { attempt, seconds: left } };
        this.onChange();
        this.reconnectTimer = setTimeout(tick, Math.min(1000, due - Date.now()));
        return;
      }
      this.reconnectTimer = null;
      this.state.reconnect = { attempt, seconds: 0 };
      this.lastError = { ...this.lastError, reconnecting: { attempt, seconds: 0 } };
      this.connect();
    };
    this.reconnectTimer = setTimeout(tick, Math.min(1000, seconds * 1000));
    this.onChange();
  }

  // Says goodbye to the server (bounded wait for its reply) and releases everything.
  async leave() {
    if (!this.inSession) return;
    if (this.lastError?.kind === 'info') this.lastError = null;   // a notice, not an error
    if (this.state.phase === 'reconnecting') {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.teardown('left');
      return;
    }
    if (this.signalling && this.state.participant && this.state.signalling === 'open') {
      const bye = this.signalling.request('leave').catch(() => {});
      await Promise.race([bye, new Promise((resolve) => setTimeout(resolve, LEAVE_REPLY_WAIT_MS))]);
    }
    this.teardown('left');
  }

  toggleAudio() {
    this.setMuted({ audio: !this.state.audioMuted });
  }

  toggleVideo() {
    this.setMuted({ video: !this.state.videoMuted });
  }

  // Asks the server for the high or low picture, or 'auto' (its bandwidth decides);
  // mixing conferences only. Resolves with the server's reply data.
  setVideoQuality(quality) {
    if (!this.signalling) return Promise.reject(new Error('not connected'));
    return this.signalling.request('video_quality', { quality });
  }

  // setMuted({audio, video}): either may be left out. Disables / enables the local
  // tracks at once and, in a mixing conference, asks the server to mute us too (so the
  // mix drops our audio and shows our name tile); the server's reply is the confirmed
  // state.
  setMuted({ audio, video }) {
    if (typeof audio === 'boolean') this.state.audioMuted = audio;
    if (typeof video === 'boolean') this.state.videoMuted = video;
    this.applyMute();
    this.onChange();
    this.sendMute();
  }

  // Muting disables the local track: the call goes on with silence / black frames.
  applyMute() {
    if (!this.localStream) return;
    this.localStream.getAudioTracks().forEach((t) => { t.enabled = !this.state.audioMuted; });
    this.localStream.getVideoTracks().forEach((t) => { t.enabled = !this.state.videoMuted; });
  }

  // Sends the whole wished-for state; only the newest request's answer is applied.
  // Only mixing conferences take `mute` (they are the ones that send a roster).
  async sendMute() {
    if (!this.signalling || !this.state.participant || this.state.signalling !== 'open') return;
    if (this.roster.participants.length === 0) return;
    const seq = ++this.muteSeq;
    const signalling = this.signalling;
    this.mutePending += 1;
    try {
      const data = await signalling.request('mute', { audio: this.state.audioMuted, video: this.state.videoMuted });
      if (seq === this.muteSeq && signalling === this.signalling) this.confirmMute(data.audio, data.video);
    } catch (error) {
      // The local tracks stay disabled either way: a refusal leaves the state unconfirmed.
      if (seq === this.muteSeq && signalling === this.signalling) {
        console.warn('mute request refused:', error.code, error.message);
      }
    } finally {
      this.mutePending -= 1;
    }
  }

  // The server's word on our own mute state (a `mute` reply, or a `mute` event about
  // us, e.g. from an operator). A server-side mute also mutes the local track; a
  // server-side unmute never turns the microphone or camera on by itself.
  confirmMute(audio, video) {
    const fields = {};
    if (typeof audio === 'boolean') fields.confirmedAudioMuted = audio;
    if (typeof video === 'boolean') fields.confirmedVideoMuted = video;
    this.roster.setMute(this.state.participant, audio, video);
    Object.assign(fields, this.rosterFields());
    if (audio === true && !this.state.audioMuted) fields.audioMuted = true;
    if (video === true && !this.state.videoMuted) fields.videoMuted = true;
    Object.assign(this.state, fields);
    this.applyMute();
    this.onChange();
  }

  // Copies of the roster for the page state (tests read them through window.hoinghi).
  rosterFields() {
    return {
      participants: this.roster.participants.map((p) => ({ ...p })),
      activeSpeaker: this.roster.activeSpeaker,
      layout: this.roster.layout,
      presenter: this.roster.presenter ? { ...this.roster.presenter } : null,
    };
  }

  handleConferenceEvent(message) {
    this.events.push(message);
    if (this.events.length > EVENT_LOG_SIZE) this.events.shift();
    this.roster.apply(message);
    const self = this.state.participant;
    if (message.type === 'mute' && message.participant === self && this.mutePending === 0) {
      this.confirmMute(message.audio_muted, message.video_muted);
      return;
    }
    const me = message.type === 'participants' && self ? this.roster.find(self) : null;
    if (me && this.mutePending === 0) {
      if ((this.state.audioMuted && !me.audio_muted) || (this.state.videoMuted && !me.video_muted)) {
        // Muted while joining, before the server took `mute`: tell it now.
        this.update(this.rosterFields());
        this.sendMute();
      } else {
        this.confirmMute(me.audio_muted, me.video_muted);
      }
      return;
    }
    this.update(this.rosterFields());
  }

  handleEvent(message) {
    if (CONFERENCE_EVENTS.has(message.type)) {
      this.handleConferenceEvent(message);
      return;
    }
    if (CALL_EVENTS.has(message.type)) {
      if (this.call) this.call.handleEvent(message);
      return;
    }
    switch (message.type) {
      case 'media':
        this.update({ media: message.state, mediaReason: message.reason || '' });
        if (message.state === 'failed') {
          this.lost(new ServerError('media_failed', message.reason || 'the media session failed'));
        }
        break;
      case 'bye': {
        // A meeting that ended as planned and an operator's removal are information;
        // any other reason (the media session failed, consent lost) is an error.
        const reason = message.reason || 'the server ended the call';
        const words = ENDED_REASONS.test(reason) ? 'ended' : REMOVED_REASONS.test(reason) ? 'removed' : 'other';
        if (words === 'other') {
          this.lost(new ServerError('bye', reason));
          break;
        }
        this.lastError = { code: 'bye', message: reason, kind: 'info', words };
        this.teardown('left');
        break;
      }
      case 'waiting_for_host':
        this.update({ waitingForHost: true });
        break;
      case 'host_present':
        this.update({ waitingForHost: false });
        break;
      case 'conference_ending': {
        // A scheduled meeting ends soon: say so in the banner, stay in.
        const minutes = Math.max(1, Math.round((message.seconds || 0) / 60));
        const endsAt = message.ends_at ? new Date(message.ends_at) : null;
        const at = endsAt && !Number.isNaN(endsAt.getTime()) ? endsAt : null;
        this.lastError = { code: 'ending', kind: 'info', minutes, endsAt: at ? at.toISOString() : null,
          message: `the meeting ends in about ${minutes} min${at ? ` (${at.toISOString()})` : ''}` };
        this.onChange();
        break;
      }
      case 'error':
        // The server could not read one of our messages (id null): show it, stay in.
        this.lastError = { code: message.error?.code || 'unknown', message: message.error?.message || '', kind: 'error' };
        this.onChange();
        break;
      default:
        break;
    }
  }

  readPeerState() {
    const pc = this.pc;
    if (!pc) return;
    this.update({ ice: pc.iceConnectionState, connection: pc.connectionState, iceRestarts: this.call.iceRestarts });
    // A failed connection gets one ICE restart (call.js) before the call is given up.
    if (this.call.gaveUp) {
      this.lost(new ServerError('ice_failed', 'the media connection to the server failed (ICE/DTLS)'));
    }
  }

  // Restarts ICE on the call (also done by itself when the path breaks; call.js).
  restartIce() {
    if (!this.call || this.state.phase !== 'in-call') return Promise.reject(new Error('not in a call'));
    return this.call.restartIce();
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
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.lastError = { code: error.code || error.name || 'error', message: error.message || String(error), kind: 'error' };
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
    this.roster.clear();
    this.update({
      phase, signalling: 'closed', media: this.state.media === 'none' ? 'none' : 'closed',
      confirmedAudioMuted: null, confirmedVideoMuted: null, ...this.rosterFields(),
    });
  }

  update(fields) {
    Object.assign(this.state, fields);
    this.onChange();
  }
}
