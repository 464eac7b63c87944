import { readMailchimp } from './mailchimp-form.js';

describe('Mailchimp audience webhooks', () => {
  it('a subscribe: e-mail lower-cased, the audience id', () => {
    expect(
      readMailchimp({ type: 'subscribe', 'data[email]': 'Ann@Example.com', 'data[list_id]': 'a6b5da1054' }),
    ).toEqual({ ok: true, value: { type: 'subscribe', email: 'ann@example.com', listId: 'a6b5da1054' } });
    // the same as JSON, nested
    expect(readMailchimp({ type: 'subscribe', data: { email: 'ann@example.com', list_id: 'x1' } })).toMatchObject({
      ok: true,
      value: { listId: 'x1' },
    });
  });

  it('other types are ignored; faults name the form fields', () => {
    expect(readMailchimp({ type: 'unsubscribe' })).toEqual({ ok: true, value: { type: 'other', name: 'unsubscribe' } });
    const bad = readMailchimp({ type: 'subscribe', 'data[email]': ['a@b.c', 'd@e.f'], 'data[list_id]': '../x' });
    expect(bad.ok ? [] : bad.errors.map((e) => e.path)).toEqual(['data[email]', 'data[list_id]']);
    for (const body of [null, [], 'type=subscribe', { type: 'Sub scribe' }, { type: ['subscribe'] }]) {
      expect(readMailchimp(body).ok).toBe(false);
    }
  });
});
