// webclient_i18n.mjs - the web client's words (client/web/i18n.js), checked without a
// browser: every string exists in Vietnamese and English and is not empty; every error
// code in docs/protocol.md's "Error codes" table has a sentence in both languages (and
// i18n.js lists exactly those codes); the language choice follows ?lang= and then
// navigator.languages; names are NFC. Usage: node webclient_i18n.mjs ROOT (exit 0 = pass)
import fs from 'node:fs';
import path from 'node:path';

const root = process.argv[2];
// Loaded from its text: a .js file outside a "type": "module" package is CommonJS to
// Node 18 (i18n.js imports nothing, so a data: URL holds all of it).
const source = fs.readFileSync(path.join(root, 'client/web/i18n.js'), 'utf8');
const i18n = await import(`data:text/javascript;charset=utf-8,${encodeURIComponent(source)}`);
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

for (const [lang, other] of [['vi', 'en'], ['en', 'vi']]) {
  for (const key of i18n.stringKeys(lang)) {
    check(i18n.hasString(other, key), `"${key}" is in ${lang} but not in ${other}`);
  }
}
const protocol = fs.readFileSync(path.join(root, 'docs/protocol.md'), 'utf8');
const table = protocol.slice(protocol.indexOf('## Error codes'), protocol.indexOf('## SDP'));
const documented = [...table.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
check(documented.length >= 20, `docs/protocol.md lists error codes (found ${documented.length})`);
check(JSON.stringify([...documented].sort()) === JSON.stringify([...i18n.PROTOCOL_ERROR_CODES].sort()),
  `i18n.js lists the protocol's error codes: docs ${documented.join(',')} vs i18n ${i18n.PROTOCOL_ERROR_CODES.join(',')}`);
for (const lang of i18n.LANGUAGES) {
  i18n.setLanguage(lang);
  for (const key of i18n.stringKeys(lang)) check(i18n.t(key).trim() !== '', `"${key}" is empty in ${lang}`);
  for (const code of documented) {
    const sentence = i18n.errorSentence(code);
    check(!sentence.includes(code) && /[.!?…]$/.test(sentence), `${code} in ${lang} is a sentence: "${sentence}"`);
  }
}
i18n.setLanguage('vi');
check(i18n.errorSentence('wrong_pin') === 'Mã PIN không đúng với cuộc họp này.', 'wrong_pin in Vietnamese');
check(i18n.errorSentence('no_such_code').includes('no_such_code'), 'an unknown code is named in the sentence');

check(i18n.chooseLanguage('?lang=en', ['vi-VN', 'vi']) === 'en', '?lang=en wins over the browser');
check(i18n.chooseLanguage('?lang=vi', ['en-US']) === 'vi', '?lang=vi wins over the browser');
check(i18n.chooseLanguage('?lang=fr', ['vi-VN', 'en']) === 'vi', 'an unknown ?lang falls back to the browser');
check(i18n.chooseLanguage('', ['fr-FR', 'vi', 'en']) === 'vi', 'the first Vietnamese or English preference');
check(i18n.chooseLanguage('', ['en-GB', 'vi']) === 'en', 'English preferred first');
check(i18n.chooseLanguage('', ['de']) === 'en', 'English otherwise');
const decomposed = 'Sở Tư pháp'.normalize('NFD');
check(i18n.nfc(decomposed) === 'Sở Tư pháp' && i18n.nfc(decomposed) !== decomposed, 'NFC');

if (failures.length) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  process.exit(1);
}
console.log(`ok: ${i18n.stringKeys('en').length} strings in both languages, ${documented.length} protocol error codes as sentences`);
