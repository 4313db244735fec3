/** The API's shapes the console reads (see /v1/openapi.json); money is always a decimal string. */
export interface Me {
  id: string;
  name: string;
  role: 'user' | 'admin';
}
export interface Account {
  userId: string;
  balance: string;
  held: string;
  available: string;
}
export interface Entry {
  id: string;
  side: 'credit' | 'debit';
  from: string;
  to: string;
  amount: string;
  reason: string;
  memo?: string;
  createdAt: string;
}
export interface Budget {
  id: string;
  ownerId: string;
  name: string;
  status: 'active' | 'suspended' | 'closed';
  period: 'none' | 'monthly';
  total: string;
  limit: string;
  spent: string;
  reserved: string;
  remaining: string;
  utilisation: string;
  categories: Record<
    string,
    { allocation: string | null; enforcement: string | null; spent: string; utilisation: string | null }
  >;
  members: { userId: string; cap: string | null; spent: string; utilisation: string | null }[];
  autoExpand: { enabled: boolean; maxExpansion: string };
  alertThresholds: number[];
  suspendAtPercent: number | null;
  createdAt: string;
}
export interface SpendBucket {
  start: string;
  amount: string;
  charges: number;
}
export interface BudgetAlert {
  kind: 'threshold' | 'expansion' | 'suspended';
  threshold: number | null;
  severity: string | null;
  spent: string;
  limit: string;
  utilisation: string;
  createdAt: string;
}
export interface Expansion {
  id: string;
  requestedBy: string;
  amount: string;
  reason: string;
  status: 'pending' | 'approved' | 'denied' | 'expired';
  expiresAt: string;
  createdAt: string;
}
export interface Estimate {
  total: string;
  categories: Record<string, { estimate: string; allocation: string | null; covered: boolean }>;
  budgetRemaining: string;
  available: string;
  covered: { budget: boolean; categories: boolean; balance: boolean; all: boolean };
}
export interface Listing {
  id: string;
  sellerId: string;
  type: string;
  title: string;
  description: string;
  tags: string[];
  price: string;
  pricingModel: string;
  qualityGrade: string;
  status: string;
  metadata: Record<string, unknown>;
  rating: { count: number; average: string | number | null };
  createdAt: string;
}
export interface Review {
  buyerId: string;
  rating: number;
  text: string;
  createdAt: string;
}
export interface OrderLine {
  listingId: string;
  title: string;
  type: string;
  pricingModel: string;
  price: string;
  fee: string;
  proceeds: string;
}
export interface Order {
  id: string;
  buyerId: string;
  status: 'completed' | 'refunded';
  lines: OrderLine[];
  total: string;
  fee: string;
  budgetId: string;
  category: string;
  createdAt: string;
  refund?: { refundedAt: string };
}
export interface Sale {
  orderId: string;
  buyerId: string;
  status: string;
  lines: OrderLine[];
  gross: string;
  fee: string;
  net: string;
  createdAt: string;
}
export interface WorkflowSummary {
  id: string;
  budgetId: string;
  status: WorkflowStatus;
  estimate: string;
  totalCost: string | null;
  currentPhase: string | null;
  createdAt: string;
}
export type WorkflowStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export interface WorkflowPhase {
  number: number;
  id: string;
  name: string;
  category: string;
  status: string;
  estimate: string;
  cost: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  summary: string | null;
  artifact: { url: string; bytes: number } | null;
  error: { detail?: string; message?: string } | string | null;
}
export interface Workflow extends WorkflowSummary {
  prompt: string;
  phases: WorkflowPhase[];
  cancelRequested: boolean;
  finishedAt: string | null;
  failure: { detail?: string; reason?: string } | null;
  response: { responseText: string; totalCost: string } | null;
}
export interface HealthCheck {
  name: string;
  status: string;
  detail: string;
  latencyMs: number;
}
export interface HealthReport {
  id: string;
  checkedAt: string;
  status: string;
  score: number;
  band: string;
  ready: boolean;
  components: HealthCheck[];
  dependencies: HealthCheck[];
  integrations: HealthCheck[];
}
export interface ComponentPrice {
  component: string;
  price: string;
  phase: string;
  category: string;
}
export interface ApiKey {
  keyId: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}
