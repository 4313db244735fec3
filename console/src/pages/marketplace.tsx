import { useState } from 'preact/hooks';
// The API's own vocabulary (constants only), bundled in rather than copied.
import { LISTING_TYPES } from '../../../shared/marketplace/catalogue.js';
import { get, type Page } from '../api.js';
import { href, navigate } from '../router.js';
import type { Listing } from '../types.js';
import { Problem, useLoad } from '../ui/async.js';
import { Ftns, StatusBadge } from '../ui/figures.js';
import { Title } from '../ui/layout.js';

const FILTERS = ['type', 'tag', 'q', 'minPrice', 'maxPrice', 'minRating', 'sort', 'order'] as const;

/** The catalogue search with the API's filters; the filters live in the address, so a search can be shared. */
export function MarketplacePage({ query }: { query: URLSearchParams }) {
  const search = new URLSearchParams();
  for (const name of FILTERS) {
    const value = query.get(name);
    if (value) search.set(name, value);
  }
  const [extra, setExtra] = useState<Listing[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<Error>();
  const first = useLoad(async () => {
    const page = await get<Page<Listing>>(`/v1/listings?limit=12&${search}`);
    setExtra([]);
    setCursor(page.nextCursor);
    return page.items;
  }, [search.toString()]);
  const more = async () => {
    if (!cursor) return;
    try {
      const page = await get<Page<Listing>>(
        `/v1/listings?limit=12&${search}&cursor=${encodeURIComponent(cursor)}`,
      );
      setExtra((before) => [...before, ...page.items]);
      setCursor(page.nextCursor);
    } catch (error) {
      setMoreError(error as Error);
    }
  };
  return (
    <>
      <Title>Marketplace</Title>
      <p class="sub-nav">
        <a href="#/orders">My orders</a> · <a href="#/selling">My listings and sales</a>
      </p>
      <form
        class="filters card"
        aria-label="Search the catalogue"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const next = new URLSearchParams();
          for (const name of FILTERS) {
            const value = String(form.get(name) ?? '').trim();
            if (value) next.set(name, value);
          }
          navigate(`#/marketplace?${next}`);
        }}
      >
        <label>
          Words
          <input name="q" type="search" defaultValue={search.get('q') ?? ''} />
        </label>
        <label>
          Type
          <select name="type" defaultValue={search.get('type') ?? ''}>
            <option value="">any</option>
            {LISTING_TYPES.map((type) => (
              <option key={type} value={type}>
                {type.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag
          <input name="tag" defaultValue={search.get('tag') ?? ''} />
        </label>
        <label>
          Min price
          <input name="minPrice" inputMode="decimal" defaultValue={search.get('minPrice') ?? ''} />
        </label>
        <label>
          Max price
          <input name="maxPrice" inputMode="decimal" defaultValue={search.get('maxPrice') ?? ''} />
        </label>
        <label>
          Min rating
          <input name="minRating" inputMode="decimal" defaultValue={search.get('minRating') ?? ''} />
        </label>
        <label>
          Sort
          <select name="sort" defaultValue={search.get('sort') ?? 'newest'}>
            <option value="newest">newest</option>
            <option value="price">price</option>
            <option value="rating">rating</option>
          </select>
        </label>
        <label>
          Order
          <select name="order" defaultValue={search.get('order') ?? ''}>
            <option value="">default</option>
            <option value="asc">ascending</option>
            <option value="desc">descending</option>
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      {first.error ? <Problem error={first.error} /> : null}
      {first.loading && !first.data ? (
        <p class="loading" role="status">
          Searching…
        </p>
      ) : null}
      {first.data ? (
        <>
          <p role="status" class="muted">
            {first.data.length + extra.length} listing(s){cursor ? ' so far' : ''}
          </p>
          <ul class="cards">
            {[...first.data, ...extra].map((listing) => (
              <li key={listing.id} class="card listing">
                <h2>
                  <a href={href('listings', listing.id)}>{listing.title}</a>
                </h2>
                <p>
                  <StatusBadge status={listing.type} /> <Ftns value={listing.price} />{' '}
                  <span class="muted">{listing.pricingModel.replace(/_/g, ' ')}</span>
                </p>
                <p class="muted">{listing.description}</p>
                <p class="muted">
                  Rating: {listing.rating.average ?? 'none yet'} ({listing.rating.count})
                </p>
              </li>
            ))}
          </ul>
          {cursor ? (
            <button type="button" class="secondary" onClick={more}>
              More listings
            </button>
          ) : null}
          {moreError ? <p role="alert">{moreError.message}</p> : null}
        </>
      ) : null}
    </>
  );
}
