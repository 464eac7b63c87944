import { Webhook } from 'standardwebhooks';
import { newSigningSecret, sign, signedHeaders, signingKey } from './signature.js';

describe('webhook signatures', () => {
  it('verify with the standardwebhooks package, with one secret and with two', () => {
    const current = newSigningSecret();
    const previous = newSigningSecret();
    expect(current).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const body = JSON.stringify({ type: 'points.earned', timestamp: '2026-12-01T12:00:00.000Z', data: { points: 5 } });
    const one = signedHeaders([current], 'msg-1', new Date(), body);
    expect(new Webhook(current).verify(body, one)).toEqual(JSON.parse(body));

    const both = signedHeaders([current, previous], 'msg-2', new Date(), body);
    expect(both['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, both)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, both)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newSigningSecret()).verify(body, both)).toThrow();
  });

  it('signs the same with a secret and with its key made once', () => {
    const secret = newSigningSecret();
    expect(sign(signingKey(secret), 'msg-3', 1764000000, '{}')).toBe(sign(secret, 'msg-3', 1764000000, '{}'));
  });
});
