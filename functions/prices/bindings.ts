import { systemClock } from '#platform/clock.js';
import { bind } from '#platform/http/http-function.js';
import { formatFtns } from '#platform/money.js';
import { pageInMemory } from '#platform/pagination.js';
import { own } from '#platform/records.js';
import { table } from '#platform/table.js';
import { PHASES } from '#shared/prices/phases.js';
import { getPriceList, type PriceList, setPrice } from '#shared/prices/price-list.js';
import { listPricesRoute, setPriceRoute } from './contract.js';

const priceView = (component: string, prices: PriceList) => {
  const phase = PHASES.find((p) => p.components.includes(component));
  return {
    component,
    price: formatFtns(own(prices, component) ?? 0n),
    phase: phase?.id ?? '',
    category: phase?.category ?? '',
  };
};

/** The price list's routes, served by the budgets function (estimates read the same list). */
export const priceBindings = [
  bind(listPricesRoute, async ({ query }) => {
    const prices = await getPriceList(table());
    const views = Object.keys(prices).map((component) => priceView(component, prices));
    return { status: 200, body: pageInMemory(views, (view) => view.component, query) };
  }),
  bind(setPriceRoute, async ({ params, body, principal }) => {
    await setPrice(table(), params.component, body.price, principal.userId, systemClock);
    return { status: 200, body: priceView(params.component, await getPriceList(table())) };
  }),
];
