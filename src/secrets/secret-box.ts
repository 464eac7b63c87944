import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets the service must read back (inbound HMAC secrets, Shopify client secrets, outbound
 * signing secrets) cannot be hashed like API keys: they are sealed with AES-256-GCM under
 * SECRETS_KEY. A sealed value is `v1.<iv>.<tag>.<ciphertext>` (base64url), so a later key
 * scheme can sit beside this one. GCM's tag makes a tampered or foreign value fail to open.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) {
      throw new Error('SecretBox needs a 32-byte key');
    }
    this.key = key;
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('not a sealed secret');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** A fresh SECRETS_KEY value: 32 random bytes, base64. */
export function newSecretsKey(): string {
  return randomBytes(32).toString('base64');
}

export const SECRET_BOX = Symbol('SECRET_BOX');
