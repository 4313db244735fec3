/**
 * The API key lives in this tab's session storage only: never in the URL, a cookie or a log.
 * Closing the tab or signing out forgets it.
 */
const KEY = 'prsm.apiKey';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (apiKey: string) => sessionStorage.setItem(KEY, apiKey),
  signOut: () => sessionStorage.removeItem(KEY),
};
