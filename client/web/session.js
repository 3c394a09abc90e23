// session.js - one visit to a conference, from join to leave: camera and microphone,
// the signalling connection, the media call, mute switches (local track + the server's
// `mute` request), the conference roster, the stats sampler and the state the page
// shows (and tests read through window.hoinghi).

import { Signalling, ServerError } from './signalling.js';
import { Call } from './call.js';
import { StatsSampler } from './stats.js';
import { Roster, CONFERENCE_EVENTS } from './roster.js';

const LEAVE_REPLY_WAIT_MS = 2000;
const EVENT_LOG_SIZE = 200;

function initialState() {
  return {
    phase: 'idle',         // idle | joining | negotiating | in-call | left | failed
    signalling: 'closed',  // closed | connecting | open
    ice: 'new',            // RTCPeerConnection.iceConnectionState
    iceRestarts: 0,        // ICE restarts the server answered
    connection: 'new',     // RTCPeerConnection.connectionState (ICE + DTLS)
    media: 'none',         // the server's last `media` event state
    mediaReason: '',
    conference: '',
    participant: '',
    audioMuted: false,     // the mute switches: the local tracks are disabled
    videoMuted: false,
    confirmedAudioMuted: null,  // the server's word on our mute state (null: none yet)
    confirmedVideoMuted: null,
    participants: [],      // mixing conferences: [{participant, name, audio_muted, video_muted}]
    activeSpeaker: null,   // participant id or null
    layout: '',            // the conference layout's name; '' outside mixing conferences
    stats: null,           // the latest StatsSampler figures
    waitingForHost: false, // a host-required conference without its host: no media yet
    host: false,           // we joined with the host token
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
    this.roster = new Roster();
    this.events = [];        // the last conference events received, oldest first (for tests)
    this.muteSeq = 0;        // bumped per `mute` request: only the newest reply counts
    this.mutePending = 0;    // `mute` requests without an answer yet
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
    this.roster.clear();
    this.events = [];
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
      // waitingForHost follows the events only (one may arrive before this line runs).
      this.update({ phase: 'negotiating', participant: joined.participant, conference: joined.conference || conference,
        host: joined.host === true });

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
    if (this.lastError?.code === 'ending') this.lastError = null;   // a notice, not an error
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
    switch (message.type) {
      case 'candidate':
      case 'end_of_candidates':
        if (this.call) this.call.handleEvent(message);
        break;
      case 'send_limits':
        if (this.call) this.call.applySendLimits(message.video);
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
      case 'waiting_for_host':
        this.update({ waitingForHost: true });
        break;
      case 'host_present':
        this.update({ waitingForHost: false });
        break;
      case 'conference_ending': {
        // A scheduled meeting ends soon: say so in the banner, stay in.
        const minutes = Math.max(1, Math.round((message.seconds || 0) / 60));
        const at = message.ends_at ? new Date(message.ends_at).toLocaleTimeString() : '';
        this.lastError = { code: 'ending', message: `the meeting ends in about ${minutes} min${at ? ` (${at})` : ''}` };
        this.onChange();
        break;
      }
      case 'error':
        // The server could not read one of our messages (id null): show it, stay in.
        this.lastError = { code: message.error?.code || 'unknown', message: message.error?.message || '' };
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
      this.fail(new ServerError('ice_failed', 'the media connection to the server failed (ICE/DTLS)'));
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
