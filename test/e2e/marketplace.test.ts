import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { LISTING_TYPES } from '#shared/marketplace/catalogue.js';
import type { Json } from '../support/http.js';
import { useRuntime } from '../support/runtime.js';
import { listingBody, marketplace, metadataOf } from './marketplace-support.js';

/** Listings, catalogue search and reviews through HTTP against the local AWS. */
const t = useRuntime(import.meta.filename);
let m: ReturnType<typeof marketplace>;

beforeAll(async () => {
  m = marketplace(t);
});

/** A tag no other test uses: search tests see only their own listings. */
const uniqueTag = () => `t-${randomBytes(4).toString('hex')}`;
const search = async (key: string, query: Record<string, string>) => {
  const response = await t.api('GET', `/v1/listings?${new URLSearchParams(query)}`, { key });
  m.expectStatus(response, 200);
  return response.body as { items: Json[]; nextCursor: string | null };
};
const titles = (page: { items: Json[] }) => page.items.map((l) => l.title);

describe('Listings: the nine types', () => {
  it.each(LISTING_TYPES)('creates a %s listing with its own metadata', async (type) => {
    const seller = await m.funded('0');
    const created = await m.createListing(seller.key, { type, price: '12.345678', tags: ['alpha', 'beta'] });
    expect(created).toMatchObject({
      sellerId: seller.id,
      type,
      price: '12.345678',
      pricingModel: 'one_time',
      qualityGrade: 'community',
      status: 'active',
      tags: ['alpha', 'beta'],
      metadata: metadataOf(type),
      rating: { count: 0, sum: 0, average: null },
    });
    expect(created.id).toMatch(/^lst_/);
    const read = await t.api('GET', `/v1/listings/${created.id}`, { key: (await m.funded('0')).key });
    expect(read.body).toEqual(created);
  });

  const refusals: [string, Record<string, unknown>, string][] = [
    [
      'metadata of another type',
      { type: 'dataset', metadata: metadataOf('compute_resource') },
      'body.metadata.format',
    ],
    ['a price with 7 decimals', { price: '1.0000001' }, 'body.price'],
    ['a price as a number', { price: 29.99 }, 'body.price'],
    ['a negative price', { price: '-1' }, 'body.price'],
    ['an unknown type', { type: 'spaceship' }, 'body.type'],
    ['an unknown field', { colour: 'red' }, 'body'],
    ['a bad tag', { tags: ['Not A Tag'] }, 'body.tags.0'],
    ['nine tags', { tags: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] }, 'body.tags'],
    ['a free listing with a price', { pricingModel: 'free', price: '1' }, 'body.price'],
    ['a one-time listing without a price', { price: undefined }, 'body.price'],
  ];
  it.each(refusals)('refuses %s with 422', async (_what, overrides, path) => {
    const seller = await m.funded('0');
    const response = await t.api('POST', '/v1/listings', { key: seller.key, body: listingBody(overrides) });
    expect(response.status, JSON.stringify(response.body)).toBe(422);
    expect(response.body.errors.map((e: Json) => e.path)).toContain(path);
  });

  it('keeps grades past community for admins (403), who may raise them', async () => {
    const seller = await m.funded('0');
    const refused = await t.api('POST', '/v1/listings', {
      key: seller.key,
      body: listingBody({ qualityGrade: 'verified' }),
    });
    expect(refused.status).toBe(403);
    const listing = await m.createListing(seller.key, { qualityGrade: 'experimental' });
    const raised = await t.api('PATCH', `/v1/listings/${listing.id}`, {
      key: t.adminKey,
      body: { qualityGrade: 'premium' },
    });
    expect(raised.body.qualityGrade).toBe('premium');
    expect(
      (
        await t.api('PATCH', `/v1/listings/${listing.id}`, {
          key: seller.key,
          body: { qualityGrade: 'enterprise' },
        })
      ).status,
    ).toBe(403);
    // Lowering is the seller's right; keeping the admin's grade while editing too.
    const kept = await t.api('PATCH', `/v1/listings/${listing.id}`, {
      key: seller.key,
      body: { qualityGrade: 'premium', title: 'Renamed' },
    });
    expect(kept.body).toMatchObject({ qualityGrade: 'premium', title: 'Renamed' });
    const lowered = await t.api('PATCH', `/v1/listings/${listing.id}`, {
      key: seller.key,
      body: { qualityGrade: 'verified' },
    });
    expect(lowered.body.qualityGrade).toBe('verified');
  });
});

describe('Listings: editing and status', () => {
  it('lets the seller edit, check metadata against the type, and retire for good', async () => {
    const seller = await m.funded('0');
    const other = await m.funded('0');
    const listing = await m.createListing(seller.key, { type: 'compute_resource' });
    const edited = await t.api('PATCH', `/v1/listings/${listing.id}`, {
      key: seller.key,
      body: { price: '15.50', tags: ['gpu'], metadata: { ...metadataOf('compute_resource'), hours: 10 } },
    });
    m.expectStatus(edited, 200);
    expect(edited.body).toMatchObject({ price: '15.50', tags: ['gpu'], metadata: { hours: 10 } });
    const wrongMetadata = await t.api('PATCH', `/v1/listings/${listing.id}`, {
      key: seller.key,
      body: { metadata: metadataOf('dataset') },
    });
    expect(wrongMetadata.status).toBe(422);
    expect(wrongMetadata.body.errors.map((e: Json) => e.path)).toContain('body.metadata.hardware');
    expect(
      (await t.api('PATCH', `/v1/listings/${listing.id}`, { key: other.key, body: { title: 'Mine' } }))
        .status,
    ).toBe(403);
    expect((await t.api('PATCH', `/v1/listings/${listing.id}`, { key: seller.key, body: {} })).status).toBe(
      422,
    );

    const retired = await t.api('PATCH', `/v1/listings/${listing.id}`, {
      key: seller.key,
      body: { status: 'retired' },
    });
    expect(retired.body.status).toBe('retired');
    const again = await t.api('PATCH', `/v1/listings/${listing.id}`, {
      key: seller.key,
      body: { status: 'active' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('listing_retired');
    // Retired listings stay readable: buyers look back at what they bought.
    expect((await t.api('GET', `/v1/listings/${listing.id}`, { key: other.key })).status).toBe(200);
  });

  it('keeps drafts and suspended listings to their seller and admins; only admins suspend and reinstate', async () => {
    const seller = await m.funded('0');
    const other = await m.funded('0');
    const draft = await m.createListing(seller.key, { status: 'draft' });
    expect((await t.api('GET', `/v1/listings/${draft.id}`, { key: other.key })).status).toBe(404);
    expect((await t.api('GET', `/v1/listings/${draft.id}`, { key: seller.key })).status).toBe(200);
    expect((await t.api('GET', `/v1/listings/${draft.id}`, { key: t.adminKey })).status).toBe(200);
    expect(
      (await t.api('PATCH', `/v1/listings/${draft.id}`, { key: other.key, body: { title: 'x' } })).status,
    ).toBe(404);

    const published = await t.api('PATCH', `/v1/listings/${draft.id}`, {
      key: seller.key,
      body: { status: 'active' },
    });
    expect(published.body.status).toBe('active');
    expect(
      (await t.api('PATCH', `/v1/listings/${draft.id}`, { key: seller.key, body: { status: 'suspended' } }))
        .status,
    ).toBe(403);
    const suspended = await t.api('PATCH', `/v1/listings/${draft.id}`, {
      key: t.adminKey,
      body: { status: 'suspended' },
    });
    expect(suspended.body.status).toBe('suspended');
    expect(
      (await t.api('PATCH', `/v1/listings/${draft.id}`, { key: t.adminKey, body: { title: 'x' } })).status,
    ).toBe(403);
    const lifted = await t.api('PATCH', `/v1/listings/${draft.id}`, {
      key: seller.key,
      body: { status: 'active' },
    });
    expect(lifted.status).toBe(409);
    expect(lifted.body.code).toBe('listing_suspended');
    const reinstated = await t.api('PATCH', `/v1/listings/${draft.id}`, {
      key: t.adminKey,
      body: { status: 'active' },
    });
    expect(reinstated.body.status).toBe('active');

    const mine = await t.api('GET', '/v1/me/listings', { key: seller.key });
    expect(mine.body.items.map((l: Json) => l.id)).toEqual([draft.id]);
    const drafts = await t.api('GET', '/v1/me/listings?status=draft', { key: seller.key });
    expect(drafts.body.items).toEqual([]);
  });
});

describe('Search', () => {
  it('filters by type, tag and both, and leaves drafts and retired listings out', async () => {
    const tag = uniqueTag();
    const seller = await m.funded('0');
    const key = seller.key;
    await m.createListing(key, { type: 'dataset', title: 'D1', tags: [tag] });
    await m.createListing(key, { type: 'ai_model', title: 'M1', tags: [tag, 'other'] });
    await m.createListing(key, { type: 'dataset', title: 'D2', tags: ['other'] });
    await m.createListing(key, { type: 'dataset', title: 'D3 draft', tags: [tag], status: 'draft' });
    const retired = await m.createListing(key, { type: 'dataset', title: 'D4 retired', tags: [tag] });
    await t.api('PATCH', `/v1/listings/${retired.id}`, { key, body: { status: 'retired' } });

    expect(titles(await search(key, { tag })).sort()).toEqual(['D1', 'M1']);
    expect(titles(await search(key, { tag, type: 'dataset' }))).toEqual(['D1']);
    const datasets = titles(await search(key, { type: 'dataset', limit: '100' }));
    expect(datasets).toEqual(expect.arrayContaining(['D1', 'D2']));
    expect(datasets).not.toContain('D3 draft');
    expect(datasets).not.toContain('D4 retired');
    // Changing tags moves the listing between partitions.
    const moved = await m.createListing(key, { type: 'safety_tool', title: 'S1', tags: ['other'] });
    await t.api('PATCH', `/v1/listings/${moved.id}`, { key, body: { tags: [tag] } });
    expect(titles(await search(key, { tag })).sort()).toEqual(['D1', 'M1', 'S1']);
    expect((await t.api('GET', '/v1/listings?type=spaceship', { key })).status).toBe(422);
  });

  it('finds words of the title or description, case-insensitively, all words required', async () => {
    const tag = uniqueTag();
    const { key } = await m.funded('0');
    await m.createListing(key, {
      title: 'Quantum Chemistry Dataset',
      description: 'Molecular orbitals',
      tags: [tag],
    });
    await m.createListing(key, {
      title: 'Protein atlas',
      description: 'QUANTUM effects in folding',
      tags: [tag],
    });
    await m.createListing(key, { title: 'Galaxy survey', description: 'Telescopes', tags: [tag] });
    expect(titles(await search(key, { tag, q: 'quantum' })).sort()).toEqual([
      'Protein atlas',
      'Quantum Chemistry Dataset',
    ]);
    expect(titles(await search(key, { tag, q: 'Quantum orbitals' }))).toEqual(['Quantum Chemistry Dataset']);
    expect(titles(await search(key, { tag, q: 'nothing-like-this' }))).toEqual([]);
  });

  it('sorts by price both ways within a price range, and by newest', async () => {
    const tag = uniqueTag();
    const { key } = await m.funded('0');
    for (const [title, price] of [
      ['ten', '10'],
      ['nine-ninety-nine', '9.99'],
      ['hundred', '100'],
      ['one', '1'],
      ['fifty', '50.000001'],
    ])
      await m.createListing(key, { title, price, tags: [tag] });
    expect(titles(await search(key, { tag, sort: 'price' }))).toEqual([
      'one',
      'nine-ninety-nine',
      'ten',
      'fifty',
      'hundred',
    ]);
    expect(
      titles(
        await search(key, { tag, sort: 'price', order: 'desc', minPrice: '9.99', maxPrice: '50.000001' }),
      ),
    ).toEqual(['fifty', 'ten', 'nine-ninety-nine']);
    expect(titles(await search(key, { tag, sort: 'newest', maxPrice: '10' }))).toEqual([
      'one',
      'nine-ninety-nine',
      'ten',
    ]);
    expect(titles(await search(key, { tag, sort: 'newest', order: 'asc', minPrice: '50' }))).toEqual([
      'hundred',
      'fifty',
    ]);
    const inverted = await t.api('GET', `/v1/listings?tag=${tag}&minPrice=5&maxPrice=1`, { key });
    expect(inverted.status).toBe(422);
  });

  it('pages through results with cursors, each listing once, and refuses a cursor of another search', async () => {
    const tag = uniqueTag();
    const { key } = await m.funded('0');
    for (let i = 0; i < 7; i++)
      await m.createListing(key, { title: `item ${i}`, price: String(i + 1), tags: [tag] });
    const queries: Record<string, string>[] = [
      { sort: 'price' },
      { sort: 'newest' },
      { sort: 'price', q: 'item' },
    ];
    for (const query of queries) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await search(key, { tag, limit: '3', ...query, ...(cursor ? { cursor } : {}) });
        seen.push(...titles(page));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `item ${i}`));
    }
    const first = await search(key, { tag, limit: '3', sort: 'price' });
    const elsewhere = await t.api('GET', `/v1/listings?sort=rating&cursor=${first.nextCursor}`, { key });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.errors[0].path).toBe('query.cursor');
    expect((await t.api('GET', '/v1/listings?cursor=garbage', { key })).status).toBe(422);
  });
});

describe('Reviews', () => {
  it('lets only buyers review, once each, keeps the rating sum and count exact, and sorts by rating', async () => {
    const tag = uniqueTag();
    const seller = await m.funded('0');
    const good = await m.createListing(seller.key, { title: 'good', tags: [tag], price: '1' });
    const fair = await m.createListing(seller.key, { title: 'fair', tags: [tag], price: '1' });
    await m.createListing(seller.key, { title: 'unrated', tags: [tag], price: '1' });
    const review = (key: string, listingId: string, rating: number, method = 'POST') =>
      t.api(method, `/v1/listings/${listingId}/reviews${method === 'PUT' ? '/mine' : ''}`, {
        key,
        body: { rating, text: `${rating} stars` },
      });

    const stranger = await m.buyer();
    const notBuyer = await review(stranger.key, good.id, 5);
    expect(notBuyer.status).toBe(403);
    expect(notBuyer.body.code).toBe('not_a_buyer');
    expect((await review(seller.key, good.id, 5)).status).toBe(403);

    const buyers = [await m.buyer(), await m.buyer(), await m.buyer()];
    for (const buyer of buyers)
      m.expectStatus(await m.order(buyer.key, [good.id, fair.id], buyer.budgetId), 201);
    for (const [i, rating] of [5, 4, 4].entries())
      m.expectStatus(await review(buyers[i]!.key, good.id, rating), 201);
    m.expectStatus(await review(buyers[0]!.key, fair.id, 3), 201);

    const second = await review(buyers[1]!.key, good.id, 1);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('already_reviewed');
    expect((await review(buyers[0]!.key, good.id, 6)).status).toBe(422);
    expect((await review(buyers[0]!.key, good.id, 4.5)).status).toBe(422);
    expect((await review(stranger.key, good.id, 3, 'PUT')).status).toBe(404);

    const read = async (id: string) =>
      (await t.api('GET', `/v1/listings/${id}`, { key: stranger.key })).body.rating;
    expect(await read(good.id)).toEqual({ count: 3, sum: 13, average: '4.33' });
    const changed = await review(buyers[1]!.key, good.id, 1, 'PUT');
    expect(changed.body).toMatchObject({ rating: 1, text: '1 stars' });
    expect(await read(good.id)).toEqual({ count: 3, sum: 10, average: '3.33' });

    expect(titles(await search(stranger.key, { tag, sort: 'rating' }))).toEqual(['good', 'fair', 'unrated']);
    expect(titles(await search(stranger.key, { tag, sort: 'rating', minRating: '3.2' }))).toEqual(['good']);
    expect(titles(await search(stranger.key, { tag, sort: 'price', minRating: '3' })).sort()).toEqual([
      'fair',
      'good',
    ]);
    const listed = await t.api('GET', `/v1/listings/${good.id}/reviews`, { key: stranger.key });
    expect(listed.body.items.map((r: Json) => r.rating)).toEqual([4, 1, 5]);
  });
});
