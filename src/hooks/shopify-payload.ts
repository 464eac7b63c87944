import { createHmac, timingSafeEqual } from 'node:crypto';
import { isEmail } from 'class-validator';
import { parse } from 'lossless-json';
import type { FieldError } from '../common/errors/domain-error.js';
import { unsafeJson } from '../common/http/json-safety.js';
import { addDecimal } from '../ledger/refund-reversal.js';

/**
 * Shopify webhooks, pure: the HMAC of the raw body and the few fields an order or a refund
 * becomes an event from. Shopify ids are 64-bit integers and may exceed 2^53, where JSON.parse
 * silently rounds them (two customers would become one); so the raw bytes are parsed with
 * lossless-json, integers beyond the safe range arriving as bigint and read back as exact text.
 */

const DECIMAL = /^\d{1,15}(\.\d{1,6})?$/;
const CURRENCY = /^[A-Z]{3}$/;
const MAX_ID = 2n ** 64n;

/** Base64 HMAC-SHA256 of the raw body under one of the secrets, compared in constant time. */
export function shopifyHmacMatches(raw: Buffer, header: string | undefined, secrets: string[]): boolean {
  if (typeof header !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(header.trim())) {
    return false;
  }
  const given = Buffer.from(header.trim(), 'base64');
  let ok = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(raw).digest();
    // every secret is tried, so the time taken does not tell which one (or whether any) matched
    ok = (expected.length === given.length && timingSafeEqual(expected, given)) || ok;
  }
  return ok;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** The raw body as JSON, integers exact. */
export function parseShopifyJson(raw: Buffer): Parsed<Record<string, unknown>> {
  let value: unknown;
  try {
    value = parse(raw.toString('utf8'), null, (text) => {
      if (/^-?\d+$/.test(text)) {
        const n = Number(text);
        return Number.isSafeInteger(n) ? n : BigInt(text);
      }
      return Number(text);
    });
  } catch (e) {
    return { ok: false, errors: [{ path: 'body', message: `is not JSON (${(e as Error).message.slice(0, 200)})` }] };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, errors: [{ path: 'body', message: 'must be a JSON object' }] };
  }
  const unsafe = unsafeJson(value);
  if (unsafe) {
    return { ok: false, errors: [unsafe] };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

export interface ShopifyOrder {
  orderId: string;
  amount: string;
  currency: string | null;
  customerId: string | null;
  email: string | null;
}

export interface ShopifyRefund {
  refundId: string;
  orderId: string;
  amount: string;
  currency: string | null;
}

/** orders/paid: id, the configured amount field, currency, customer (or null), email. */
export function readOrder(
  body: Record<string, unknown>,
  amountField: 'subtotal_price' | 'total_price',
): Parsed<ShopifyOrder> {
  const errors: FieldError[] = [];
  const orderId = idText(body.id, 'id', errors);
  const amount = decimalText(body[amountField], amountField, errors);
  const currency = optionalCurrency(body.currency, 'currency', errors);
  let customerId: string | null = null;
  let customerEmail: string | null = null;
  const customer = body.customer;
  if (customer !== null && customer !== undefined) {
    if (typeof customer !== 'object' || Array.isArray(customer)) {
      errors.push({ path: 'customer', message: 'must be an object or null' });
    } else {
      const c = customer as Record<string, unknown>;
      customerId = c.id === undefined || c.id === null ? null : idText(c.id, 'customer.id', errors);
      customerEmail = optionalEmail(c.email, 'customer.email', errors);
    }
  }
  const email =
    optionalEmail(body.email, 'email', errors) ?? optionalEmail(body.contact_email, 'contact_email', errors);
  if (errors.length) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: { orderId: orderId!, amount: amount!, currency, customerId, email: email ?? customerEmail },
  };
}

/**
 * refunds/create: the amount is the sum of its successful refund transactions (strings in
 * Shopify's payload; refund_line_items[].subtotal is a number and a refund may have none, so
 * the line items are not what is summed).
 */
export function readRefund(body: Record<string, unknown>): Parsed<ShopifyRefund> {
  const errors: FieldError[] = [];
  const refundId = idText(body.id, 'id', errors);
  const orderId = idText(body.order_id, 'order_id', errors);
  let amount = '0';
  let currency: string | null = null;
  const transactions = body.transactions ?? [];
  if (!Array.isArray(transactions)) {
    errors.push({ path: 'transactions', message: 'must be an array' });
  } else if (transactions.length > 1000) {
    errors.push({ path: 'transactions', message: 'must have at most 1000 items' });
  } else {
    transactions.forEach((t: unknown, i) => {
      const path = `transactions[${i}]`;
      if (t === null || typeof t !== 'object' || Array.isArray(t)) {
        errors.push({ path, message: 'must be an object' });
        return;
      }
      const tx = t as Record<string, unknown>;
      if (tx.kind !== 'refund' || tx.status !== 'success') {
        return;
      }
      const value = decimalText(tx.amount, `${path}.amount`, errors);
      currency ??= optionalCurrency(tx.currency, `${path}.currency`, errors);
      if (value !== null) {
        amount = addDecimal(amount, value);
      }
    });
  }
  if (!DECIMAL.test(amount)) {
    errors.push({ path: 'transactions', message: 'refund total is out of range' });
  }
  if (errors.length) {
    return { ok: false, errors };
  }
  return { ok: true, value: { refundId: refundId!, orderId: orderId!, amount, currency } };
}

function idText(v: unknown, path: string, errors: FieldError[]): string | null {
  if (typeof v === 'bigint' && v > 0n && v < MAX_ID) {
    return v.toString();
  }
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) {
    return String(v);
  }
  if (typeof v === 'string' && /^[1-9]\d{0,19}$/.test(v)) {
    return v;
  }
  errors.push({ path, message: 'must be a positive integer id' });
  return null;
}

function decimalText(v: unknown, path: string, errors: FieldError[]): string | null {
  if (typeof v === 'string' && DECIMAL.test(v)) {
    return v;
  }
  errors.push({ path, message: 'must be a decimal string such as "59.90"' });
  return null;
}

function optionalCurrency(v: unknown, path: string, errors: FieldError[]): string | null {
  if (v === undefined || v === null) {
    return null;
  }
  if (typeof v === 'string' && CURRENCY.test(v)) {
    return v;
  }
  errors.push({ path, message: 'must be an ISO 4217 code such as EUR' });
  return null;
}

function optionalEmail(v: unknown, path: string, errors: FieldError[]): string | null {
  if (v === undefined || v === null || v === '') {
    return null;
  }
  if (typeof v === 'string' && v.length <= 320 && isEmail(v)) {
    return v.toLowerCase();
  }
  errors.push({ path, message: 'must be an e-mail address' });
  return null;
}
