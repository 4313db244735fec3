/** The marketplace's vocabulary: resource types, pricing models, quality grades, statuses. */
export const LISTING_TYPES = [
  'ai_model',
  'dataset',
  'agent_workflow',
  'mcp_tool',
  'compute_resource',
  'knowledge_resource',
  'evaluation_service',
  'training_service',
  'safety_tool',
] as const;
export type ListingType = (typeof LISTING_TYPES)[number];

/** The original also named freemium, enterprise, auction and revenue share: not yet. */
export const PRICING_MODELS = ['free', 'one_time', 'pay_per_use', 'subscription'] as const;
export type PricingModel = (typeof PRICING_MODELS)[number];

/** In ascending order: a listing's grade says how far it has been vetted. */
export const QUALITY_GRADES = ['experimental', 'community', 'verified', 'premium', 'enterprise'] as const;
export type QualityGrade = (typeof QUALITY_GRADES)[number];

/** The highest grade a seller may give their own listing; past it only admins raise it. */
export const SELF_GRADE_CEILING: QualityGrade = 'community';

export const gradeRank = (grade: QualityGrade): number => QUALITY_GRADES.indexOf(grade);

export const LISTING_STATUSES = ['draft', 'active', 'retired', 'suspended'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

/**
 * Tags are short lowercase slugs. Every tag of an active listing is a catalogue partition of its
 * own (and one more per type and tag), so their number bounds a listing's write: see listing.ts.
 */
export const MAX_TAGS = 8;
export const TAG_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** A subscription order entitles for this long; renewing is a new order that extends it. */
export const SUBSCRIPTION_DAYS = 30;
export const SUBSCRIPTION_MS = SUBSCRIPTION_DAYS * 24 * 3600 * 1000;

/** At most this many lines per order: see checkout.ts for how the transaction's 100 items are spent. */
export const MAX_ORDER_LINES = 25;
