import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { session } from '../session.js';
import type { Me } from '../types.js';
import { Problem, useAction } from '../ui/async.js';

/** Sign in with an API key; it is checked with GET /v1/me before it is kept for the tab. */
export function SignIn({ onSignedIn }: { onSignedIn(me: Me): void }) {
  const [key, setKey] = useState('');
  const signIn = useAction(async () => {
    const me = await call<Me>('GET', '/v1/me', { key: key.trim() });
    session.signIn(key.trim());
    onSignedIn(me);
  });
  return (
    <main id="main" class="sign-in">
      <h1>PRSM console</h1>
      <p>Sign in with your API key. It is kept in this tab only and forgotten when you sign out.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void signIn.run();
        }}
      >
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
        />
        <button type="submit" disabled={signIn.busy || !key.trim()}>
          {signIn.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {signIn.error ? <Problem error={signIn.error} /> : null}
    </main>
  );
}
