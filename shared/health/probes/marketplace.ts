import { searchListings } from '#shared/marketplace/search.js';
import type { CapabilityProbes } from '../probe-deps.js';

/** The catalogue's read path: one page of the newest listings through the search index. */
export const marketplaceProbes: CapabilityProbes = {
  capability: 'marketplace',
  checks: (deps) => [
    {
      name: 'marketplace',
      group: 'components',
      run: async () => {
        const page = await searchListings(deps, { sort: 'newest', limit: 1 });
        return {
          status: 'healthy',
          detail: `catalogue search answers (${page.items.length} listing on the first page)`,
        };
      },
    },
  ],
};
