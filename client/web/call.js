// call.js - one media session with the MCU: an RTCPeerConnection that sends the local
// camera and microphone, makes the offer, applies the server's answer and trickles
// ICE candidates both ways through the signalling connection. When the path to the
// server breaks (ICE `disconnected` for ICE_RESTART_AFTER_MS, or `failed`) it restarts
// ICE once (restartIce() + a new offer; the server keeps the call, DTLS carries on).

const ICE_RESTART_AFTER_MS = 3000;

// The server events that belong to a call (Call.handleEvent): its ICE candidates and
// its send limits. A connection's other events are the session's.
export const CALL_EVENTS = new Set(['candidate', 'end_of_candidates', 'send_limits']);

export class Call {
  // onRemoteStream(stream) gets the stream of the server's tracks (one audio, one video);
  // onStateChange() is called when ICE, DTLS or gathering state moves.
  constructor(signalling, { onRemoteStream, onStateChange }) {
    this.signalling = signalling;
    this.onRemoteStream = onRemoteStream;
    this.onStateChange = onStateChange;
    this.offerSent = false;
    this.localCandidates = [];
    this.remoteCandidates = [];
    this.iceRestarts = 0;          // restarts answered by the server
    this.restarting = false;       // a restart's offer/answer is under way
    this.restartedSinceConnected = false;
    this.disconnectedTimer = null;
    this.sendLimits = null;        // the server's last send_limits.video (docs/protocol.md)
    this.appliedLimits = null;     // ... once setParameters took it
    this.limitsQueue = Promise.resolve();
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.pc = pc;
    pc.onicecandidate = (event) => this.sendLocalCandidate(event.candidate);
    // One stream for whatever the server sends, however its msid groups the tracks.
    this.remoteStream = new MediaStream();
    pc.ontrack = (event) => {
      this.remoteStream.addTrack(event.track);
      this.onRemoteStream(this.remoteStream);
    };
    pc.oniceconnectionstatechange = () => {
      this.watchIce();
      this.onStateChange();
    };
    pc.onconnectionstatechange = () => this.onStateChange();
    pc.onicegatheringstatechange = () => this.onStateChange();
  }

  // Sends localStream's tracks (sendrecv audio + video; sendOnly: nothing received, a
  // presentation's) and negotiates with the server.
  async start(localStream, { sendOnly = false } = {}) {
    const pc = this.pc;
    for (const kind of ['audio', 'video']) {
      for (const track of localStream.getTracks().filter((t) => t.kind === kind)) {
        pc.addTrack(track, localStream);
      }
    }
    if (sendOnly) pc.getTransceivers().forEach((t) => { t.direction = 'sendonly'; });
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const answered = this.signalling.request('offer', { sdp: offer.sdp });
    this.offerSent = true;
    this.localCandidates.splice(0).forEach((c) => this.sendLocalCandidate(c));
    const { sdp } = await answered;
    await pc.setRemoteDescription({ type: 'answer', sdp });
    for (const candidate of this.remoteCandidates.splice(0)) await this.addRemoteCandidate(candidate);
    if (this.sendLimits) this.applySendLimits(this.sendLimits);
  }

  // The server's send_limits event (docs/sender-control.md): the camera's encoding
  // fits the cell this room is drawn in (scaled down, never up), at its frame rate and
  // bitrate; active false pauses the video (the room is not drawn). One
  // setParameters at a time, always with the newest limits.
  applySendLimits(video) {
    this.sendLimits = video;
    this.limitsQueue = this.limitsQueue.then(() => this.setSendParameters()).catch((error) => {
      console.warn('send limits not applied:', error.message);
    });
    return this.limitsQueue;
  }

  async setSendParameters() {
    const video = this.sendLimits;
    const sender = this.pc.getSenders().find((s) => s.track && s.track.kind === 'video');
    if (!video || !sender || this.pc.signalingState === 'closed') return;
    const params = sender.getParameters();
    if (!params.encodings || params.encodings.length === 0) return; // applied after the answer
    const encoding = params.encodings[0];
    encoding.active = Boolean(video.active);
    if (video.active && video.width > 0 && video.height > 0) {
      const { width, height } = sender.track.getSettings();
      encoding.scaleResolutionDownBy = Math.max(1, (width || video.width) / video.width,
        (height || video.height) / video.height);
      if (video.fps > 0) encoding.maxFramerate = video.fps;
    }
    if (video.max_bitrate > 0) encoding.maxBitrate = video.max_bitrate;
    await sender.setParameters(params);
    this.appliedLimits = { ...video, scaleResolutionDownBy: encoding.scaleResolutionDownBy };
  }

  // Server events that belong to the media session (CALL_EVENTS).
  handleEvent(message) {
    if (message.type === 'send_limits') {
      this.applySendLimits(message.video);
    } else if (message.type === 'candidate') {
      this.queueOrAddRemote({
        candidate: message.candidate,
        sdpMid: message.sdpMid,
        sdpMLineIndex: message.sdpMLineIndex,
      });
    } else if (message.type === 'end_of_candidates') {
      this.queueOrAddRemote(null);
    }
  }

  // ICE restart (RFC 8445 section 9): new ICE credentials in a new offer; the server
  // answers on the same session with its own new credentials. Resolves when the
  // answer is applied; the ICE state then goes checking -> connected.
  async restartIce() {
    if (this.restarting) return;
    this.restarting = true;
    this.restartedSinceConnected = true;
    try {
      const pc = this.pc;
      pc.restartIce();
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      const { sdp } = await this.signalling.request('offer', { sdp: offer.sdp });
      await pc.setRemoteDescription({ type: 'answer', sdp });
      this.iceRestarts += 1;
      // The old pair may have carried on all along (no state change to see).
      if (this.connected) this.restartedSinceConnected = false;
    } finally {
      this.restarting = false;
      this.onStateChange();
    }
  }

  // True when the connection failed and the one restart since it last worked is over.
  get gaveUp() {
    return this.pc.connectionState === 'failed' && this.restartedSinceConnected && !this.restarting;
  }

  get connected() {
    return ['connected', 'completed'].includes(this.pc.iceConnectionState);
  }

  watchIce() {
    const state = this.pc.iceConnectionState;
    if (this.connected) {
      clearTimeout(this.disconnectedTimer);
      this.disconnectedTimer = null;
      this.restartedSinceConnected = false;
    } else if (state === 'disconnected' && !this.disconnectedTimer) {
      this.disconnectedTimer = setTimeout(() => {
        this.disconnectedTimer = null;
        if (this.pc.iceConnectionState === 'disconnected' && !this.restartedSinceConnected) this.autoRestart();
      }, ICE_RESTART_AFTER_MS);
    } else if (state === 'failed' && !this.restartedSinceConnected) {
      this.autoRestart();
    }
  }

  autoRestart() {
    console.warn(`ICE ${this.pc.iceConnectionState}: restarting ICE`);
    this.restartIce().catch((error) => console.warn('ICE restart failed:', error.code || '', error.message));
  }

  close() {
    clearTimeout(this.disconnectedTimer);
    this.pc.close();
    this.onStateChange();
  }

  // null means gathering is complete.
  sendLocalCandidate(candidate) {
    if (!this.offerSent) {
      this.localCandidates.push(candidate);
      return;
    }
    if (candidate && !candidate.candidate) return; // per-section end marker: null follows
    const request = candidate
      ? this.signalling.request('candidate', {
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid,
        sdpMLineIndex: candidate.sdpMLineIndex,
      })
      : this.signalling.request('end_of_candidates');
    // A refused candidate is not fatal: the others may still connect.
    request.catch((error) => console.warn('candidate refused:', error.code, error.message));
  }

  queueOrAddRemote(candidate) {
    if (this.pc.remoteDescription) this.addRemoteCandidate(candidate);
    else this.remoteCandidates.push(candidate);
  }

  async addRemoteCandidate(candidate) {
    try {
      await this.pc.addIceCandidate(candidate || undefined);
    } catch (error) {
      console.warn('server candidate not usable:', error.message);
    }
  }
}
