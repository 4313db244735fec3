import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Me } from '../types.js';

const LINKS = [
  { to: '#/', label: 'Overview', key: '' },
  { to: '#/budgets', label: 'Budgets', key: 'budgets' },
  { to: '#/marketplace', label: 'Marketplace', key: 'marketplace' },
  { to: '#/workflows', label: 'Workflows', key: 'workflows' },
];

export function Shell({
  me,
  section,
  onSignOut,
  children,
}: {
  me: Me;
  section: string;
  onSignOut(): void;
  children: ComponentChildren;
}) {
  const links = me.role === 'admin' ? [...LINKS, { to: '#/admin', label: 'Admin', key: 'admin' }] : LINKS;
  const active = ['listings', 'orders', 'selling'].includes(section) ? 'marketplace' : section;
  return (
    <>
      <button type="button" class="skip" onClick={skipToMain}>
        Skip to content
      </button>
      <header class="top">
        <span class="brand">PRSM</span>
        <nav aria-label="Main">
          <ul>
            {links.map((link) => (
              <li key={link.key}>
                <a href={link.to} aria-current={active === link.key ? 'page' : undefined}>
                  {link.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          {me.name} <span class="muted">({me.role})</span>
        </span>
        <button type="button" class="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function skipToMain() {
  document.getElementById('main')?.focus();
}

/** A page's title: focused when the page opens, so keyboard and screen reader users start there. */
export function Title({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
    document.title = `${ref.current?.textContent ?? 'PRSM'} · PRSM console`;
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** A table's box: it scrolls sideways on a narrow screen, so the keyboard can reach and scroll it. */
export function ScrollRegion({ children }: { children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must take focus to be scrolled by keyboard
    <div class="table-wrap" tabIndex={0}>
      {children}
    </div>
  );
}
