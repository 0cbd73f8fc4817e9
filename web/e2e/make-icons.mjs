// Renders app/icons/icon.svg into the PNG icons the manifest names (192 and
// 512 px) with the local Chromium. Run once after changing the SVG:
//   cd web && node e2e/make-icons.mjs
// and commit the PNGs.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, REPO } from './harness.mjs';

const ICONS = path.join(REPO, 'web/app/icons');
const svg = readFileSync(path.join(ICONS, 'icon.svg'), 'utf8');

const browser = await launchBrowser();
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
    await page.screenshot({ path: path.join(ICONS, `icon-${size}.png`), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
