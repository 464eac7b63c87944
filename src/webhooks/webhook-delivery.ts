import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newId } from '../common/ids.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SECRET_BOX, type SecretBox } from '../secrets/secret-box.js';
import { afterAttempt } from './retry-policy.js';
import type { KeyObject } from 'node:crypto';
import { signedHeaders, signingKey } from './signature.js';
import { type AttemptRecord, type ClaimedMessage, WebhookOutboxRepository } from './webhook-outbox.repository.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { WebhookSender } from './webhook-sender.js';

const BATCH = 100;
const IN_FLIGHT = 16;
/** One pass stops after this many batches, so a backlog never holds the worker forever. */
const MAX_BATCHES_PER_PASS = 50;

export interface DeliveryPass {
  attempted: number;
  delivered: number;
  failed: number;
  retrying: number;
  endpointsDisabled: number;
}

/**
 * The outbox worker (deliver-webhooks): claims due messages with FOR UPDATE SKIP LOCKED, sends
 * them, and records every attempt and each message's next state in the claim's transaction. A
 * crash mid-send rolls the claim back: the message is sent again (same webhook-id), so delivery
 * is at least once and a receiver dedupes by id. `asOf` schedules (tests move it); the signed
 * timestamp is always the real time, as receivers check it against their clocks.
 */
@Injectable()
export class WebhookDelivery implements OnModuleDestroy {
  private readonly sender: WebhookSender;
  private running: Promise<DeliveryPass> | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly outbox: WebhookOutboxRepository,
    private readonly endpoints: WebhookEndpointsRepository,
    @Inject(SECRET_BOX) private readonly box: SecretBox | null,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.sender = new WebhookSender({ allowPrivate: config.webhookAllowPrivateTargets });
  }

  /** One pass over what is due at `asOf`; a pass already under way in this process is joined, not doubled. */
  deliverDue(asOf: Date): Promise<DeliveryPass> {
    if (!this.running) {
      this.running = this.pass(asOf).finally(() => (this.running = null));
    }
    return this.running;
  }

  onModuleDestroy(): Promise<void> {
    return this.sender.close();
  }

  private async pass(asOf: Date): Promise<DeliveryPass> {
    const total: DeliveryPass = { attempted: 0, delivered: 0, failed: 0, retrying: 0, endpointsDisabled: 0 };
    // An endpoint's secret is opened (and made an HMAC key) once a pass, not once a message; the key lives as long as the pass.
    const opened = new Map<string, KeyObject>();
    for (let n = 0; n < MAX_BATCHES_PER_PASS; n++) {
      const claimed = await this.db.transaction(async (em) => {
        const due = await this.outbox.claimDue(em, asOf, BATCH);
        const attempts = await this.sendAll(due, asOf, opened);
        await this.outbox.recordAttempts(em, attempts);
        const health = endpointHealth(due, attempts, asOf);
        for (const h of health) {
          await this.endpoints.recordHealth(em, h.brandId, h.endpointId, h.failingSince, h.disable);
          total.endpointsDisabled += h.disable ? 1 : 0;
        }
        for (const a of attempts) {
          total.attempted++;
          total[a.status === 'delivered' ? 'delivered' : a.status === 'failed' ? 'failed' : 'retrying']++;
        }
        return due.length;
      });
      if (claimed < BATCH) {
        break;
      }
    }
    return total;
  }

  private async sendAll(due: ClaimedMessage[], asOf: Date, opened: Map<string, KeyObject>): Promise<AttemptRecord[]> {
    const out: AttemptRecord[] = new Array(due.length);
    let next = 0;
    const lane = async () => {
      while (next < due.length) {
        const i = next++;
        out[i] = await this.attempt(due[i], asOf, opened);
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, due.length) }, lane));
    return out;
  }

  private async attempt(m: ClaimedMessage, asOf: Date, opened: Map<string, KeyObject>): Promise<AttemptRecord> {
    const secrets = [this.open(m.secretSealed, opened)];
    if (m.previousSecretSealed && m.previousSecretUntil && m.previousSecretUntil > new Date()) {
      secrets.push(this.open(m.previousSecretSealed, opened));
    }
    const result = await this.sender.send(m.url, signedHeaders(secrets, m.id, new Date(), m.body), m.body);
    const attempt = m.attempts + 1;
    // The endpoint's mark as the batch found it; endpointHealth() folds the batch's verdicts together.
    const verdict = afterAttempt(attempt, result, asOf, m.failingSince);
    return {
      brandId: m.brandId,
      id: newId(),
      endpointId: m.endpointId,
      messageId: m.id,
      attempt,
      attemptedAt: asOf,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error: result.error ?? (verdict.status === 'delivered' ? null : `HTTP ${result.statusCode}`),
      nextAttemptAt: verdict.nextAttemptAt,
      status: verdict.status,
    };
  }

  private open(sealed: string, opened: Map<string, KeyObject>): KeyObject {
    if (!this.box) {
      throw new Error('SECRETS_KEY is not set: webhook secrets cannot be opened');
    }
    let plain = opened.get(sealed);
    if (plain === undefined) {
      plain = signingKey(this.box.open(sealed));
      opened.set(sealed, plain);
    }
    return plain;
  }
}

/**
 * Each endpoint's health after a batch: healthy again if any attempt succeeded, else failing
 * since its first failure; disabled on a 410 or after 5 days of nothing but failures.
 */
function endpointHealth(due: ClaimedMessage[], attempts: AttemptRecord[], asOf: Date) {
  const byEndpoint = new Map<
    string,
    {
      brandId: string;
      endpointId: string;
      before: Date | null;
      failingSince: Date | null;
      disable: string | null;
      ok: boolean;
    }
  >();
  due.forEach((m, i) => {
    const a = attempts[i];
    const key = `${m.brandId}:${m.endpointId}`;
    const h = byEndpoint.get(key) ?? {
      brandId: m.brandId,
      endpointId: m.endpointId,
      before: m.failingSince,
      failingSince: m.failingSince,
      disable: null,
      ok: false,
    };
    const verdict = afterAttempt(a.attempt, a, asOf, m.failingSince);
    if (a.status === 'delivered') {
      h.ok = true;
    }
    h.failingSince = h.ok ? null : verdict.failingSince;
    h.disable = h.ok ? null : (h.disable ?? verdict.disableEndpoint);
    byEndpoint.set(key, h);
  });
  // A healthy endpoint that stays healthy is not written at all.
  return [...byEndpoint.values()].filter(
    (h) => h.disable !== null || h.failingSince?.getTime() !== h.before?.getTime(),
  );
}
