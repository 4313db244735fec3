import { useState } from 'preact/hooks';
import { call, get, getAll, newIdempotencyKey, type Page } from '../api.js';
import { href } from '../router.js';
import type { Budget, Estimate, Listing, Me, Order, Review } from '../types.js';
import { Problem, Show, useAction, useLoad } from '../ui/async.js';
import { BudgetSelect } from '../ui/budget-select.js';
import { Ftns, StatusBadge, when } from '../ui/figures.js';
import { Title } from '../ui/layout.js';

export function ListingPage({ id, me }: { id: string; me: Me }) {
  const listing = useLoad(() => get<Listing>(`/v1/listings/${id}`), [id]);
  const reviews = useLoad(() => get<Page<Review>>(`/v1/listings/${id}/reviews?limit=20`), [id]);
  return (
    <Show loaded={listing} what="the listing">
      {(l) => (
        <>
          <Title>{l.title}</Title>
          <p>
            <StatusBadge status={l.type} /> <StatusBadge status={l.status} /> <Ftns value={l.price} />{' '}
            <span class="muted">
              {l.pricingModel.replace(/_/g, ' ')} · {l.qualityGrade} · seller {l.sellerId}
            </span>
          </p>
          <p>{l.description}</p>
          <p class="muted">Tags: {l.tags.join(', ') || 'none'}</p>
          <div class="columns">
            <section class="card" aria-labelledby="metadata-title">
              <h2 id="metadata-title">Details</h2>
              <dl class="metadata">
                {Object.entries(l.metadata).map(([name, value]) => (
                  <div key={name}>
                    <dt>{name}</dt>
                    <dd>{Array.isArray(value) ? value.join(', ') : String(value)}</dd>
                  </div>
                ))}
              </dl>
            </section>
            {l.sellerId === me.id ? (
              <section class="card">
                <h2>Your listing</h2>
                <p>
                  See its sales under <a href="#/selling">my listings and sales</a>.
                </p>
              </section>
            ) : (
              <Buy listing={l} />
            )}
          </div>
          <section class="card" aria-labelledby="reviews-title">
            <h2 id="reviews-title">
              Reviews ({l.rating.count}
              {l.rating.average !== null ? `, average ${l.rating.average}` : ''})
            </h2>
            <Show loaded={reviews} what="reviews">
              {(page) =>
                page.items.length === 0 ? (
                  <p class="muted">No review yet.</p>
                ) : (
                  <ul class="plain">
                    {page.items.map((r) => (
                      <li key={r.buyerId}>
                        <strong>
                          <span aria-hidden="true">{'★'.repeat(r.rating)}</span>
                          <span class="sr-only">{r.rating} of 5</span>
                        </strong>{' '}
                        {r.text}{' '}
                        <span class="muted">
                          {r.buyerId}, {when(r.createdAt)}
                        </span>
                      </li>
                    ))}
                  </ul>
                )
              }
            </Show>
          </section>
        </>
      )}
    </Show>
  );
}

/** Buying: choose the budget and category, see the cost and fee first, then confirm. */
function Buy({ listing }: { listing: Listing }) {
  const budgets = useLoad(() => getAll<Budget>('/v1/budgets'), []);
  const [budgetId, setBudgetId] = useState('');
  const [category, setCategory] = useState('marketplace_trading');
  const [estimate, setEstimate] = useState<Estimate>();
  const [bought, setBought] = useState<{ order: Order; budget: Budget }>();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const chosen = budgetId || budgets.data?.[0]?.id || '';
  const review = useAction(async () => {
    setEstimate(
      await call<Estimate>('POST', '/v1/estimates', {
        body: { budgetId: chosen, items: [{ listingId: listing.id }], category },
      }),
    );
  });
  const confirm = useAction(async () => {
    const order = await call<Order>('POST', '/v1/orders', {
      body: { items: [{ listingId: listing.id }], budgetId: chosen, category },
      idempotencyKey,
    });
    setBought({ order, budget: await get<Budget>(`/v1/budgets/${chosen}`) });
  });
  if (bought) {
    return (
      <section class="card success" aria-labelledby="bought-title" data-testid="order-done">
        <h2 id="bought-title">Bought</h2>
        <p role="status">
          Order <a href="#/orders">{bought.order.id}</a> {bought.order.status}:{' '}
          <Ftns value={bought.order.total} /> (marketplace fee <Ftns value={bought.order.fee} />, paid by the
          seller).
        </p>
        <p>
          Budget <a href={href('budgets', bought.budget.id)}>{bought.budget.name}</a> has now spent{' '}
          <span data-testid="new-spent">
            <Ftns value={bought.budget.spent} />
          </span>{' '}
          of <Ftns value={bought.budget.limit} />.
        </p>
      </section>
    );
  }
  return (
    <section class="card" aria-labelledby="buy-title">
      <h2 id="buy-title">Buy</h2>
      <Show loaded={budgets} what="your budgets">
        {(all) =>
          all.length === 0 ? (
            <p>
              You need a budget to buy: <a href="#/budgets/new">create one</a>.
            </p>
          ) : (
            <form
              class="stack"
              onSubmit={(event) => {
                event.preventDefault();
                void (estimate ? confirm.run() : review.run());
              }}
            >
              <BudgetSelect
                budgets={all}
                value={chosen}
                onChange={(budgetId) => {
                  setBudgetId(budgetId);
                  setEstimate(undefined);
                }}
              />
              <label>
                Category
                <input
                  value={category}
                  onInput={(e) => {
                    setCategory(e.currentTarget.value);
                    setEstimate(undefined);
                  }}
                />
              </label>
              {estimate ? (
                <div class="quote" data-testid="quote">
                  <p>
                    You pay <Ftns value={estimate.total} /> from budget {chosen}, category {category}. The
                    marketplace fee is taken from the seller's proceeds, not added to your price.
                  </p>
                  <p class={estimate.covered.all ? '' : 'warning'}>
                    {estimate.covered.all
                      ? 'The budget, its category and your balance cover it.'
                      : `Not covered: ${Object.entries(estimate.covered)
                          .filter(([name, ok]) => name !== 'all' && !ok)
                          .map(([name]) => name)
                          .join(', ')}.`}{' '}
                    Budget remaining <Ftns value={estimate.budgetRemaining} />, available balance{' '}
                    <Ftns value={estimate.available} />.
                  </p>
                </div>
              ) : null}
              <div class="actions">
                <button type="submit" disabled={review.busy || confirm.busy}>
                  {estimate ? `Confirm purchase` : 'Review the cost'}
                </button>
                {estimate ? (
                  <button type="button" class="secondary" onClick={() => setEstimate(undefined)}>
                    Change
                  </button>
                ) : null}
              </div>
              {review.error ? <Problem error={review.error} /> : null}
              {confirm.error ? <Problem error={confirm.error} /> : null}
            </form>
          )
        }
      </Show>
    </section>
  );
}
