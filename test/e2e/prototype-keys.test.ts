import { beforeAll, describe, expect, it } from 'vitest';
import { budgetSteps } from '../support/budgets.js';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { idem, listingBody, marketplace } from './marketplace-support.js';
import { EXAMPLE_QUERY, finished, researcher, submit, waitFor } from './workflows-support.js';

/**
 * Names users choose (categories, tags, metadata) that are also names of JavaScript's object
 * prototype: they are keys like any other, never a 500, never silently dropped.
 */
const t = useRuntime(import.meta.filename);
let steps: ReturnType<typeof budgetSteps>;
let m: ReturnType<typeof marketplace>;

beforeAll(async () => {
  steps = budgetSteps(t);
  m = marketplace(t);
});

/** JSON.parse makes `__proto__` an own key, as a client's JSON body does (an object literal would not). */
const json = (text: string): Json => JSON.parse(text);

describe('Budgets: categories named like prototype properties', () => {
  it('creates a budget with categories constructor and prototype, both in the answer', async () => {
    const owner = await steps.funded();
    const created = await steps.createBudget(owner.key, {
      name: 'Prototype names',
      total: '100',
      categories: {
        constructor: { allocation: '40', enforcement: 'hard' },
        prototype: { allocation: '20' },
      },
    });
    expect(Object.keys(created.categories).sort()).toEqual(['constructor', 'prototype']);
    expect(created.categories.constructor).toEqual({
      allocation: '40.00',
      enforcement: 'hard',
      spent: '0.00',
      utilisation: '0.0',
    });
    const read = await steps.budget(owner.key, created.id);
    expect(read.categories).toEqual(created.categories);
  });

  it('answers a charge in category constructor that crosses a threshold with 201, the figures exact', async () => {
    const owner = await steps.funded();
    const created = await steps.createBudget(owner.key, {
      name: 'Threshold',
      total: '100',
      categories: { constructor: { allocation: '60', enforcement: 'hard' } },
    });
    const first = await steps.charge(owner.key, created.id, '30', 'constructor');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    // 30 -> 55 crosses 50 %: the informed plan, planned from the budget as read.
    const crossing = await steps.charge(owner.key, created.id, '25.5', 'constructor');
    expect(crossing.status, JSON.stringify(crossing.body)).toBe(201);
    const read = await steps.budget(owner.key, created.id);
    expect(read).toMatchObject({ spent: '55.50', remaining: '44.50', utilisation: '55.5' });
    expect(read.categories.constructor).toEqual({
      allocation: '60.00',
      enforcement: 'hard',
      spent: '55.50',
      utilisation: '92.5',
    });
    const alerts = (await t.api('GET', `/v1/budgets/${created.id}/alerts`, { key: owner.key })).body.items;
    expect(alerts).toEqual([expect.objectContaining({ kind: 'threshold', threshold: 50, spent: '55.50' })]);
    // The hard allocation still holds: 5 more would pass 60.
    const over = await steps.charge(owner.key, created.id, '5', 'constructor');
    expect(over.status).toBe(402);
    expect(over.body.code).toBe('budget_exceeded');
  });

  it('charges categories without an allocation named constructor or prototype, and changes categories to them', async () => {
    const owner = await steps.funded();
    const created = await steps.createBudget(owner.key, { name: 'Unallocated', total: '100' });
    for (const category of ['constructor', 'prototype']) {
      const response = await steps.charge(owner.key, created.id, '30', category);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
    }
    const changed = await t.api('PATCH', `/v1/budgets/${created.id}`, {
      key: owner.key,
      body: { categories: { constructor: { allocation: '50' } } },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ spent: '60.00', utilisation: '60.0' });
    expect(changed.body.categories).toEqual({
      constructor: { allocation: '50.00', enforcement: 'soft', spent: '30.00', utilisation: '60.0' },
      prototype: { allocation: null, enforcement: null, spent: '30.00', utilisation: null },
    });
  });

  it('refuses __proto__ as a category (not a slug) with a 422 naming it, rather than dropping it', async () => {
    const owner = await steps.funded();
    const response = await t.api('POST', '/v1/budgets', {
      key: owner.key,
      body: json(
        '{"name":"Proto","total":"100","categories":{"__proto__":{"allocation":"10"},"ok":{"allocation":"5"}}}',
      ),
    });
    expect(response.status, JSON.stringify(response.body)).toBe(422);
    expect(response.body.errors.map((e: Json) => e.path)).toContain('body.categories.__proto__');
  });
});

describe('Marketplace: tags, metadata and order categories named like prototype properties', () => {
  it('round-trips a listing tagged constructor and prototype, with metadata values toString and hasOwnProperty', async () => {
    const seller = await m.funded('0');
    const body: Json = listingBody({
      type: 'ai_model',
      tags: ['constructor', 'prototype'],
      metadata: { ...(listingBody({ type: 'ai_model' }).metadata as Json), architecture: 'toString' },
    });
    const created = await t.api('POST', '/v1/listings', { key: seller.key, body });
    m.expectStatus(created, 201);
    expect(created.body.tags).toEqual(['constructor', 'prototype']);
    expect(created.body.metadata).toEqual(body.metadata);
    const read = await t.api('GET', `/v1/listings/${created.body.id}`, { key: seller.key });
    expect(read.body).toEqual(created.body);
    const found = await t.api('GET', '/v1/listings?tag=constructor&type=ai_model', { key: seller.key });
    expect(found.body.items.map((l: Json) => l.id)).toContain(created.body.id);

    const patched = await t.api('PATCH', `/v1/listings/${created.body.id}`, {
      key: seller.key,
      body: {
        tags: ['hasownproperty', 'constructor'],
        metadata: { ...body.metadata, architecture: 'hasOwnProperty' },
      },
    });
    m.expectStatus(patched, 200);
    expect(patched.body.metadata.architecture).toBe('hasOwnProperty');
    expect((await t.api('GET', `/v1/listings/${created.body.id}`, { key: seller.key })).body).toEqual(
      patched.body,
    );
  });

  it('refuses a metadata key __proto__ on create and on change alike (422), never dropping it silently', async () => {
    const seller = await m.funded('0');
    const metadata = (extra: string) =>
      json(`{${JSON.stringify(listingBody().metadata).slice(1, -1)},"__proto__":${extra}}`);
    const created = await t.api('POST', '/v1/listings', {
      key: seller.key,
      body: { ...listingBody(), metadata: metadata('{"polluted":true}') },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(422);
    const listing = await m.createListing(seller.key);
    const patched = await t.api('PATCH', `/v1/listings/${listing.id}`, {
      key: seller.key,
      body: { metadata: metadata('"x"') },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(422);
    expect(patched.body.errors.map((e: Json) => e.path)).toContain('body.metadata.__proto__');
  });

  it('checks out an order charged to category constructor on a budget that allocates it', async () => {
    const seller = await m.funded('0');
    const listing = await m.createListing(seller.key, { price: '60' });
    const buyer = await m.funded('100');
    const budget = await m.createBudget(buyer.key, {
      total: '100',
      categories: { constructor: { allocation: '80', enforcement: 'hard' } },
    });
    const order = await m.order(buyer.key, [listing.id], String(budget.id), 'constructor', idem());
    m.expectStatus(order, 201);
    const read = await steps.budget(buyer.key, String(budget.id));
    expect(read.categories.constructor).toMatchObject({ spent: '60.00', utilisation: '75.0' });
  });
});

describe('Prices: component names', () => {
  it('knows no component named like a prototype property (404), and lists none', async () => {
    for (const component of ['constructor', 'toString', 'hasOwnProperty']) {
      const response = await t.api('PUT', `/v1/prices/${component}`, {
        key: t.adminKey,
        body: { price: '1' },
      });
      expect(response.status, `${component}: ${JSON.stringify(response.body)}`).toBe(404);
    }
    const listed = (await t.api('GET', '/v1/prices', { key: t.adminKey })).body.items as Json[];
    expect(listed.map((p) => p.component)).not.toContain('constructor');
  });
});

describe('Workflows: preference names', () => {
  it('runs a workflow with preferences constructor, toString and hasOwnProperty, and refuses __proto__ (422)', async () => {
    const who = await researcher(t, { grant: '500', total: '150' });
    const preferences = { constructor: 'expert', toString: 'brief', hasOwnProperty: true };
    const response = await submit(t, who, { prompt: EXAMPLE_QUERY, preferences });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    const done = await waitFor(t, who.key, response.body.id, finished);
    expect(done).toMatchObject({ status: 'completed', preferences });

    const proto = await submit(t, who, { prompt: EXAMPLE_QUERY, preferences: json('{"__proto__":"x"}') });
    expect(proto.status, JSON.stringify(proto.body)).toBe(422);
    expect(proto.body.errors.map((e: Json) => e.path)).toContain('body.preferences.__proto__');
  });
});
