import fc from 'fast-check';
import { addDecimal, refundReversal } from './refund-reversal.js';
import { replayable } from '../../test/support/fast-check.js';

describe('refundReversal', () => {
  const purchase = { amount: '100.00', earnedPending: 30, earnedAvailable: 70, reversed: 0 };
  it('takes back the refunded share, pending first', () => {
    expect(refundReversal(purchase, '20.00')).toEqual({ pending: 20, available: 0 });
    expect(refundReversal(purchase, '50')).toEqual({ pending: 30, available: 20 });
    expect(refundReversal(purchase, '100.00')).toEqual({ pending: 30, available: 70 });
    expect(refundReversal(purchase, '150')).toEqual({ pending: 30, available: 70 });
  });
  it('takes only the difference to earlier refunds', () => {
    expect(refundReversal({ ...purchase, reversed: 20 }, '50')).toEqual({ pending: 10, available: 20 });
    expect(refundReversal({ ...purchase, reversed: 100 }, '100')).toEqual({ pending: 0, available: 0 });
  });
  it('never reverses more than was earned over any sequence of partial refunds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 1, max: 5_000 }), { maxLength: 10 }),
        (pending, available, refunds) => {
          let reversed = 0;
          let refunded = '0';
          for (const cents of refunds) {
            refunded = addDecimal(refunded, (cents / 100).toFixed(2));
            const r = refundReversal(
              { amount: '100.00', earnedPending: pending, earnedAvailable: available, reversed },
              refunded,
            );
            expect(r.pending).toBeGreaterThanOrEqual(0);
            expect(r.available).toBeGreaterThanOrEqual(0);
            reversed += r.pending + r.available;
          }
          expect(reversed).toBeLessThanOrEqual(pending + available);
        },
      ),
      replayable(),
    );
  });
  it('adds decimals exactly', () => {
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(addDecimal('19.99', '0.01')).toBe('20.00');
    expect(addDecimal('5', '7')).toBe('12');
  });
});
