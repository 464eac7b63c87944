/** The event mix the benchmark sends: 60 % purchase, 25 % share, 10 % content, 5 % feedback. */

const CHANNELS = ['whatsapp', 'instagram', 'facebook', 'x', 'linkedin', 'email', 'copy_link', 'other'];

/** Members drawn with a skew: u^3 puts most traffic on the low indexes (hot members). */
export function skewedMember(members: number): number {
  return Math.floor(members * Math.random() ** 3);
}

export function eventBody(key: string, member: number): Record<string, unknown> {
  const r = Math.random();
  const ref = { externalId: `m-${member}` };
  if (r < 0.6) {
    return {
      idempotencyKey: key,
      type: 'purchase',
      member: ref,
      attributes: { amount: (5 + Math.random() * 195).toFixed(2), currency: 'EUR' },
    };
  }
  if (r < 0.85) {
    return {
      idempotencyKey: key,
      type: 'share',
      member: ref,
      attributes: { channel: CHANNELS[Math.floor(Math.random() * CHANNELS.length)], url: 'https://shop.example/p/1' },
    };
  }
  if (r < 0.95) {
    return { idempotencyKey: key, type: 'content', member: ref, attributes: { url: 'https://shop.example/c/1' } };
  }
  return {
    idempotencyKey: key,
    type: 'feedback',
    member: ref,
    attributes: { rating: 1 + Math.floor(Math.random() * 6), touchpoint: 'checkout' },
  };
}

/** 50 more rules spread over the stages and event types, of the shapes brands write. */
export function extraRules(count: number): Array<Record<string, unknown>> {
  const stages = ['awareness', 'consideration', 'conversion', 'retention', 'loyalty'];
  const events = ['purchase', 'share', 'content', 'feedback', 'purchase'];
  return Array.from({ length: count }, (_, i) => {
    const event = events[i % events.length];
    const conditions =
      event === 'purchase'
        ? {
            all: [
              { fact: 'event.amount', op: 'gte', value: 10 + (i % 7) * 20 },
              { fact: 'member.purchaseCount', op: 'gte', value: i % 4 },
            ],
          }
        : event === 'feedback'
          ? {
              any: [
                { fact: 'event.rating', op: 'gte', value: 5 },
                { fact: 'member.stage', op: 'in', value: ['loyalty', 'retention'] },
              ],
            }
          : { all: [{ fact: 'time.hour', op: 'between', value: [0, 23] }] };
    return {
      name: `Bench rule ${i}`,
      stages: [stages[i % stages.length], stages[(i + 2) % stages.length]],
      event,
      conditions,
      reward: {
        points:
          i % 3 === 0 && event === 'purchase'
            ? { perUnit: { fact: 'event.amount', rate: 0.5, rounding: 'floor' } }
            : { fixed: 1 + (i % 9) },
      },
      limits: i % 2 === 0 ? { perMember: { count: 10, period: 'day' } } : undefined,
      priority: i % 5,
    };
  });
}
