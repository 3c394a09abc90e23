// firefox.mjs - launches Debian's headless Firefox ESR (/usr/bin/firefox-esr) for
// integration tests, driven over WebDriver BiDi by the pinned puppeteer-core (no
// browser download): fake camera and microphone, no permission prompts, loopback ICE,
// autoplay allowed, a mock sound backend (no sound device here), a fresh profile
// removed on close. Firefox gathers the address of its default route only, so the
// test's loopback-only namespace needs `ip route add default dev lo src 127.0.0.1`
// (lib.sh: loopback_default_route); no packet leaves lo.
import puppeteer from 'puppeteer-core';

export const FIREFOX = '/usr/bin/firefox-esr';

const PREFS = {
  'media.peerconnection.ice.loopback': true,
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  'media.cubeb.force_mock_context': true,
  // Quiet: no update, telemetry or remote-settings traffic (there is no network anyway).
  'app.update.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
};

// Resolves with { browser, newPage(), close() }; page console lines are echoed with a
// prefix (`label` in it when given). prefs: more Firefox prefs, e.g. intl.accept_languages.
export async function launchFirefox({ label, prefs = {} } = {}) {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocol: 'webDriverBiDi',
    extraPrefsFirefox: { ...PREFS, ...prefs },
    defaultViewport: { width: 1100, height: 760 },
  });
  const prefix = label ? `[${label} ` : '[firefox ';
  return {
    browser,
    async newPage() {
      const page = await browser.newPage();
      page.on('console', (message) => console.log(`${prefix}${message.type()}] ${message.text()}`));
      page.on('pageerror', (error) => console.log(`${prefix}error] ${error.message}`));
      return page;
    },
    async close() {
      await browser.close();
    },
  };
}
