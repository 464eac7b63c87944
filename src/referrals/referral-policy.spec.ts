import { attribute, decimalCompare, qualifies } from './referral-policy.js';

const ann = { id: 'a', email: 'ann@x.test', walletAddress: null };
const bob = { id: 'b', email: 'bob@x.test', walletAddress: '0xAbC' };
const base = {
  referrer: ann,
  referee: bob,
  refereeExisted: false,
  referrerReferralsThisMonth: 0,
  maxReferralsPerMonth: 5,
};

describe('attribution', () => {
  it('opens a pending referral', () => expect(attribute(base)).toEqual({ status: 'pending' }));
  it.each([
    [{ referrer: null }, 'referrer_not_enrolled'],
    [{ referee: ann }, 'self_referral'],
    [{ referee: { ...bob, email: 'ANN@x.test' } }, 'self_referral'],
    [{ referrer: { ...ann, walletAddress: '0xabc' } }, 'self_referral'],
    [{ refereeExisted: true }, 'already_member'],
    [{ referrerReferralsThisMonth: 5 }, 'referrer_limit'],
  ])('rejects %j as %s', (patch, reason) => {
    expect(attribute({ ...base, ...patch } as typeof base)).toEqual({ status: 'rejected', reason });
  });
});

describe('qualification', () => {
  const policy = { qualifyingEvent: 'purchase', minAmount: '20.00', withinDays: 30 };
  const opened = new Date('2026-01-01T00:00:00Z');
  const purchase = (amount: unknown, at = '2026-01-10T00:00:00Z') => ({
    type: 'purchase',
    occurredAt: new Date(at),
    attributes: { amount },
  });
  it('needs the qualifying event type, the minimum amount and the window', () => {
    expect(qualifies(policy, opened, purchase('20.00'))).toBe(true);
    expect(qualifies(policy, opened, purchase(25))).toBe(true);
    expect(qualifies(policy, opened, purchase('19.99'))).toBe(false);
    expect(qualifies(policy, opened, purchase('20', '2026-02-01T00:00:01Z'))).toBe(false);
    expect(qualifies(policy, opened, { ...purchase('50'), type: 'share' })).toBe(false);
    expect(
      qualifies({ ...policy, minAmount: '0' }, opened, { type: 'purchase', occurredAt: opened, attributes: {} }),
    ).toBe(true);
  });
  it('compares decimals exactly', () => {
    expect(decimalCompare('0.1', '0.10')).toBe(0);
    expect(decimalCompare('10.001', '10.0009')).toBe(1);
    expect(decimalCompare('9.99', '10')).toBe(-1);
  });
});
