// i18n.js - the web client's words in Vietnamese and English: the language (?lang=vi|en,
// else Vietnamese when the browser prefers it in navigator.languages, else English),
// every string of the page, every protocol error code (docs/protocol.md) and the
// client's own failures as a sentence, and NFC for names and titles. No DOM here
// except translatePage(), which fills the elements marked data-i18n.

export const LANGUAGES = ['vi', 'en'];

const STRINGS = {
  en: {
    'page.title': 'hoinghi: video meeting',
    tagline: 'video meeting',
    'lang.switch': 'Tiếng Việt',
    'lang.switch.label': 'Đổi sang tiếng Việt',
    'state.label': 'connection state',
    'state.signalling': 'Server',
    'state.ice': 'Network',
    'state.connection': 'Secure link',
    'state.media': 'Media',
    'value.new': 'new',
    'value.open': 'open',
    'value.closed': 'closed',
    'value.connecting': 'connecting',
    'value.checking': 'checking',
    'value.connected': 'connected',
    'value.completed': 'connected',
    'value.disconnected': 'interrupted',
    'value.failed': 'failed',
    'device.camera': 'Camera',
    'device.microphone': 'Microphone',
    'device.camera.n': 'Camera {n}',
    'device.microphone.n': 'Microphone {n}',
    'device.preview': 'Your camera',
    'device.level': 'Microphone level',
    'join.heading': 'Join a meeting',
    'join.conference': 'Meeting ID',
    'join.name': 'Name of this room',
    'join.name.placeholder': 'e.g. Sở Y tế, meeting room 2',
    'join.pin': 'PIN',
    'join.pin.hint': 'if the meeting has one',
    'join.submit': 'Join',
    'join.retry': 'Join again',
    dismiss: 'Dismiss',
    'mic.mute': 'Mute mic',
    'mic.unmute': 'Unmute mic',
    'camera.stop': 'Stop camera',
    'camera.start': 'Start camera',
    leave: 'Leave',
    'share.start': 'Share screen',
    'share.stop': 'Stop sharing',
    'fullscreen.enter': 'Full screen',
    'fullscreen.exit': 'Exit full screen',
    'play.sound': 'Click to start sound',
    'self.view': 'You',
    'waiting.host': 'Waiting for the host to join',
    presenting: '{name} is presenting',
    'roster.title': 'Participants',
    'roster.layout': 'Layout',
    'roster.layout.hint': 'how the meeting picture is laid out',
    you: 'you',
    speaking: 'speaking',
    'mic.on': 'mic on',
    'mic.off': 'mic off',
    'camera.on': 'camera on',
    'camera.off': 'camera off',
    'server.muted': 'the server has you muted',
    'server.unmuted': 'the server has you unmuted',
    'phase.joining': 'joining',
    'phase.negotiating': 'connecting',
    'phase.in-call': 'in the meeting',
    'phase.reconnecting': 'reconnecting',
    'stats.waiting': 'waiting for media…',
    'stats.novideo': 'no video yet',
    'stats.in': 'in',
    'stats.out': 'out',
    'stats.lost': 'lost',
    'notice.ending': 'The meeting ends in about {minutes} min{at}.',
    'notice.ending.at': ' (at {time})',
    'notice.ended': 'The meeting has ended.',
    'notice.removed': 'An operator removed this room from the meeting.',
    'notice.reconnecting': 'The connection to the server was lost. Reconnecting in {seconds} s (attempt {attempt})…',
    'notice.reconnecting.now': 'The connection to the server was lost. Reconnecting now (attempt {attempt})…',
    'notice.reconnected': 'Reconnected: the room is back in the meeting.',
    'error.code': 'code',
    'error.bye': 'The server ended the call ({reason}).',
    'error.unknown': 'Something went wrong ({code}).',
    'error.bad_json': 'The server could not read a message from this page.',
    'error.message_too_large': 'A message from this page was too large for the server.',
    'error.bad_request': 'The server refused a request from this page as malformed.',
    'error.unknown_type': 'The server does not know a request from this page: the page and the server may be of different versions.',
    'error.unsupported_version': 'This page and the server speak different protocol versions. Reload the page.',
    'error.not_joined': 'This room is not in the meeting yet.',
    'error.already_joined': 'This page is already in a meeting.',
    'error.unknown_conference': 'There is no meeting with this ID. Check the meeting ID.',
    'error.wrong_pin': 'The PIN is not right for this meeting.',
    'error.invalid_token': 'This join link is not valid (any more). Ask the organiser for a new one.',
    'error.conference_locked': 'The meeting is locked: no one else can join now.',
    'error.conference_full': 'The meeting is full.',
    'error.server_full': 'The server has as many participants as it can take. Try again later.',
    'error.rate_limited': 'Too many attempts. Try again in a moment.',
    'error.sdp_too_large': 'The browser\'s media offer was too large for the server.',
    'error.sdp_invalid': 'The server could not read the browser\'s media offer.',
    'error.sdp_no_fingerprint': 'The browser\'s media offer has no encryption fingerprint.',
    'error.sdp_no_bundle': 'The browser\'s media offer does not bundle audio and video on one connection.',
    'error.sdp_no_rtcp_mux': 'The browser\'s media offer does not multiplex RTCP.',
    'error.sdp_no_common_codec': 'The browser and the server have no audio or video format in common.',
    'error.offer_in_progress': 'The server refused a change to the media connection.',
    'error.too_many_candidates': 'The browser offered too many network addresses; the rest were ignored.',
    'error.media_failed': 'The audio and video connection to the server failed.',
    'error.internal_error': 'The server had an internal error.',
    'error.connection_closed': 'The connection to the server was lost.',
    'error.connection_failed': 'The server cannot be reached.',
    'error.connection_lost': 'The server stopped answering (network).',
    'error.ice_failed': 'The audio and video connection to the server was lost (network).',
    'error.NotAllowedError': 'The browser was not allowed to use the camera or the microphone.',
    'error.NotFoundError': 'No camera or microphone was found.',
    'error.NotReadableError': 'The camera or the microphone is in use by another program.',
    'error.OverconstrainedError': 'The chosen camera or microphone is not available.',
  },
  vi: {
    'page.title': 'hoinghi: họp trực tuyến',
    tagline: 'họp trực tuyến',
    'lang.switch': 'English',
    'lang.switch.label': 'Switch to English',
    'state.label': 'trạng thái kết nối',
    'state.signalling': 'Máy chủ',
    'state.ice': 'Mạng',
    'state.connection': 'Kênh bảo mật',
    'state.media': 'Âm thanh, hình ảnh',
    'value.new': 'chưa có',
    'value.open': 'đã mở',
    'value.closed': 'đã đóng',
    'value.connecting': 'đang kết nối',
    'value.checking': 'đang dò',
    'value.connected': 'đã kết nối',
    'value.completed': 'đã kết nối',
    'value.disconnected': 'bị gián đoạn',
    'value.failed': 'lỗi',
    'device.camera': 'Camera',
    'device.microphone': 'Micrô',
    'device.camera.n': 'Camera {n}',
    'device.microphone.n': 'Micrô {n}',
    'device.preview': 'Hình từ camera của bạn',
    'device.level': 'Mức âm thanh micrô',
    'join.heading': 'Tham gia cuộc họp',
    'join.conference': 'Mã cuộc họp',
    'join.name': 'Tên điểm cầu',
    'join.name.placeholder': 'ví dụ: Sở Y tế, phòng họp số 2',
    'join.pin': 'Mã PIN',
    'join.pin.hint': 'nếu cuộc họp có mã PIN',
    'join.submit': 'Tham gia',
    'join.retry': 'Tham gia lại',
    dismiss: 'Đóng',
    'mic.mute': 'Tắt micrô',
    'mic.unmute': 'Bật micrô',
    'camera.stop': 'Tắt camera',
    'camera.start': 'Bật camera',
    leave: 'Rời cuộc họp',
    'share.start': 'Chia sẻ màn hình',
    'share.stop': 'Dừng chia sẻ',
    'fullscreen.enter': 'Toàn màn hình',
    'fullscreen.exit': 'Thoát toàn màn hình',
    'play.sound': 'Bấm để bật âm thanh',
    'self.view': 'Hình của bạn',
    'waiting.host': 'Đang chờ chủ trì vào cuộc họp',
    presenting: '{name} đang trình bày',
    'roster.title': 'Các điểm cầu',
    'roster.layout': 'Bố cục',
    'roster.layout.hint': 'cách sắp xếp hình ảnh cuộc họp',
    you: 'bạn',
    speaking: 'đang nói',
    'mic.on': 'micrô bật',
    'mic.off': 'micrô tắt',
    'camera.on': 'camera bật',
    'camera.off': 'camera tắt',
    'server.muted': 'máy chủ đang tắt tiếng của bạn',
    'server.unmuted': 'máy chủ đang bật tiếng của bạn',
    'phase.joining': 'đang vào',
    'phase.negotiating': 'đang kết nối',
    'phase.in-call': 'đang họp',
    'phase.reconnecting': 'đang kết nối lại',
    'stats.waiting': 'đang chờ âm thanh, hình ảnh…',
    'stats.novideo': 'chưa có hình',
    'stats.in': 'nhận',
    'stats.out': 'gửi',
    'stats.lost': 'gói mất',
    'notice.ending': 'Cuộc họp sẽ kết thúc sau khoảng {minutes} phút{at}.',
    'notice.ending.at': ' (lúc {time})',
    'notice.ended': 'Cuộc họp đã kết thúc.',
    'notice.removed': 'Người điều hành đã mời điểm cầu này rời cuộc họp.',
    'notice.reconnecting': 'Mất kết nối tới máy chủ. Sẽ kết nối lại sau {seconds} giây (lần thứ {attempt})…',
    'notice.reconnecting.now': 'Mất kết nối tới máy chủ. Đang kết nối lại (lần thứ {attempt})…',
    'notice.reconnected': 'Đã kết nối lại: điểm cầu đã trở lại cuộc họp.',
    'error.code': 'mã lỗi',
    'error.bye': 'Máy chủ đã kết thúc cuộc gọi ({reason}).',
    'error.unknown': 'Đã xảy ra lỗi ({code}).',
    'error.bad_json': 'Máy chủ không đọc được một thông điệp từ trang này.',
    'error.message_too_large': 'Một thông điệp từ trang này quá lớn đối với máy chủ.',
    'error.bad_request': 'Máy chủ từ chối một yêu cầu sai dạng từ trang này.',
    'error.unknown_type': 'Máy chủ không hiểu một yêu cầu từ trang này: trang và máy chủ có thể khác phiên bản.',
    'error.unsupported_version': 'Trang này và máy chủ dùng hai phiên bản giao thức khác nhau. Hãy tải lại trang.',
    'error.not_joined': 'Điểm cầu này chưa vào cuộc họp.',
    'error.already_joined': 'Trang này đã ở trong một cuộc họp.',
    'error.unknown_conference': 'Không có cuộc họp nào có mã này. Hãy kiểm tra lại mã cuộc họp.',
    'error.wrong_pin': 'Mã PIN không đúng với cuộc họp này.',
    'error.invalid_token': 'Đường dẫn tham gia này không (còn) hợp lệ. Hãy đề nghị người tổ chức gửi đường dẫn mới.',
    'error.conference_locked': 'Cuộc họp đã khóa: hiện không thể tham gia thêm.',
    'error.conference_full': 'Cuộc họp đã đủ số điểm cầu.',
    'error.server_full': 'Máy chủ đã đạt số người tham gia tối đa. Hãy thử lại sau.',
    'error.rate_limited': 'Thử quá nhiều lần. Hãy thử lại sau ít phút.',
    'error.sdp_too_large': 'Đề nghị kết nối âm thanh, hình ảnh của trình duyệt quá lớn đối với máy chủ.',
    'error.sdp_invalid': 'Máy chủ không đọc được đề nghị kết nối âm thanh, hình ảnh của trình duyệt.',
    'error.sdp_no_fingerprint': 'Đề nghị kết nối của trình duyệt thiếu dấu vân tay mã hóa.',
    'error.sdp_no_bundle': 'Đề nghị kết nối của trình duyệt không gộp âm thanh và hình ảnh vào một kết nối.',
    'error.sdp_no_rtcp_mux': 'Đề nghị kết nối của trình duyệt không ghép kênh RTCP.',
    'error.sdp_no_common_codec': 'Trình duyệt và máy chủ không có định dạng âm thanh, hình ảnh chung.',
    'error.offer_in_progress': 'Máy chủ từ chối thay đổi kết nối âm thanh, hình ảnh.',
    'error.too_many_candidates': 'Trình duyệt đưa ra quá nhiều địa chỉ mạng; các địa chỉ còn lại bị bỏ qua.',
    'error.media_failed': 'Kết nối âm thanh, hình ảnh tới máy chủ bị lỗi.',
    'error.internal_error': 'Máy chủ gặp lỗi nội bộ.',
    'error.connection_closed': 'Mất kết nối tới máy chủ.',
    'error.connection_failed': 'Không kết nối được tới máy chủ.',
    'error.connection_lost': 'Máy chủ không còn trả lời (lỗi mạng).',
    'error.ice_failed': 'Mất kết nối âm thanh, hình ảnh tới máy chủ (lỗi mạng).',
    'error.NotAllowedError': 'Trình duyệt không được phép dùng camera hoặc micrô.',
    'error.NotFoundError': 'Không tìm thấy camera hoặc micrô.',
    'error.NotReadableError': 'Camera hoặc micrô đang được một chương trình khác dùng.',
    'error.OverconstrainedError': 'Không dùng được camera hoặc micrô đã chọn.',
  },
};

// The protocol's error codes (docs/protocol.md, "Error codes"): each has a sentence.
export const PROTOCOL_ERROR_CODES = [
  'bad_json', 'message_too_large', 'bad_request', 'unknown_type', 'unsupported_version',
  'not_joined', 'already_joined', 'unknown_conference', 'wrong_pin', 'invalid_token',
  'conference_locked', 'conference_full', 'server_full', 'rate_limited', 'sdp_too_large',
  'sdp_invalid', 'sdp_no_fingerprint', 'sdp_no_bundle', 'sdp_no_rtcp_mux',
  'sdp_no_common_codec', 'offer_in_progress', 'too_many_candidates', 'media_failed',
  'internal_error',
];

let language = 'en';

// ?lang=vi|en wins; else the first of the browser's preferred languages that is
// Vietnamese or English decides; else English.
export function chooseLanguage(search = '', preferred = []) {
  const asked = new URLSearchParams(search).get('lang');
  if (LANGUAGES.includes(asked)) return asked;
  for (const tag of preferred) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

export function setLanguage(lang) {
  language = LANGUAGES.includes(lang) ? lang : 'en';
}

export function currentLanguage() {
  return language;
}

// The string for key in the current language, {name} replaced from vars.
export function t(key, vars = {}) {
  const text = STRINGS[language][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in vars ? String(vars[name]) : match));
}

export function hasString(lang, key) {
  return typeof STRINGS[lang]?.[key] === 'string';
}

export function stringKeys(lang) {
  return Object.keys(STRINGS[lang]);
}

// A sentence for an error code (protocol or client), in the current language.
export function errorSentence(code) {
  return hasString(language, `error.${code}`) ? t(`error.${code}`) : t('error.unknown', { code });
}

// Names and titles as people read them: Unicode NFC (a name typed with combining
// accents shows and compares like the precomposed one).
export function nfc(text) {
  return typeof text === 'string' ? text.normalize('NFC') : text;
}

// Fills the elements marked data-i18n (text), data-i18n-placeholder,
// data-i18n-aria-label and data-i18n-title; sets <html lang> and the page title.
export function translatePage(root = document) {
  root.documentElement.lang = language;
  root.title = t('page.title');
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const [data, attribute] of [['i18nPlaceholder', 'placeholder'], ['i18nAriaLabel', 'aria-label'],
    ['i18nTitle', 'title']]) {
    const selector = `[data-${data.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`;
    for (const node of root.querySelectorAll(selector)) node.setAttribute(attribute, t(node.dataset[data]));
  }
}
