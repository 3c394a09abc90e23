// roster.js - who is in a mixing conference, from the server's conference events
// (docs/protocol.md): `participants` (the roster once, after the join reply),
// `participant_joined`, `participant_left`, `active_speaker`, `layout`, `mute` and
// `presenting` (who shares a screen or document).
// Pure data, no DOM: the Session keeps one and the page renders it.

export const CONFERENCE_EVENTS = new Set([
  'participants', 'participant_joined', 'participant_left', 'active_speaker', 'layout', 'mute',
  'presenting',
]);

// One entry, with the protocol's field names. The list is in the server's roster order
// (the `participants` event), then arrivals in the order they came.
function entry({ participant, name, audio_muted: audioMuted, video_muted: videoMuted }) {
  return { participant, name: name || participant, audio_muted: !!audioMuted, video_muted: !!videoMuted };
}

export class Roster {
  constructor() {
    this.clear();
  }

  clear() {
    this.participants = [];  // [{participant, name, audio_muted, video_muted}]
    this.activeSpeaker = null;
    this.layout = '';        // layout name, '' until the server says (echo: never)
    this.presenter = null;   // {participant, name} of the room that presents, or null
  }

  find(id) {
    return this.participants.find((p) => p.participant === id) || null;
  }

  // Applies one server event; returns false when it is not a conference event.
  apply(message) {
    switch (message.type) {
      case 'participants':
        this.participants = (Array.isArray(message.participants) ? message.participants : [])
          .filter((p) => p && typeof p.participant === 'string').map(entry);
        if ('layout' in message) this.layout = message.layout || '';
        if ('active_speaker' in message) this.activeSpeaker = message.active_speaker ?? null;
        return true;
      case 'participant_joined': {
        if (typeof message.participant !== 'string') return true;
        const known = this.find(message.participant);
        if (known) Object.assign(known, entry(message));
        else this.participants.push(entry(message));
        return true;
      }
      case 'participant_left':
        this.participants = this.participants.filter((p) => p.participant !== message.participant);
        if (this.activeSpeaker === message.participant) this.activeSpeaker = null;
        return true;
      case 'active_speaker':
        this.activeSpeaker = message.participant ?? null;
        return true;
      case 'layout':
        this.layout = message.layout || '';
        return true;
      case 'mute':
        this.setMute(message.participant, message.audio_muted, message.video_muted);
        return true;
      case 'presenting':
        this.presenter = typeof message.participant === 'string'
          ? { participant: message.participant, name: message.name || message.participant } : null;
        return true;
      default:
        return false;
    }
  }

  // Sets one participant's mute state; a field that is not a boolean stays as it was.
  setMute(id, audioMuted, videoMuted) {
    const p = this.find(id);
    if (!p) return;
    if (typeof audioMuted === 'boolean') p.audio_muted = audioMuted;
    if (typeof videoMuted === 'boolean') p.video_muted = videoMuted;
  }
}
