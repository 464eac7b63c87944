import { isEmail } from 'class-validator';
import type { FieldError } from '../common/errors/domain-error.js';
import { unsafeJson } from '../common/http/json-safety.js';

export type MailchimpDelivery = { type: 'subscribe'; email: string; listId: string } | { type: 'other'; name: string };

const LIST_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * A Mailchimp audience webhook, pure. The body is a form (`type=subscribe&data[email]=…&
 * data[list_id]=…`, the brackets raw or percent-encoded: the form parser decodes both to the
 * same flat key); a JSON body of the same shape, nested or flat, is read the same way.
 */
export function readMailchimp(
  body: unknown,
): { ok: true; value: MailchimpDelivery } | { ok: false; errors: FieldError[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, errors: [{ path: 'body', message: 'must be a form: type=subscribe&data[email]=…' }] };
  }
  const unsafe = unsafeJson(body);
  if (unsafe) {
    return { ok: false, errors: [unsafe] };
  }
  const form = body as Record<string, unknown>;
  const data = (form.data !== null && typeof form.data === 'object' ? form.data : {}) as Record<string, unknown>;
  const type = form.type;
  if (typeof type !== 'string' || !/^[a-z_]{1,32}$/.test(type)) {
    return { ok: false, errors: [{ path: 'type', message: 'must be a Mailchimp event type such as subscribe' }] };
  }
  if (type !== 'subscribe') {
    return { ok: true, value: { type: 'other', name: type } };
  }
  const errors: FieldError[] = [];
  const email = form['data[email]'] ?? data.email;
  const listId = form['data[list_id]'] ?? data.list_id;
  if (!(typeof email === 'string' && email.length <= 320 && isEmail(email))) {
    errors.push({ path: 'data[email]', message: 'must be an e-mail address' });
  }
  if (!(typeof listId === 'string' && LIST_ID.test(listId))) {
    errors.push({ path: 'data[list_id]', message: 'must be a Mailchimp audience id' });
  }
  if (errors.length) {
    return { ok: false, errors };
  }
  return { ok: true, value: { type: 'subscribe', email: (email as string).toLowerCase(), listId: listId as string } };
}
