// web_devices_chromium.mjs - the browser half of test_web_devices.sh: camera and
// microphone choice before joining, in headless Chromium with two fake cameras.
//   1. the form (in Vietnamese) shows a live preview, lists both cameras and the
//      microphone, and its level meter moves with the fake microphone's beeps;
//   2. choosing the second camera switches the preview to it and remembers it;
//   3. after a reload the second camera is still chosen and previewed;
//   4. joining with the form sends that camera into the call; leaving brings the
//      preview back.
// Usage: node web_devices_chromium.mjs http://127.0.0.1:PORT CONFERENCE SCREENSHOT.png
// (exit 0 = pass)
import { launchChromium, poll } from './chromium.mjs';
import { expectWithin, reportFailure, CheckFailed } from './call_checks.mjs';

const [baseUrl, conference, screenshotPath] = process.argv.slice(2);
const WAIT = 15;

function readForm(page) {
  return page.evaluate(() => {
    const preview = document.getElementById('preview');
    const track = preview.srcObject?.getVideoTracks()[0];
    const options = (id) => [...document.getElementById(id).options].map((o) => ({ value: o.value, label: o.textContent, selected: o.selected }));
    return {
      previewWidth: preview.videoWidth,
      previewDevice: track ? track.getSettings().deviceId : '',
      cameras: options('camera'),
      microphones: options('microphone'),
      level: window.hoinghi.devices.level,
      stored: localStorage.getItem('hoinghi.camera'),
      cameraLabel: document.querySelector('label[for=camera]').textContent,
    };
  });
}

async function expectForm(description, page, holds) {
  let reading = null;
  const ok = await poll(WAIT, async () => {
    reading = await readForm(page);
    return holds(reading);
  });
  if (!ok) throw new CheckFailed(`not within ${WAIT} s: ${description}`, reading);
  console.log(`ok: ${description}: ${JSON.stringify(reading)}`);
  return reading;
}

let browser = null;
try {
  browser = await launchChromium({ extraArgs: ['--use-fake-device-for-media-stream=device-count=2'] });
  const page = await browser.context.newPage();
  await page.goto(`${baseUrl}/?lang=vi`);

  // 1. preview, lists, level
  const first = await expectForm('the preview plays and both cameras are listed, in Vietnamese', page, (r) =>
    r.previewWidth > 0 && r.cameras.length >= 2 && r.microphones.length >= 1 && r.cameraLabel === 'Camera'
    && r.cameras.some((c) => c.selected && c.value === r.previewDevice));
  let loudest = 0;
  const moved = await poll(WAIT, async () => {
    loudest = Math.max(loudest, (await readForm(page)).level);
    return loudest > 0.2;
  });
  if (!moved) throw new CheckFailed('the level meter does not move with the microphone', { loudest });
  console.log(`ok: the level meter moves (loudest ${loudest.toFixed(2)})`);

  // 2. the second camera
  const second = first.cameras.find((c) => !c.selected).value;
  await page.selectOption('#camera', second);
  await expectForm('the preview switches to the chosen camera and remembers it', page, (r) =>
    r.previewDevice === second && r.stored === second && r.previewWidth > 0);
  await page.screenshot({ path: screenshotPath });

  // 3. remembered after a reload
  await page.reload();
  await expectForm('after a reload the chosen camera is still chosen and previewed', page, (r) =>
    r.previewDevice === second && r.cameras.find((c) => c.selected)?.value === second);

  // 4. the call uses it
  await page.fill('#conference', conference);
  await page.fill('#name', 'Phòng thử thiết bị');
  await page.click('#join');
  await expectWithin('the room is in the call', page, (c) => c.state.phase === 'in-call');
  const sent = await page.evaluate(() => window.hoinghi.pc.getSenders()
    .find((s) => s.track && s.track.kind === 'video').track.getSettings().deviceId);
  if (sent !== second) throw new CheckFailed('the call does not send the chosen camera', { sent, second });
  console.log('ok: the call sends the chosen camera');
  await page.click('#leave');
  await expectWithin('the room left', page, (c) => c.state.phase === 'left' && !c.lastError);
  await expectForm('back on the form, the preview runs again with the chosen camera', page, (r) =>
    r.previewDevice === second && r.previewWidth > 0);
} catch (error) {
  reportFailure(error);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
}
