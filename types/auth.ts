import { z } from 'zod';

/** The claims Supabase Auth puts in its access tokens, and the local sign-in issues alike. */
export const jwtClaimsSchema = z.object({
  sub: z.uuid(),
  role: z.enum(['authenticated', 'anon']).default('authenticated'),
  email: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
  exp: z.number().int().optional(),
  iat: z.number().int().optional(),
});

export type JwtClaims = z.infer<typeof jwtClaimsSchema>;
