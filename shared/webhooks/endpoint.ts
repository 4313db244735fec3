/** A webhook endpoint: where one user's events are delivered, signed with its secret(s). */
export interface WebhookEndpoint {
  id: string;
  ownerId: string;
  url: string;
  /** Event types, or `*` for every type. */
  events: string[];
  description: string;
  status: 'enabled' | 'disabled';
  /** Why it was disabled: `owner` (PATCH) or `failing` (a delivery exhausted its retries). */
  disabledReason: 'owner' | 'failing' | null;
  secret: string;
  /** The secret before the last rotation, still signing until `previousSecretExpiresAt`. */
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const endpointKey = (id: string) => ({ pk: `WEBHOOK#${id}`, sk: 'ENDPOINT' });
/** The owner's endpoints, in the order they were created (gsi1). */
export const ownerEndpointsPartition = (ownerId: string) => `WEBHOOKS#${ownerId}`;

export function endpointItem(endpoint: WebhookEndpoint): Record<string, unknown> {
  return {
    ...endpointKey(endpoint.id),
    type: 'webhook-endpoint',
    ...endpoint,
    gsi1pk: ownerEndpointsPartition(endpoint.ownerId),
    gsi1sk: `${endpoint.createdAt}#${endpoint.id}`,
  };
}

export function endpointOf(item: Record<string, unknown>): WebhookEndpoint {
  return {
    id: String(item.id),
    ownerId: String(item.ownerId),
    url: String(item.url),
    events: (item.events as string[]) ?? [],
    description: String(item.description ?? ''),
    status: item.status === 'disabled' ? 'disabled' : 'enabled',
    disabledReason: (item.disabledReason ?? null) as WebhookEndpoint['disabledReason'],
    secret: String(item.secret),
    previousSecret: (item.previousSecret ?? null) as string | null,
    previousSecretExpiresAt: (item.previousSecretExpiresAt ?? null) as string | null,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

export const subscribesTo = (endpoint: WebhookEndpoint, type: string): boolean =>
  endpoint.status === 'enabled' && (endpoint.events.includes('*') || endpoint.events.includes(type));

/** The secrets that sign at `now`: the current one, and the previous one during its overlap. */
export const signingSecrets = (endpoint: WebhookEndpoint, now: Date): string[] =>
  endpoint.previousSecret &&
  endpoint.previousSecretExpiresAt &&
  new Date(endpoint.previousSecretExpiresAt) > now
    ? [endpoint.secret, endpoint.previousSecret]
    : [endpoint.secret];
