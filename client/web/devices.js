// devices.js - camera and microphone choice before joining: a live preview of the
// chosen camera, a level meter for the chosen microphone (WebAudio), the two lists
// filled from enumerateDevices(), and the choice remembered for the next visit
// (localStorage). The Session opens the devices with getUserMedia() here.

import { t } from './i18n.js';

const STORE_CAMERA = 'hoinghi.camera';
const STORE_MICROPHONE = 'hoinghi.microphone';
const METER_INTERVAL_MS = 100;

function remembered(key) {
  try {
    return localStorage.getItem(key) || '';
  } catch {
    return '';   // storage disabled: nothing remembered
  }
}

function remember(key, value) {
  try {
    if (value) localStorage.setItem(key, value);
  } catch {
    // storage disabled: the choice holds for this visit only
  }
}

export class DevicePicker {
  // elements: { preview (<video>), camera (<select>), microphone (<select>), level
  // (the meter's bar, its width is the level) }.
  constructor(elements) {
    this.el = elements;
    this.stream = null;
    this.audio = null;       // { ctx, analyser, timer }
    this.level = 0;          // 0..1, the microphone's level now
    this.starting = null;
    this.generation = 0;     // bumped by stop(): a preview still opening is dropped
    this.el.camera.addEventListener('change', () => this.choose(STORE_CAMERA, this.el.camera.value));
    this.el.microphone.addEventListener('change', () => this.choose(STORE_MICROPHONE, this.el.microphone.value));
  }

  get camera() {
    return remembered(STORE_CAMERA);
  }

  get microphone() {
    return remembered(STORE_MICROPHONE);
  }

  // getUserMedia constraints for the chosen devices (exact: a browser may not honour
  // an `ideal` device), or for the default ones.
  constraints(chosen = true) {
    const video = { width: { ideal: 640 }, height: { ideal: 480 } };
    if (chosen && this.camera) video.deviceId = { exact: this.camera };
    return { audio: chosen && this.microphone ? { deviceId: { exact: this.microphone } } : true, video };
  }

  // The camera and microphone chosen; the default ones when a chosen one is gone.
  async getUserMedia() {
    try {
      return await navigator.mediaDevices.getUserMedia(this.constraints(true));
    } catch (error) {
      if (!['OverconstrainedError', 'NotFoundError'].includes(error.name) || (!this.camera && !this.microphone)) throw error;
      console.warn('the chosen camera or microphone is gone: using the default ones');
      return navigator.mediaDevices.getUserMedia(this.constraints(false));
    }
  }

  // Starts the preview and the meter; resolves when they run (or failed: the join
  // shows the error then).
  start() {
    this.starting = this.open().catch((error) => console.warn('preview:', error.name, error.message));
    return this.starting;
  }

  async open() {
    this.stop();
    const generation = this.generation;
    const stream = await this.getUserMedia();
    if (generation !== this.generation) {
      stream.getTracks().forEach((track) => track.stop());
      return;
    }
    this.stream = stream;
    this.el.preview.srcObject = stream;
    this.el.preview.play().catch(() => {});
    await this.fillLists(stream);
    if (generation === this.generation) this.startMeter(stream);
  }

  // Both lists, with the devices in use selected; labels need the permission the
  // preview got.
  async fillLists(stream) {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const inUse = (kind) => stream.getTracks().find((t) => t.kind === kind)?.getSettings().deviceId || '';
    fill(this.el.camera, devices.filter((d) => d.kind === 'videoinput'), inUse('video'));
    fill(this.el.microphone, devices.filter((d) => d.kind === 'audioinput'), inUse('audio'));
  }

  startMeter(stream) {
    if (stream.getAudioTracks().length === 0 || typeof AudioContext === 'undefined') return;
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    ctx.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const rms = Math.sqrt(sum / samples.length);
      // dBFS -60..0 onto 0..1: speech near the microphone fills about two thirds.
      this.level = Math.max(0, Math.min(1, (20 * Math.log10(rms + 1e-9) + 60) / 60));
      this.el.level.style.width = `${Math.round(this.level * 100)}%`;
    }, METER_INTERVAL_MS);
    ctx.resume().catch(() => {});
    this.audio = { ctx, analyser, timer };
  }

  choose(key, deviceId) {
    remember(key, deviceId);
    this.start();
  }

  // Releases the devices (before the call takes them, or when the page leaves the form).
  stop() {
    this.generation += 1;
    if (this.audio) {
      clearInterval(this.audio.timer);
      this.audio.ctx.close().catch(() => {});
      this.audio = null;
    }
    this.level = 0;
    this.el.level.style.width = '0%';
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.el.preview.srcObject = null;
  }
}

function fill(select, devices, selected) {
  const options = devices.map((d, i) => {
    const option = document.createElement('option');
    option.value = d.deviceId;
    option.textContent = d.label || t(d.kind === 'videoinput' ? 'device.camera.n' : 'device.microphone.n', { n: i + 1 });
    option.selected = d.deviceId === selected;
    return option;
  });
  select.replaceChildren(...options);
  select.disabled = options.length === 0;
}
