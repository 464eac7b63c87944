import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Page, toPage } from '../common/http/pagination.js';
import { newId } from '../common/ids.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { inTransaction } from '../database/transaction.js';
import { idCursor } from '../common/http/pagination.js';
import { SECRET_BOX, type SecretBox } from '../secrets/secret-box.js';
import type {
  CreatedWebhookEndpointView,
  CreateWebhookEndpointDto,
  RedeliveryView,
  RotatedSecretView,
  TestMessageView,
  UpdateWebhookEndpointDto,
  WebhookDeliveryView,
  WebhookEndpointView,
  WebhookPageQuery,
} from './dto/webhook-endpoint.dto.js';
import { toWebhookDeliveryView } from './dto/webhook-delivery.view.js';
import { toWebhookEndpointView } from './dto/webhook-endpoint.view.js';
import { newSigningSecret } from './signature.js';
import { urlAllowed } from './target-guard.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { WebhookErrors } from './webhook-errors.js';
import { payloadOf, TEST_EVENT_TYPE } from './webhook-events.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { WebhookOutboxRepository } from './webhook-outbox.repository.js';

const DEFAULT_PAGE = 50;
const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/** A brand's webhook endpoints: their lifecycle, secrets, test messages and the attempts log. */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly db: DataSource,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly outbox: WebhookOutboxRepository,
    private readonly subscriptions: WebhookOutbox,
    @Inject(SECRET_BOX) private readonly box: SecretBox | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(brandId: string, dto: CreateWebhookEndpointDto): Promise<CreatedWebhookEndpointView> {
    this.checkUrl(dto.url);
    const secret = newSigningSecret();
    const created = await this.endpoints.insert(this.db.manager, {
      brandId,
      id: newId(),
      url: dto.url,
      events: normaliseEvents(dto.events),
      description: dto.description ?? null,
      secretSealed: this.seal(secret),
    });
    this.subscriptions.forget(brandId);
    return { ...toWebhookEndpointView(created), secret };
  }

  async list(brandId: string, q: WebhookPageQuery): Promise<Page<WebhookEndpointView>> {
    const limit = q.limit ?? DEFAULT_PAGE;
    const rows = await this.endpoints.list(this.db.manager, brandId, idCursor(q.cursor), limit + 1);
    return toPage(rows.map(toWebhookEndpointView), limit);
  }

  async get(brandId: string, id: string): Promise<WebhookEndpointView> {
    return toWebhookEndpointView(await this.find(brandId, id));
  }

  async update(brandId: string, id: string, dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointView> {
    if (dto.url !== undefined) {
      this.checkUrl(dto.url);
    }
    const updated = await inTransaction(this.db, async (em) => {
      const found = await this.endpoints.find(em, brandId, id, true);
      if (!found) {
        throw WebhookErrors.endpointNotFound(id);
      }
      return this.endpoints.update(em, brandId, id, {
        url: dto.url ?? found.url,
        events: dto.events ? normaliseEvents(dto.events) : found.events,
        description: dto.description === undefined ? found.description : dto.description,
        status: dto.status ?? found.status,
      });
    });
    this.subscriptions.forget(brandId);
    return toWebhookEndpointView(updated);
  }

  async remove(brandId: string, id: string): Promise<void> {
    await inTransaction(this.db, async (em) => {
      if (!(await this.endpoints.delete(em, brandId, id))) {
        throw WebhookErrors.endpointNotFound(id);
      }
      await this.outbox.deleteForEndpoint(em, brandId, id);
    });
    this.subscriptions.forget(brandId);
  }

  /** A new secret signs from now on; the previous one signs beside it for 24 h, so receivers can switch. */
  async rotateSecret(brandId: string, id: string): Promise<RotatedSecretView> {
    const secret = newSigningSecret();
    const until = new Date(Date.now() + ROTATION_OVERLAP_MS);
    const sealed = this.seal(secret);
    const rotated = await inTransaction(this.db, async (em) => {
      if (!(await this.endpoints.find(em, brandId, id, true))) {
        throw WebhookErrors.endpointNotFound(id);
      }
      return this.endpoints.rotateSecret(em, brandId, id, sealed, until);
    });
    return { id: rotated.id, secret, previousSecretExpiresAt: until.toISOString() };
  }

  /** A `webhook.test` message to this endpoint alone, due now. */
  async sendTest(brandId: string, id: string): Promise<TestMessageView> {
    const endpoint = await this.find(brandId, id);
    if (endpoint.status !== 'enabled') {
      throw WebhookErrors.disabled(id);
    }
    const messageId = newId();
    const now = new Date();
    await this.outbox.insert(this.db.manager, brandId, [
      {
        endpointId: id,
        id: messageId,
        type: TEST_EVENT_TYPE,
        payload: payloadOf(TEST_EVENT_TYPE, now, { endpointId: id, message: 'A test message from Loyalty Loop' }),
      },
    ]);
    return { messageId, type: TEST_EVENT_TYPE };
  }

  async deliveries(brandId: string, id: string, q: WebhookPageQuery): Promise<Page<WebhookDeliveryView>> {
    await this.find(brandId, id);
    const limit = q.limit ?? DEFAULT_PAGE;
    const rows = await this.outbox.deliveries(this.db.manager, brandId, id, idCursor(q.cursor), limit + 1);
    return toPage(rows.map(toWebhookDeliveryView), limit);
  }

  /** The attempt's message, due again now, with the same webhook-id. */
  async redeliver(brandId: string, deliveryId: string): Promise<RedeliveryView> {
    const found = await this.outbox.findDelivery(this.db.manager, brandId, deliveryId);
    if (!found) {
      throw WebhookErrors.deliveryNotFound(deliveryId);
    }
    await this.outbox.requeue(this.db.manager, brandId, found.endpointId, found.messageId, new Date());
    return { messageId: found.messageId, endpointId: found.endpointId, status: 'pending' };
  }

  private async find(brandId: string, id: string): Promise<WebhookEndpoint> {
    const found = await this.endpoints.find(this.db.manager, brandId, id);
    if (!found) {
      throw WebhookErrors.endpointNotFound(id);
    }
    return found;
  }

  private checkUrl(url: string): void {
    const verdict = urlAllowed(url, { allowPrivate: this.config.webhookAllowPrivateTargets });
    if (!verdict.ok) {
      throw WebhookErrors.refusedUrl(verdict.reason);
    }
  }

  private seal(secret: string): string {
    if (!this.box) {
      throw WebhookErrors.noSecretsKey();
    }
    return this.box.seal(secret);
  }
}

/** ["*"] stands alone: with it, the other types say nothing more. */
function normaliseEvents(events: string[]): string[] {
  return events.includes('*') ? ['*'] : events;
}
