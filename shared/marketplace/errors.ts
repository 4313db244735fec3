import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.js';

export class ListingNotFoundError extends NotFoundError {
  constructor() {
    super('listing');
  }
}

export class OrderNotFoundError extends NotFoundError {
  constructor() {
    super('order');
  }
}

/** A listing an order names that does not exist, or that the buyer may not see (another seller's draft). */
export class UnknownListingError extends ValidationError {
  constructor(path: string) {
    super([{ path, message: 'is not a listing you can buy' }], 'No such listing', 'unknown_listing');
  }
}

export class ListingUnavailableError extends AppError {
  constructor(path: string, status: string) {
    super(409, 'listing_unavailable', `The listing is ${status}: it cannot be bought`, [
      { path, message: `is ${status}` },
    ]);
  }
}

export class PriceChangedError extends AppError {
  constructor(path: string) {
    super(
      409,
      'price_changed',
      'The listing changed its price or pricing model meanwhile: review and order again',
      [{ path, message: 'changed its terms' }],
    );
  }
}

export class OwnListingError extends ValidationError {
  constructor(path: string) {
    super([{ path, message: 'is your own listing' }], 'Sellers cannot buy their own listings', 'own_listing');
  }
}

export class AlreadyOwnedError extends AppError {
  constructor(path: string) {
    super(409, 'already_owned', 'A one-time listing is owned for good: it cannot be bought again', [
      { path, message: 'is already owned' },
    ]);
  }
}

/** The buyer's entitlement changed between the read and the write (a concurrent order): order again. */
export class EntitlementChangedError extends ConflictError {
  constructor() {
    super('entitlement_changed', 'Another order changed this entitlement meanwhile: order again');
  }
}

export class OrderTooLargeError extends ValidationError {
  constructor(items: number, limit: number) {
    super(
      [{ path: 'body.items', message: 'pays too many sellers for one order: split it' }],
      `This order needs ${items} writes in one transaction, more than DynamoDB's ${limit}: split it`,
      'order_too_large',
    );
  }
}

export class AlreadyRefundedError extends ConflictError {
  constructor() {
    super('already_refunded', 'The order was already refunded');
  }
}

export class RefundNotCoveredError extends ConflictError {
  constructor(sellerId: string) {
    super(
      'refund_not_covered',
      `Seller ${sellerId} no longer has the proceeds available: the refund cannot reverse their transfer`,
    );
  }
}

export class NotABuyerError extends AppError {
  constructor() {
    super(403, 'not_a_buyer', 'Only buyers of a listing may review it');
  }
}

export class GradeForbiddenError extends ForbiddenError {
  constructor() {
    super('Only admins raise a quality grade past community');
  }
}

export class AlreadyReviewedError extends ConflictError {
  constructor() {
    super('already_reviewed', 'You reviewed this listing already: edit it with PUT .../reviews/mine');
  }
}

export class ReviewNotFoundError extends NotFoundError {
  constructor() {
    super('review');
  }
}

export class ListingRetiredError extends ConflictError {
  constructor() {
    super('listing_retired', 'A retired listing is final: create a new listing to sell again');
  }
}

/** Buyers bought under the listing's model: another model is another listing (see docs/marketplace.md). */
export class PricingModelLockedError extends AppError {
  constructor() {
    super(
      409,
      'pricing_model_locked',
      'The listing has buyers: its pricing model is fixed. Retire it and list a new one',
      [{ path: 'body.pricingModel', message: 'cannot change once the listing has sold' }],
    );
  }
}

export class ListingSuspendedError extends ConflictError {
  constructor() {
    super('listing_suspended', 'The listing is suspended: only an admin can lift the suspension');
  }
}

/** The listing changed between its read and its write: the caller reads and tries again. */
export class ListingChangedError extends Error {
  constructor() {
    super('listing changed');
  }
}
