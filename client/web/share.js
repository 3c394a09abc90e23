// share.js - presenting from the browser (docs/protocol.md, "Presenting"): the screen, a
// window or a tab (getDisplayMedia) goes over a second signalling connection and a
// second RTCPeerConnection that join the same conference as this room's content
// (`content_of` the room's participant id), with one send-only video and no audio. The
// server's send_limits ask it for the content area at a text's frame rate; its `bye`
// (another room took over, the operator stopped it) or the browser's own "stop
// sharing" ends it. The room's own call is not touched.

import { Signalling } from './signalling.js';
import { Call, CALL_EVENTS } from './call.js';

export class Share {
  // onChange() is called when `state` changes: idle | starting | presenting | stopped
  // (`reason` says why it stopped, `error` holds a failure).
  constructor(wsUrl, { onChange }) {
    this.wsUrl = wsUrl;
    this.onChange = onChange;
    this.state = 'idle';
    this.reason = '';
    this.error = null;
    this.signalling = null;
    this.call = null;
    this.stream = null;
  }

  get active() {
    return this.state === 'starting' || this.state === 'presenting';
  }

  // join: the room's own join details ({conference, name, pin, token}); contentOf: the
  // room's participant id.
  async start(join, contentOf) {
    if (this.active) return;
    this.set('starting', '');
    this.error = null;
    try {
      this.stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 10 }, audio: false });
      const track = this.stream.getVideoTracks()[0];
      track.contentHint = 'text';   // keep resolution, drop frames when short of bits
      track.addEventListener('ended', () => this.stop('stopped in the browser'));
      this.signalling = new Signalling(this.wsUrl, {
        onEvent: (message) => this.handleEvent(message),
        onClose: () => this.stop('the signalling connection closed'),
      });
      await this.signalling.connect();
      await this.signalling.join(join, { content_of: contentOf });
      this.call = new Call(this.signalling, { onRemoteStream: () => {}, onStateChange: () => {} });
      await this.call.start(this.stream, { sendOnly: true });
      if (this.state === 'starting') this.set('presenting', '');
    } catch (error) {
      this.error = { code: error.code || error.name || 'error', message: error.message };
      this.stop(`could not share: ${error.message}`);
    }
  }

  handleEvent(message) {
    if (CALL_EVENTS.has(message.type)) {
      if (this.call) this.call.handleEvent(message);
    } else if (message.type === 'bye') {
      this.stop(message.reason || 'the server ended the share');
    }
    // the room's own connection shows the conference's events
  }

  // Ends the share (and says `leave` when the server still listens).
  stop(reason = 'stopped') {
    if (!this.active) return;
    if (this.signalling) {
      this.signalling.request('leave').catch(() => {});
      const signalling = this.signalling;
      setTimeout(() => signalling.close(), 500);
    }
    if (this.call) this.call.pc.close();
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    this.signalling = null;
    this.call = null;
    this.stream = null;
    this.set('stopped', reason);
  }

  set(state, reason) {
    this.state = state;
    this.reason = reason;
    this.onChange();
  }
}
