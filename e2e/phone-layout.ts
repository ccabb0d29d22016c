// Layout facts the phone journeys hold every screen to, measured in the browser: nothing reaches
// past the screen's edges, the main actions are big enough to tap, and what must be in view is.
// Also the screenshots they keep: one per screen with the test's results, and (with
// UPDATE_PHONE_SCREENSHOTS=1) the reviewed set under docs/screenshots/phone/.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { devices, type Locator, type Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

/**
 * A phone as Chromium emulates one (the browser stays the configured Chromium): Pixel 7's screen,
 * touch and mobile viewport. At one device pixel per CSS pixel, so the kept screenshots stay small;
 * layout is measured in CSS pixels either way.
 */
export const PHONE = {
  userAgent: devices['Pixel 7'].userAgent,
  viewport: devices['Pixel 7'].viewport,
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 1,
};

/** The narrowest and widest phones the inbox is laid out for. */
export const PHONE_WIDTHS = [360, 430] as const;

/**
 * Nothing on screen reaches past its left or right edge: the page does not scroll sideways, and
 * no element is cut off by the screen or drawn past it inside a scrolling pane. Only containers
 * that scroll sideways on purpose (a wide table, a row of cards; marked `data-scrolls-sideways`)
 * may hold wider content, and they themselves must fit.
 */
export async function expectFitsScreen(page: Page, screen: string): Promise<void> {
  const width = (page.viewportSize() as { width: number }).width;
  const problems = await page.evaluate((width) => {
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > width) found.push(`the page is ${root.scrollWidth} px wide`);
    if (root.clientWidth !== width) found.push(`the layout viewport is ${root.clientWidth} px wide`);
    for (const element of document.body.querySelectorAll('*')) {
      if (element.parentElement?.closest('[data-scrolls-sideways]')) continue;
      const rect = element.getBoundingClientRect();
      // Not drawn, or drawn for screen readers only (a 1 px clipped box).
      if (rect.width <= 1 || rect.height <= 1) continue;
      if (getComputedStyle(element).visibility !== 'visible') continue;
      if (rect.left < -1 || rect.right > width + 1) {
        const name = `${element.tagName.toLowerCase()}.${[...element.classList].slice(0, 6).join('.')}`;
        const text = (element.textContent ?? '').trim().slice(0, 40);
        found.push(`${name} "${text}" spans ${Math.round(rect.left)}–${Math.round(rect.right)} px`);
      }
    }
    return found.slice(0, 10);
  }, width);
  expect(problems, `${screen} at ${width} px: what reaches past the screen's edges`).toEqual([]);
}

/** Big enough to tap with a finger: at least 40 × 40 CSS pixels. */
export async function expectTappable(target: Locator): Promise<void> {
  const box = await target.boundingBox();
  expect(box, `${target} is on the page`).not.toBeNull();
  expect(
    Math.min(box?.width ?? 0, box?.height ?? 0),
    `${target} is ${box?.width} × ${box?.height} px`,
  ).toBeGreaterThanOrEqual(40);
}

/** Wholly inside the screen (not below the fold, not off to a side). */
export async function expectOnScreen(page: Page, target: Locator): Promise<void> {
  const screen = page.viewportSize() as { width: number; height: number };
  await expect(target).toBeVisible();
  const box = await target.boundingBox();
  expect(box, `${target} is on the page`).not.toBeNull();
  const { x, y, width, height } = box ?? { x: 0, y: 0, width: 0, height: 0 };
  expect(
    x >= -1 && y >= -1 && x + width <= screen.width + 1 && y + height <= screen.height + 1,
    `${target} at ${x},${y} (${width} × ${height}) is inside the ${screen.width} × ${screen.height} screen`,
  ).toBe(true);
}

const REVIEWED = fileURLToPath(new URL('../docs/screenshots/phone/', import.meta.url));

/**
 * What the screen looks like, as `<width>-<name>.png`: always with this test's results; with
 * UPDATE_PHONE_SCREENSHOTS=1 and `reviewed`, also over the reviewed copy in docs/screenshots/phone/
 * (a normal run never rewrites it). The reviewed set is kept to one width per screen, so it stays
 * small in the repository.
 */
export async function keepPhoneScreenshot(page: Page, name: string, reviewed = true): Promise<void> {
  const file = `${(page.viewportSize() as { width: number }).width}-${name}.png`;
  const png = await page.screenshot({ path: test.info().outputPath(file) });
  if (reviewed && process.env.UPDATE_PHONE_SCREENSHOTS === '1') {
    await mkdir(REVIEWED, { recursive: true });
    await writeFile(`${REVIEWED}${file}`, png);
  }
}
