import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { call } from './api.js';
import { AdminPage } from './pages/admin.js';
import { BudgetPage } from './pages/budget.js';
import { BudgetForm } from './pages/budget-form.js';
import { BudgetsPage } from './pages/budgets.js';
import { ListingPage } from './pages/listing.js';
import { MarketplacePage } from './pages/marketplace.js';
import { OrdersPage } from './pages/orders.js';
import { OverviewPage } from './pages/overview.js';
import { SellingPage } from './pages/selling.js';
import { SignIn } from './pages/sign-in.js';
import { WorkflowPage } from './pages/workflow.js';
import { WorkflowsPage } from './pages/workflows.js';
import { type Route, useRoute } from './router.js';
import { session } from './session.js';
import type { Me } from './types.js';
import { Loading } from './ui/async.js';
import { Shell } from './ui/layout.js';

function Page({ route, me }: { route: Route; me: Me }) {
  const [section = '', id, action] = route.path;
  switch (section) {
    case '':
      return <OverviewPage me={me} />;
    case 'budgets':
      if (id === 'new') return <BudgetForm />;
      if (id && action === 'edit') return <BudgetForm budgetId={id} />;
      return id ? <BudgetPage id={id} me={me} /> : <BudgetsPage />;
    case 'marketplace':
      return <MarketplacePage query={route.query} />;
    case 'listings':
      return id ? <ListingPage id={id} me={me} /> : <MarketplacePage query={route.query} />;
    case 'orders':
      return <OrdersPage me={me} />;
    case 'selling':
      return <SellingPage />;
    case 'workflows':
      return id ? <WorkflowPage id={id} /> : <WorkflowsPage />;
    case 'admin':
      return me.role === 'admin' ? <AdminPage /> : <p role="alert">Only admins see this page.</p>;
    default:
      return <p role="alert">No such page.</p>;
  }
}

function App() {
  const route = useRoute();
  const [me, setMe] = useState<Me | null | undefined>(session.key() ? undefined : null);
  useEffect(() => {
    if (me !== undefined) return;
    call<Me>('GET', '/v1/me').then(setMe, () => {
      session.signOut();
      setMe(null);
    });
  }, [me]);
  if (me === undefined) return <Loading what="your account" />;
  if (me === null) return <SignIn onSignedIn={setMe} />;
  const signOut = () => {
    session.signOut();
    setMe(null);
    location.hash = '#/';
  };
  return (
    <Shell me={me} section={route.path[0] ?? ''} onSignOut={signOut}>
      <Page route={route} me={me} key={route.path.join('/')} />
    </Shell>
  );
}

const root = document.getElementById('app')!;
root.textContent = ''; // the static "Loading" line of index.html
render(<App />, root);
