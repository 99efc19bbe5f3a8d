import 'server-only';
import type { z } from 'zod';
import { asService } from '@/lib/db/session';

/** A settings value out of its range: a configuration mistake, reported with the field. */
export class InvalidSettings extends Error {
  readonly code = 'invalid_request';
}

type NumericSettings = z.ZodObject<Record<string, z.ZodNumber>>;

/**
 * A one-row settings table (`id boolean primary key`, as export_settings,
 * webhook_settings and api_key_settings are): limits live there, where the
 * SQL functions read them, so nobody calling those functions can pass their
 * own. The app writes them from env at start-up; `apply` writes only the
 * fields it is given, the others keep their value.
 */
export function settingsRow<S extends NumericSettings>(table: string, columns: Record<keyof z.infer<S> & string, string>, schema: S) {
  type Settings = z.infer<S>;
  const fromRow = (row: Record<string, unknown>): Settings =>
    schema.parse(Object.fromEntries(Object.entries(columns).map(([key, column]) => [key, Number(row[column as string])])));

  return {
    get: (): Promise<Settings> => asService(async (tx) => fromRow((await tx`select * from public.${tx(table)}`)[0])),

    async apply(partial: Partial<Settings>): Promise<Settings> {
      const parsed = schema.partial().safeParse(partial);
      if (!parsed.success) throw new InvalidSettings(`${table}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
      const values = Object.fromEntries(
        Object.entries(parsed.data as Record<string, number | undefined>)
          .filter(([, value]) => value !== undefined)
          .map(([key, value]) => [columns[key as keyof typeof columns], value]),
      );
      return asService(async (tx) => {
        const [row] = Object.keys(values).length
          ? await tx`
              insert into public.${tx(table)} ${tx({ id: true, ...values })}
              on conflict (id) do update set ${tx({ ...values, updated_at: new Date() })}
              returning *`
          : await tx`select * from public.${tx(table)}`;
        return fromRow(row);
      });
    },
  };
}
