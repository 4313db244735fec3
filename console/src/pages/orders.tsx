import { call, get, type Page } from '../api.js';
import { href } from '../router.js';
import type { Me, Order } from '../types.js';
import { Problem, Show, useAction, useLoad } from '../ui/async.js';
import { StatusBadge, when } from '../ui/figures.js';
import { Title } from '../ui/layout.js';
import { FtnsCell, Table } from '../ui/table.js';

/** The caller's orders, newest first; admins refund (the API lets only them). */
export function OrdersPage({ me }: { me: Me }) {
  const orders = useLoad(() => get<Page<Order>>('/v1/orders?limit=50'), []);
  const refund = useAction(async (orderId: string) => {
    await call('POST', `/v1/orders/${orderId}/refund`);
    orders.reload();
  });
  return (
    <>
      <Title>My orders</Title>
      <p class="sub-nav">
        <a href="#/marketplace">Marketplace</a> · <a href="#/selling">My listings and sales</a>
      </p>
      {refund.error ? <Problem error={refund.error} /> : null}
      <Show loaded={orders} what="orders">
        {(page) =>
          page.items.length === 0 ? (
            <p class="muted">No order yet.</p>
          ) : (
            <Table
              columns={[
                'Order',
                'When',
                'Items',
                'Budget',
                { label: 'Total', num: true },
                { label: 'Fee (seller)', num: true },
                'Status',
              ]}
              testId="orders"
            >
              {page.items.map((o) => (
                <tr key={o.id}>
                  <td>{o.id}</td>
                  <td>{when(o.createdAt)}</td>
                  <td>
                    {o.lines.map((line) => (
                      <div key={line.listingId}>
                        <a href={href('listings', line.listingId)}>{line.title}</a>
                      </div>
                    ))}
                  </td>
                  <td>
                    <a href={href('budgets', o.budgetId)}>{o.budgetId}</a>{' '}
                    <span class="muted">{o.category}</span>
                  </td>
                  <FtnsCell value={o.total} />
                  <FtnsCell value={o.fee} />
                  <td>
                    <StatusBadge status={o.status} />
                    {o.refund ? <span class="muted"> {when(o.refund.refundedAt)}</span> : null}
                    {me.role === 'admin' && o.status === 'completed' ? (
                      <button
                        type="button"
                        class="secondary"
                        disabled={refund.busy}
                        onClick={() => refund.run(o.id)}
                      >
                        Refund
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </Table>
          )
        }
      </Show>
    </>
  );
}
