import { expect } from 'vitest';
import type { ListingType } from '#shared/marketplace/catalogue.js';
import { DEMO_LISTINGS } from '#shared/marketplace/demo-catalogue.js';
import type { ApiResponse, Json } from '../support/http.js';
import type { TestRuntime } from '../support/runtime.js';

/** Shared steps of the marketplace's end-to-end tests: users, listings, budgets, orders through HTTP. */
let sequence = 0;
export const idem = () => ({ 'idempotency-key': `m-${++sequence}-${Math.random()}` });

/** Valid metadata of each type, taken from the demo catalogue. */
export const metadataOf = (type: ListingType): Record<string, unknown> =>
  DEMO_LISTINGS.find((listing) => listing.type === type)?.metadata ?? {};

export function listingBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const type = (overrides.type as ListingType | undefined) ?? 'dataset';
  return {
    type,
    title: `A ${type} for sale`,
    description: `Everything a buyer of this ${type} needs`,
    tags: ['research'],
    price: '10.00',
    pricingModel: 'one_time',
    metadata: metadataOf(type),
    ...overrides,
  };
}

export function marketplace(t: TestRuntime) {
  const api = t.api;
  const expectStatus = (response: ApiResponse, status: number) =>
    expect(response.status, JSON.stringify(response.body)).toBe(status);

  const createListing = async (key: string, overrides: Record<string, unknown> = {}): Promise<Json> => {
    const response = await api('POST', '/v1/listings', { key, body: listingBody(overrides) });
    expectStatus(response, 201);
    return response.body;
  };

  const funded = async (amount = '10000') => {
    const user = await t.newUser();
    if (amount !== '0') expectStatus(await t.grant(user.id, amount), 201);
    return user;
  };

  const createBudget = async (key: string, body: Record<string, unknown>): Promise<Json> => {
    const response = await api('POST', '/v1/budgets', { key, body: { name: 'Marketplace', ...body } });
    expectStatus(response, 201);
    return response.body;
  };

  const order = (
    key: string,
    listingIds: string[],
    budgetId: string,
    category = 'marketplace_trading',
    headers: Record<string, string> = idem(),
  ) =>
    api('POST', '/v1/orders', {
      key,
      body: { items: listingIds.map((listingId) => ({ listingId })), budgetId, category },
      headers,
    });

  /** A buyer with FTNS and a budget of their own. */
  const buyer = async (amount = '10000', budgetTotal = '10000') => {
    const user = await funded(amount);
    const budget = await createBudget(user.key, { total: budgetTotal });
    return { ...user, budgetId: String(budget.id) };
  };

  const balance = async (key: string): Promise<string> =>
    (await api('GET', '/v1/accounts/me', { key })).body.balance;

  const audit = async (): Promise<Json> => (await api('GET', '/v1/ledger/audit', { key: t.adminKey })).body;

  return { api, expectStatus, createListing, funded, createBudget, order, buyer, balance, audit };
}

/** FTNS strings to micro-FTNS, for sums in assertions. */
export const micro = (ftns: string): bigint => {
  const [whole = '0', fraction = ''] = ftns.replace('-', '').split('.');
  const value = BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
  return ftns.startsWith('-') ? -value : value;
};
