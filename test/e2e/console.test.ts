import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_ADMIN_KEY } from '#shared/identity/bootstrap.js';
import { developmentKeyOf } from '#shared/marketplace/seed-demo.js';
import {
  type Browser,
  buildConsole,
  openBrowser,
  screenshot,
  seriousViolations,
} from '../support/browser.js';
import { apiClient } from '../support/http.js';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process.js';
import { GENEROUS_WAIT_MS } from '../support/waits.js';

/**
 * The web console in headless Chromium against `npm start` with the demo catalogue: the
 * journeys of a buyer, a seller and an admin, each page checked by axe-core and photographed
 * into .build/screenshots, and not one console error on the way.
 */
const BUYER = { id: 'usr_demoresearcher', key: developmentKeyOf({ keyId: 'demobuyer001' }) };
const SELLER = { key: developmentKeyOf({ keyId: 'demoseller01' }) };
const BUDGET = 'bud_demoresearcher';
const LISTING = 'lst_demomonetise';

let runtime: RuntimeProcess;
let browser: Browser;
let page: Page;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  buildConsole();
  runtime = await startRuntimeProcess(import.meta.filename);
  api = apiClient(runtime.url);
  browser = await openBrowser();
  page = browser.page;
  page.setDefaultTimeout(GENEROUS_WAIT_MS);
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

/** What a locator reads, the non-breaking space between a figure and "FTNS" as a plain one. */
const text = async (selector: string) =>
  ((await page.getByTestId(selector).textContent()) ?? '').replace(/\u00a0/g, ' ').trim();

/** Waits for a state of the page, with the suite's generous bound (no timing is asserted). */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: GENEROUS_WAIT_MS, interval: 200 });

const open = async (hash: string) => {
  await page.goto(`${runtime.url}/${hash}`);
  await page.locator('h1').first().waitFor();
  await page.locator('.loading').first().waitFor({ state: 'detached' });
};

/** Each page: axe finds nothing serious or critical, and a screenshot is kept. */
async function checkPage(name: string) {
  await page.locator('.loading').first().waitFor({ state: 'detached' });
  expect(await seriousViolations(page), name).toEqual([]);
  await screenshot(page, name);
}

async function signIn(key: string) {
  await page.goto(`${runtime.url}/`);
  await page.locator('#api-key').focus();
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('#api-key').waitFor();
  expect(await page.evaluate('sessionStorage.length')).toBe(0);
}

describe('The web console', () => {
  it('serves the sign-in page at / beside the API, and the key never reaches the address', async () => {
    await page.goto(`${runtime.url}/`);
    await page.locator('#api-key').waitFor();
    await checkPage('sign-in');
    await signIn(BUYER.key);
    expect(page.url()).not.toContain(BUYER.key);
  });

  it('shows the demo buyer their balance on the overview', async () => {
    await open('#/');
    await poll(() => text('balance')).toContain('5,000.00');
    await checkPage('overview');
  });

  it('lists the budgets with their utilisation bars', async () => {
    await open('#/budgets');
    await page.getByRole('link', { name: 'Demo marketplace budget' }).waitFor();
    expect(await page.getByRole('meter').count()).toBeGreaterThan(0);
    await checkPage('budgets');
  });

  it('buys a listing into a budget and category, the cost shown first, then the order and the new spent', async () => {
    await open('#/marketplace?type=agent_workflow');
    await page.getByRole('link', { name: 'Research Monetisation Kit' }).waitFor();
    await checkPage('marketplace');
    await page.getByRole('link', { name: 'Research Monetisation Kit' }).click();
    await page.getByRole('button', { name: 'Review the cost' }).waitFor();
    await checkPage('listing');
    await page.getByRole('button', { name: 'Review the cost' }).click();
    await poll(() => text('quote')).toContain('10.00 FTNS');
    await page.getByRole('button', { name: 'Confirm purchase' }).click();
    await page.getByTestId('order-done').waitFor();

    const budget = await api('GET', `/v1/budgets/${BUDGET}`, { key: BUYER.key });
    expect(budget.body.spent).toBe('10.00');
    expect(await text('new-spent')).toContain('10.00 FTNS');
    const orders = await api('GET', '/v1/orders', { key: BUYER.key });
    expect(orders.body.items.map((o: { lines: { listingId: string }[] }) => o.lines[0]?.listingId)).toEqual([
      LISTING,
    ]);
    await open('#/orders');
    await page.getByRole('cell', { name: orders.body.items[0].id }).waitFor();
    await checkPage('orders');
  });

  it("draws the budget's spend chart with a point per bucket the API answers", async () => {
    await open(`#/budgets/${BUDGET}`);
    const spend = await api('GET', `/v1/budgets/${BUDGET}/spend?interval=day`, { key: BUYER.key });
    expect(spend.body.items.length).toBeGreaterThan(0);
    const chart = page.locator('[data-chart="Spend per day"]');
    await poll(() => chart.getAttribute('data-points')).toBe(String(spend.body.items.length));
    expect(await chart.locator('canvas').count()).toBe(1);
    expect(await text('budget-spent')).toContain('10.00 FTNS');
    await checkPage('budget');
  });

  it('submits the example workflow with its estimate first and watches it reach completed at 112.90', async () => {
    await open('#/workflows');
    await page.getByRole('button', { name: 'Estimate the cost' }).click();
    await poll(() => text('workflow-estimate')).toContain('112.90 FTNS');
    await checkPage('workflows');
    await page.getByRole('button', { name: 'Submit workflow' }).click();
    await poll(() => text('workflow-status')).toBe('completed');
    expect(await text('workflow-cost')).toBe('112.90 FTNS');
    expect(await page.locator('.timeline > li').count()).toBe(7);
    await page.getByRole('heading', { name: 'Report' }).waitFor();
    await checkPage('workflow');
  });

  it('fits a phone: the overview and the budget page at 390 px', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await open('#/');
      await checkPage('overview-phone');
      await open(`#/budgets/${BUDGET}`);
      await page.locator('[data-chart="Spend per day"] canvas').waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await checkPage('budget-phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('shows a seller their listings and the sale, after signing the buyer out', async () => {
    await signOut();
    await signIn(SELLER.key);
    await open('#/selling');
    await page.getByRole('cell', { name: 'Research Monetisation Kit' }).waitFor();
    await checkPage('selling');
    await signOut();
  });

  it("shows an admin the health score's history as a chart, a point per sweep", async () => {
    await signIn(DEVELOPMENT_ADMIN_KEY);
    await open('#/admin');
    const points = async () =>
      (await api('GET', '/v1/health/history?limit=50', { key: DEVELOPMENT_ADMIN_KEY })).body.items.length;
    const chart = page.locator('[data-chart="Health score history"]');
    await poll(() => chart.getAttribute('data-points')).toBe(String(await points()));
    await page.getByRole('button', { name: 'Run a sweep now' }).click();
    await page.getByRole('button', { name: 'Run a sweep now' }).waitFor();
    const after = await points();
    expect(after).toBeGreaterThanOrEqual(2);
    await poll(() => chart.getAttribute('data-points')).toBe(String(after));
    await checkPage('admin');
  });

  it('logged no console error on any page', () => {
    expect(browser.errors).toEqual([]);
  });
});
