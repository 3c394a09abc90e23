// signalling.js - the hoinghi signalling protocol (docs/protocol.md) over one WebSocket:
// waits for `hello`, matches replies and errors to requests by id, hands server events
// to a callback and sends a keepalive every 10 s. A keepalive not answered within 8 s
// means the path is gone (a network drop can leave a socket "open" for minutes): the
// connection is given up as closed.

const KEEPALIVE_MS = 10000;
const KEEPALIVE_ANSWER_MS = 8000;
// No `hello` within this long: the server is not reached (a dropped network can leave
// a connection attempt waiting for minutes).
const CONNECT_TIMEOUT_MS = 10000;

// A server `error` reply, thrown by request(): `code` is the stable protocol code.
export class ServerError extends Error {
  constructor(code, message, request) {
    super(message);
    this.code = code;
    this.request = request;
  }
}

export class Signalling {
  // onEvent(message) gets every server event (candidate, media, bye, ...);
  // onClose(closeEvent) is called once when the socket closes.
  constructor(url, { onEvent, onClose }) {
    this.url = url;
    this.onEvent = onEvent;
    this.onClose = onClose;
    this.nextId = 1;
    this.pending = new Map();
    this.socket = null;
    this.keepaliveTimer = null;
  }

  // Opens the socket and resolves with the server's hello message.
  connect() {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url);
      this.socket = socket;
      let greeted = false;
      const timeout = setTimeout(() => {
        socket.onclose = null;
        socket.onmessage = null;
        socket.close();
        reject(new ServerError('connection_failed', `no answer from ${this.url}`));
      }, CONNECT_TIMEOUT_MS);
      socket.onmessage = (event) => {
        this.lastMessageAt = performance.now();
        const message = parseMessage(event.data);
        if (!message) return;
        if (!greeted && message.type === 'hello') {
          greeted = true;
          clearTimeout(timeout);
          this.startKeepalive();
          resolve(message);
          return;
        }
        this.dispatch(message);
      };
      socket.onclose = (event) => {
        clearTimeout(timeout);
        this.stopKeepalive();
        this.failPending(new ServerError('connection_closed', 'the signalling connection closed'));
        if (!greeted) reject(new ServerError('connection_failed', `cannot reach ${this.url}`));
        else this.onClose(event);
      };
    });
  }

  // Sends a request and resolves with its reply's `data`, or rejects with a ServerError.
  request(type, fields = {}) {
    const id = this.nextId++;
    const message = { type, id, ...fields };
    return new Promise((resolve, reject) => {
      if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
        reject(new ServerError('connection_closed', 'the signalling connection is not open', type));
        return;
      }
      this.pending.set(id, { resolve, reject, type });
      this.socket.send(JSON.stringify(message));
    });
  }

  // Joins a conference: the page's join details {conference, name, pin, token} (pin and
  // token sent only when set) and any other join fields (e.g. content_of). Resolves
  // with the join reply's data.
  join({ conference, name, pin, token }, fields = {}) {
    return this.request('join', { conference, name, ...fields, ...(pin ? { pin } : {}), ...(token ? { token } : {}) });
  }

  // Closes on purpose: no onClose / onEvent calls after this.
  close() {
    this.stopKeepalive();
    this.onClose = () => {};
    this.onEvent = () => {};
    if (this.socket) this.socket.close();
  }

  dispatch(message) {
    if ((message.type === 'reply' || message.type === 'error') && this.pending.has(message.id)) {
      const { resolve, reject, type } = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'reply') resolve(message.data || {});
      else reject(new ServerError(message.error?.code || 'unknown', message.error?.message || '', type));
      return;
    }
    this.onEvent(message);
  }

  failPending(error) {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  startKeepalive() {
    this.keepaliveTimer = setInterval(() => {
      if (this.keepaliveDeadline) return;
      const sentAt = performance.now();
      // Checked once more a second later: a page that was frozen (its timers and
      // socket events both late) gets its queued messages first.
      this.keepaliveDeadline = setTimeout(() => {
        this.keepaliveDeadline = setTimeout(() => {
          if (!(this.lastMessageAt > sentAt)) this.giveUp();
          else this.keepaliveDeadline = null;
        }, 1000);
      }, KEEPALIVE_ANSWER_MS);
      this.request('keepalive').then(() => {
        clearTimeout(this.keepaliveDeadline);
        this.keepaliveDeadline = null;
      }, () => {});
    }, KEEPALIVE_MS);
  }

  stopKeepalive() {
    clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
    clearTimeout(this.keepaliveDeadline);
    this.keepaliveDeadline = null;
  }

  // The server stopped answering (nothing at all came since the keepalive): closed, as
  // if the socket had closed.
  giveUp() {
    this.keepaliveDeadline = null;
    console.warn(`no keepalive answer within ${KEEPALIVE_ANSWER_MS} ms: the connection is lost`);
    const onClose = this.onClose;
    this.close();
    this.failPending(new ServerError('connection_lost', 'the server stopped answering'));
    onClose({ code: 4000, reason: 'keepalive not answered' });
  }
}

function parseMessage(text) {
  try {
    const message = JSON.parse(text);
    return message && typeof message === 'object' && !Array.isArray(message) ? message : null;
  } catch {
    return null;
  }
}
