import { createHmac } from 'node:crypto';
import { parseShopifyJson, readOrder, readRefund, shopifyHmacMatches } from './shopify-payload.js';

const body = (text: string) => {
  const parsed = parseShopifyJson(Buffer.from(text));
  if (!parsed.ok) {
    throw new Error(JSON.stringify(parsed.errors));
  }
  return parsed.value;
};

describe('Shopify payloads', () => {
  it('reads ids above 2^53 exactly (JSON.parse would round them)', () => {
    const text = '{"id": 9007199254740993, "subtotal_price": "10.00", "customer": {"id": 18446744073709551615}}';
    expect(JSON.parse(text).id).toBe(9007199254740992);
    const order = readOrder(body(text), 'subtotal_price');
    expect(order).toEqual({
      ok: true,
      value: {
        orderId: '9007199254740993',
        amount: '10.00',
        currency: null,
        customerId: '18446744073709551615',
        email: null,
      },
    });
  });

  it('an order: the configured amount field, the order e-mail before the customer one, lower-cased', () => {
    const order = readOrder(
      body(
        '{"id": 1, "subtotal_price": "5.00", "total_price": "7.50", "currency": "EUR", "email": "A@B.example", "customer": {"id": 2, "email": "c@d.example"}}',
      ),
      'total_price',
    );
    expect(order).toMatchObject({ ok: true, value: { amount: '7.50', email: 'a@b.example', customerId: '2' } });
  });

  it('faults name their paths', () => {
    const order = readOrder(body('{"id": -1, "subtotal_price": 5, "customer": "x", "email": 3}'), 'subtotal_price');
    expect(order.ok ? [] : order.errors.map((e) => e.path)).toEqual(['id', 'subtotal_price', 'customer', 'email']);
    const refund = readRefund(body('{"id": 1, "transactions": [null, {"kind": "refund", "status": "success"}]}'));
    expect(refund.ok ? [] : refund.errors.map((e) => e.path)).toEqual([
      'order_id',
      'transactions[0]',
      'transactions[1].amount',
    ]);
  });

  it('a refund sums its successful refund transactions exactly; line items (numbers) are not summed', () => {
    const refund = readRefund(
      body(`{"id": 7, "order_id": 9007199254740995, "refund_line_items": [{"subtotal": 0.1}],
        "transactions": [
          {"kind": "refund", "status": "success", "amount": "0.10", "currency": "EUR"},
          {"kind": "refund", "status": "failure", "amount": "50.00"},
          {"kind": "sale", "status": "success", "amount": "99.00"},
          {"kind": "refund", "status": "success", "amount": "0.20"}]}`),
    );
    expect(refund).toEqual({
      ok: true,
      value: { refundId: '7', orderId: '9007199254740995', amount: '0.30', currency: 'EUR' },
    });
    expect(readRefund(body('{"id": 7, "order_id": 8, "transactions": []}'))).toMatchObject({ value: { amount: '0' } });
  });

  it('refuses what is not one JSON object', () => {
    for (const text of ['', '[]', '{"a":1} x', '{"a":1,"a":2}', '"x"', '['.repeat(100_000), '{"a":"\\u0000"}']) {
      expect(parseShopifyJson(Buffer.from(text)).ok).toBe(false);
    }
  });

  it('the HMAC is over the raw bytes, under the current or the previous secret', () => {
    const raw = Buffer.from('{"id": 1}');
    const sig = (secret: string, bytes = raw) => createHmac('sha256', secret).update(bytes).digest('base64');
    expect(shopifyHmacMatches(raw, sig('new'), ['new', 'old'])).toBe(true);
    expect(shopifyHmacMatches(raw, sig('old'), ['new', 'old'])).toBe(true);
    expect(shopifyHmacMatches(raw, sig('other'), ['new', 'old'])).toBe(false);
    expect(shopifyHmacMatches(raw, sig('new', Buffer.from('{"id":1}')), ['new'])).toBe(false);
    expect(shopifyHmacMatches(raw, undefined, ['new'])).toBe(false);
    expect(shopifyHmacMatches(raw, 'short', ['new'])).toBe(false);
  });
});
