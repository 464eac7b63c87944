import pg from 'pg';
import { extraRules } from './workload.js';

export interface SeededBrand {
  brandId: string;
  key: string;
  memberIds: string[];
  rules: number;
}

async function api(base: string, path: string, token: string, body: unknown): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    throw new Error(`${path}: ${res.status} ${await res.text()}`);
  }
  return res.json();
}

/** A brand with the starter rules plus 50 more, and `members` members (inserted in SQL: the API is not what is measured). */
export async function seed(
  base: string,
  adminToken: string,
  databaseUrl: string,
  members: number,
): Promise<SeededBrand> {
  const created = await api(base, '/v1/admin/brands', adminToken, { name: 'Bench' });
  const key = created.apiKey.key as string;
  const brandId = created.brand.id as string;
  const template = await api(base, '/v1/rules/templates/loyalty-loop', key, {});
  const extra = extraRules(50);
  for (const rule of extra) {
    await api(base, '/v1/rules', key, rule);
  }

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO members (brand_id, id, external_id, stage, referral_code, source, enrolled_at, purchase_count)
       SELECT $1, gen_random_uuid(), 'm-' || i,
              (ARRAY['awareness','consideration','conversion','retention','loyalty'])[1 + i % 5],
              'B' || lpad(upper(to_hex(i)), 7, '0'), 'api', now() - (i % 700) * interval '1 day', i % 4
         FROM generate_series(0, $2 - 1) AS i`,
      [brandId, members],
    );
    await client.query('ANALYZE members');
    const rows = await client.query(`SELECT id, external_id FROM members WHERE brand_id = $1`, [brandId]);
    const memberIds = new Array<string>(members);
    for (const r of rows.rows) {
      memberIds[Number((r.external_id as string).slice(2))] = r.id as string;
    }
    return { brandId, key, memberIds, rules: template.created.length + extra.length };
  } finally {
    await client.end();
  }
}
