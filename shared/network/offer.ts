import { createHash } from 'node:crypto';
import * as z from 'zod';
import { itemCodec, storedInt, storedString } from '#platform/item-codec.js';

/**
 * An offer: one phase of one `executor: network` workflow put up for the provider nodes. It is
 * in the offers index of its capability (`gsi3pk OFFERS#<capability>`) with `gsi3sk` the moment
 * it is next available: when offered, the offer time; when claimed, the lease's deadline. So one
 * Query `gsi3sk <= now` finds the open offers and the claimed ones whose lease has expired.
 * Each claim is a lease with its own id (`LEASE#<id>`), which says how it ended.
 */
export type OfferStatus = 'open' | 'claimed' | 'done' | 'withdrawn';

export interface Offer {
  workflowId: string;
  phase: string;
  capability: string;
  status: OfferStatus;
  offeredAt: string;
  /** Cross-checked against the built-in executor (decided once, when offered). */
  verify: boolean;
  /** Nodes that failed, let expire or had rejected a lease of it: not offered it again. */
  excluded: string[];
  claims: number;
  leaseId?: string;
  nodeId?: string;
  deadline?: string;
}

export type LeaseStatus = 'active' | 'completed' | 'failed' | 'expired' | 'rejected';

export interface Lease {
  id: string;
  workflowId: string;
  phase: string;
  nodeId: string;
  /** The node's owner: the only caller who may answer it. */
  ownerId: string;
  status: LeaseStatus;
  claimedAt: string;
  deadline: string;
  finishedAt?: string;
  reason?: string;
  /** What the owner was paid, as micro-FTNS digits: gross, fee, proceeds. */
  payment?: { gross: string; fee: string; proceeds: string };
}

export const offerKey = (workflowId: string, phase: string) => ({
  pk: `OFFER#${workflowId}#${phase}`,
  sk: 'OFFER',
});
export const leaseKey = (id: string) => ({ pk: `LEASE#${id}`, sk: 'LEASE' });
export const offersPartition = (capability: string) => `OFFERS#${capability}`;
export const availableAt = (at: string, workflowId: string) => `${at}#${workflowId}`;
/** Sort keys at or before `now` (ISO times compare as strings; `~` sorts after every id). */
export const availableBound = (now: Date) => `${now.toISOString()}#~`;

const decodeOffer = itemCodec<Offer>(
  'offer',
  z.object({
    workflowId: storedString,
    phase: storedString,
    capability: storedString,
    status: z.enum(['open', 'claimed', 'done', 'withdrawn']),
    offeredAt: storedString,
    verify: z.boolean(),
    excluded: z.array(z.string()),
    claims: storedInt,
    leaseId: storedString.optional(),
    nodeId: storedString.optional(),
    deadline: storedString.optional(),
  }),
);
export const offerOf = (item: Record<string, unknown>): Offer => decodeOffer(item);

const decodeLease = itemCodec<Lease>(
  'lease',
  z.object({
    id: storedString,
    workflowId: storedString,
    phase: storedString,
    nodeId: storedString,
    ownerId: storedString,
    status: z.enum(['active', 'completed', 'failed', 'expired', 'rejected']),
    claimedAt: storedString,
    deadline: storedString,
    finishedAt: storedString.optional(),
    reason: storedString.optional(),
    payment: z.object({ gross: z.string(), fee: z.string(), proceeds: z.string() }).optional(),
  }),
);
export const leaseOf = (item: Record<string, unknown>): Lease => decodeLease(item);

/** Phases whose result writes the audit trail: always cross-checked (the trail is what the platform vouches for). */
const AUDIT_PHASES = new Set(['security', 'settlement']);

/** Whether an offer's result is cross-checked: the audit phases always, the others a stable share by id. */
export function isCrossChecked(workflowId: string, phase: string, verifyPpm: number): boolean {
  if (AUDIT_PHASES.has(phase)) return true;
  const draw = createHash('sha256').update(`${workflowId}/${phase}`).digest().readUInt32BE(0) % 1_000_000;
  return draw < verifyPpm;
}
