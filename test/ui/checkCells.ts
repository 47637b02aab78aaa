// UI test helpers for check cells: a check is a Markdown cell, drawn in the notebook's webview by our
// markdown-it plugin (media/checkCell) as a one-line <details>. (Kept out of harness.ts, which the
// lead owns.)

import type { FrameLocator, Locator, Page } from 'playwright-core';

/**
 * The webview of the notebook in front: an iframe.webview with an inner frame where the renderers
 * draw. Other open notebooks keep their own webview, moved off screen (x around -50000).
 */
export async function frontNotebookWebview(page: Page, timeoutMs = 30_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const webview of await page.locator('.notebookOverlay iframe.webview').all()) {
      const box = await webview.boundingBox().catch(() => null);
      if (box && box.x >= 0 && box.width > 0) return webview.contentFrame().locator('iframe').first().contentFrame();
    }
    if (Date.now() > deadline) throw new Error('no notebook webview on screen');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The rendered check cell whose one-line summary contains `summary`, in the notebook in front. */
export async function checkCellPreview(page: Page, summary: string): Promise<Locator> {
  const frame = await frontNotebookWebview(page);
  return frame.locator('details.runbook-check').filter({ has: frame.locator('summary', { hasText: summary }) });
}

/**
 * The notebook list's row under `element` (drawn in the webview, which lies over the rows), by its id:
 * the last row of the notebook in front that starts above it. (A Markdown row's own box has no height:
 * its content is in the webview.)
 */
export async function notebookRowAt(page: Page, element: Locator): Promise<Locator> {
  const box = await element.boundingBox();
  if (!box) throw new Error('the element is not on screen');
  const y = box.y + box.height / 2;
  let best: { top: number; id: string } | undefined;
  for (const row of await page.locator('.notebookOverlay .cell-list-container .monaco-list-rows > .monaco-list-row').all()) {
    const r = await row.boundingBox();
    if (!r || r.x < 0 || r.y > y || !(await row.evaluate((e) => e.closest('[inert]') === null))) continue;
    const id = await row.getAttribute('id');
    if (id && (!best || r.y > best.top)) best = { top: r.y, id };
  }
  if (!best) throw new Error(`no notebook row above y=${y}`);
  // By its id: a locator by position would drift when the list re-renders its rows.
  return page.locator(`[id="${best.id}"]`);
}
