// A small live graph of the total ↓/↑ speed over the last five minutes,
// drawn on a canvas (no library). It samples every few seconds, not per
// tick, so it costs nothing on the table's hot path.

import { h } from '../dom.js';
import * as format from '../format.js';

const SAMPLE_MS = 2000;
const SAMPLES = 150; // five minutes
const WIDTH = 120;
const HEIGHT = 22;

export class SpeedGraph {
  #down = [];
  #up = [];
  #timer = 0;

  /** `totals()` answers the current {down, up} in bytes/s. */
  constructor(totals) {
    this.totals = totals;
    this.canvas = h('canvas.speed-graph', { width: WIDTH * 2, height: HEIGHT * 2, role: 'img' });
    this.canvas.style.width = `${WIDTH}px`;
    this.canvas.style.height = `${HEIGHT}px`;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), SAMPLE_MS);
  }

  stop() {
    clearInterval(this.#timer);
  }

  #sample() {
    const { down, up } = this.totals();
    this.#down.push(down);
    this.#up.push(up);
    if (this.#down.length > SAMPLES) {
      this.#down.shift();
      this.#up.shift();
    }
    const peakDown = Math.max(...this.#down);
    const peakUp = Math.max(...this.#up);
    this.canvas.setAttribute('aria-label',
      `Speed, last ${Math.round((this.#down.length * SAMPLE_MS) / 60000) || 1} min: peak ↓ ${format.rate(peakDown)}, peak ↑ ${format.rate(peakUp)}`);
    this.canvas.title = this.canvas.getAttribute('aria-label');
    this.#draw(Math.max(peakDown, peakUp, 1));
  }

  #draw(peak) {
    const context = this.canvas.getContext('2d');
    if (!context) return;
    const { width, height } = this.canvas;
    const style = getComputedStyle(this.canvas);
    context.clearRect(0, 0, width, height);
    const line = (values, color) => {
      context.beginPath();
      context.strokeStyle = color;
      context.lineWidth = 2;
      values.forEach((value, i) => {
        const x = width - (values.length - 1 - i) * (width / (SAMPLES - 1));
        const y = height - 1 - (value / peak) * (height - 2);
        if (i === 0) context.moveTo(x, y);
        else context.lineTo(x, y);
      });
      context.stroke();
    };
    line(this.#up, style.getPropertyValue('--ok').trim() || 'green');
    line(this.#down, style.getPropertyValue('--accent').trim() || 'blue');
  }
}
