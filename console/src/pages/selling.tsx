import { get, type Page } from '../api.js';
import { href } from '../router.js';
import type { Listing, Sale } from '../types.js';
import { Show, useLoad } from '../ui/async.js';
import { Ftns, StatusBadge, when } from '../ui/figures.js';
import { Title } from '../ui/layout.js';
import { FtnsCell, Table } from '../ui/table.js';

/** A seller's listings in every status and the sales of them. */
export function SellingPage() {
  const listings = useLoad(() => get<Page<Listing>>('/v1/me/listings?limit=50'), []);
  const sales = useLoad(() => get<Page<Sale>>('/v1/me/sales?limit=50'), []);
  return (
    <>
      <Title>My listings and sales</Title>
      <p class="sub-nav">
        <a href="#/marketplace">Marketplace</a> · <a href="#/orders">My orders</a>
      </p>
      <section class="card" aria-labelledby="mine-title">
        <h2 id="mine-title">Listings</h2>
        <Show loaded={listings} what="your listings">
          {(page) =>
            page.items.length === 0 ? (
              <p class="muted">You sell nothing yet.</p>
            ) : (
              <ul class="plain">
                {page.items.map((l) => (
                  <li key={l.id}>
                    <a href={href('listings', l.id)}>{l.title}</a> <StatusBadge status={l.status} />{' '}
                    <Ftns value={l.price} /> <span class="muted">rating {l.rating.average ?? '—'}</span>
                  </li>
                ))}
              </ul>
            )
          }
        </Show>
      </section>
      <section class="card" aria-labelledby="sales-title">
        <h2 id="sales-title">Sales</h2>
        <Show loaded={sales} what="your sales">
          {(page) =>
            page.items.length === 0 ? (
              <p class="muted">No sale yet.</p>
            ) : (
              <Table
                columns={[
                  'When',
                  'Items',
                  'Buyer',
                  { label: 'Gross', num: true },
                  { label: 'Fee', num: true },
                  { label: 'Net', num: true },
                  'Status',
                ]}
              >
                {page.items.map((s) => (
                  <tr key={s.orderId}>
                    <td>{when(s.createdAt)}</td>
                    <td>{s.lines.map((line) => line.title).join(', ')}</td>
                    <td>{s.buyerId}</td>
                    <FtnsCell value={s.gross} />
                    <FtnsCell value={s.fee} />
                    <FtnsCell value={s.net} />
                    <td>
                      <StatusBadge status={s.status} />
                    </td>
                  </tr>
                ))}
              </Table>
            )
          }
        </Show>
      </section>
    </>
  );
}
