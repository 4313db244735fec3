import * as z from 'zod';

/** Who is calling, as the authorizer resolved it from the API key. */
export const principalSchema = z.object({
  userId: z.string().min(1),
  role: z.enum(['user', 'admin']),
  keyId: z.string().min(1),
});

export type Principal = z.infer<typeof principalSchema>;

export const isAdmin = (principal: Principal): boolean => principal.role === 'admin';
