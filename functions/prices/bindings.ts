import { systemClock } from '#platform/clock.js';
import { bind } from '#platform/http/http-function.js';
import { formatFtns } from '#platform/money.js';
import { pageInMemory } from '#platform/pagination.js';
import { own } from '#platform/records.js';
import { table } from '#platform/table.js';
import { type ModelPrice, setModelPrice } from '#shared/prices/model-prices.js';
import { PHASES } from '#shared/prices/phases.js';
import { getPriceList, getPrices, type PriceList, setPrice } from '#shared/prices/price-list.js';
import { listModelPricesRoute, listPricesRoute, setModelPriceRoute, setPriceRoute } from './contract.js';

const modelPriceView = (model: string, price: ModelPrice) => ({
  model,
  inputPerMillion: formatFtns(price.inputPerMillion),
  outputPerMillion: formatFtns(price.outputPerMillion),
});

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
  bind(listModelPricesRoute, async ({ query }) => {
    const { models } = await getPrices(table());
    const views = Object.entries(models).map(([model, price]) => modelPriceView(model, price));
    return { status: 200, body: pageInMemory(views, (view) => view.model, query) };
  }),
  bind(setModelPriceRoute, async ({ params, body, principal }) => {
    const price = { inputPerMillion: body.inputPerMillion, outputPerMillion: body.outputPerMillion };
    await setModelPrice(table(), params.modelId, price, principal.userId, systemClock);
    return { status: 200, body: modelPriceView(params.modelId, price) };
  }),
];
