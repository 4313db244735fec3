import * as z from 'zod';

/** Who is calling, as the authorizer resolved it from the API key. */
export const principalSchema = z.object({
  userId: z.string().min(1),
  role: z.enum(['user', 'admin']),
  keyId: z.string().min(1),
});

export type Principal = z.infer<typeof principalSchema>;

export const isAdmin = (principal: Principal): boolean => principal.role === 'admin';

/**
 * Whose data a caller reads when a request names an owner: their own always, anyone's only as
 * an admin (anyone else gets `refusal`).
 */
export function readableOwner(principal: Principal, owner: string | undefined, refusal: () => Error): string {
  if (owner === undefined || owner === principal.userId) return principal.userId;
  if (!isAdmin(principal)) throw refusal();
  return owner;
}
