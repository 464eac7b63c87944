import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

/**
 * The README walk-through, written as a brand's engineer would with a client generated from
 * the OpenAPI document (openapi-typescript + openapi-fetch). It must type-check with
 * `tsc --strict` against types generated from the served document, and run unchanged.
 */
export async function walkThrough(baseUrl: string, adminToken: string) {
  const admin = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${adminToken}` } });
  const created = await admin.POST('/v1/admin/brands', { body: { name: 'Typed client brand' } });
  if (!created.data) {
    throw new Error(`brand: ${created.response.status} ${JSON.stringify(created.error)}`);
  }
  const key: string = created.data.apiKey.key;
  const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` } });

  // 1. a member, by the brand's own id
  const member = await api.PUT('/v1/members/{id}', {
    params: { path: { id: 'cust-77' } },
    body: { email: 'ann@example.com' },
  });
  if (!member.data) {
    throw new Error(`member: ${member.response.status} ${JSON.stringify(member.error)}`);
  }
  const stage: string = member.data.stage;

  // 2. a rule (priority, exclusive, status and rounding have server defaults)
  const rule = await api.POST('/v1/rules', {
    body: {
      name: 'Double points over 20',
      stages: ['conversion', 'retention'],
      event: 'purchase',
      conditions: { all: [{ fact: 'event.amount', op: 'gte', value: 20 }] },
      reward: { points: { perUnit: { fact: 'event.amount', rate: 2 } } },
      advanceStage: 'retention',
      limits: { perMember: { count: 3, period: 'day' } },
      priority: 10,
    },
  });
  if (!rule.data) {
    throw new Error(`rule: ${rule.response.status} ${JSON.stringify(rule.error)}`);
  }
  const ruleId: string = rule.data.id;

  // 3. a simulation: every rule's verdict
  const simulation = await api.POST('/v1/rules/simulate', {
    body: { event: { type: 'purchase', attributes: { amount: '59.90' } }, member: { externalId: 'cust-77' } },
  });
  if (!simulation.data) {
    throw new Error(`simulation: ${simulation.response.status} ${JSON.stringify(simulation.error)}`);
  }
  const verdicts = simulation.data.rules.map((r) => (r.fired ? `${r.name}: +${r.points}` : `${r.name}: ${r.reason}`));

  // 4. the event; a repeat is a duplicate, the same key with another body a 409
  const body = {
    idempotencyKey: 'order-1042',
    type: 'purchase',
    member: { externalId: 'cust-77' },
    attributes: { amount: '59.90', currency: 'EUR', orderId: '1042' },
  };
  const event = await api.POST('/v1/events', { body });
  if (!event.data) {
    throw new Error(`event: ${event.response.status} ${JSON.stringify(event.error)}`);
  }
  const points = event.data.effects.reduce((sum, e) => (e.type === 'points' ? sum + e.points : sum), 0);
  const moves = event.data.effects.flatMap((e) => (e.type === 'stage' ? [`${e.from}→${e.to}`] : []));
  const repeat = await api.POST('/v1/events', { body });
  const conflict = await api.POST('/v1/events', { body: { ...body, attributes: { amount: '1.00' } } });

  // 5. balance, ledger and journey
  const read = await api.GET('/v1/members/{id}', { params: { path: { id: 'cust-77' } } });
  const ledger = await api.GET('/v1/members/{id}/ledger', {
    params: { path: { id: 'cust-77' }, query: { limit: 10 } },
  });
  const journey = await api.GET('/v1/members/{id}/stages', { params: { path: { id: 'cust-77' } } });
  const settings = await api.GET('/v1/brand');
  const badCursor = await api.GET('/v1/members', { params: { query: { cursor: 'garbage' } } });

  return {
    stage,
    ruleId,
    verdicts,
    points,
    moves,
    duplicate: repeat.data?.duplicate,
    conflict: { status: conflict.response.status, code: conflict.error?.code },
    balance: read.data?.balance.available,
    ledger: ledger.data?.data.map((e) => `${e.kind} ${e.points}`),
    ledgerNext: ledger.data?.nextCursor,
    journey: journey.data?.data.map((c) => c.to),
    timezone: settings.data?.settings.timezone,
    expiryMonths: settings.data?.settings.expiryMonths,
    badCursor: badCursor.error?.details,
  };
}
