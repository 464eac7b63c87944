import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import type { EndpointStatus, WebhookEndpoint } from './webhook-endpoint.js';

const COLUMNS = `brand_id, id, url, events, description, status, disabled_reason, secret_sealed, previous_secret_sealed,
  previous_secret_until, failing_since, created_at, updated_at`;

export interface EndpointChange {
  url: string;
  events: string[];
  description: string | null;
  status: EndpointStatus;
}

/** webhook_endpoints: a brand's endpoints and their sealed signing secrets. */
@Injectable()
export class WebhookEndpointsRepository {
  async insert(
    em: EntityManager,
    e: Pick<WebhookEndpoint, 'brandId' | 'id' | 'url' | 'events' | 'description' | 'secretSealed'>,
  ): Promise<WebhookEndpoint> {
    const rows = await queryRows(
      em,
      `INSERT INTO webhook_endpoints (brand_id, id, url, events, description, status, secret_sealed)
       VALUES ($1, $2, $3, $4, $5, 'enabled', $6) RETURNING ${COLUMNS}`,
      [e.brandId, e.id, e.url, e.events, e.description, e.secretSealed],
    );
    return toEndpoint(rows[0]);
  }

  async find(em: EntityManager, brandId: string, id: string, lock = false): Promise<WebhookEndpoint | null> {
    const rows = await queryRows(
      em,
      `SELECT ${COLUMNS} FROM webhook_endpoints WHERE brand_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [brandId, id],
    );
    return rows.length ? toEndpoint(rows[0]) : null;
  }

  async list(em: EntityManager, brandId: string, after: string | undefined, limit: number): Promise<WebhookEndpoint[]> {
    const rows = await queryRows(
      em,
      `SELECT ${COLUMNS} FROM webhook_endpoints WHERE brand_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid)
        ORDER BY id LIMIT $3`,
      [brandId, after ?? null, limit],
    );
    return rows.map(toEndpoint);
  }

  /** What the event path needs of a brand's endpoints: the enabled ones and their types (a tiny read). */
  async enabledSubscriptions(em: EntityManager, brandId: string): Promise<Array<{ id: string; events: string[] }>> {
    return queryRows(
      em,
      `SELECT id, events FROM webhook_endpoints WHERE brand_id = $1 AND status = 'enabled' ORDER BY id`,
      [brandId],
    );
  }

  async update(em: EntityManager, brandId: string, id: string, c: EndpointChange): Promise<WebhookEndpoint> {
    // Enabling again starts a fresh failure count; disabling by hand gives no reason.
    const rows = await queryRows(
      em,
      `UPDATE webhook_endpoints SET url = $3, events = $4, description = $5, status = $6,
              disabled_reason = CASE WHEN $6 = 'enabled' THEN NULL ELSE disabled_reason END,
              failing_since = CASE WHEN $6 = 'enabled' AND status = 'disabled' THEN NULL ELSE failing_since END,
              updated_at = now()
        WHERE brand_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [brandId, id, c.url, c.events, c.description, c.status],
    );
    return toEndpoint(rows[0]);
  }

  async rotateSecret(
    em: EntityManager,
    brandId: string,
    id: string,
    sealed: string,
    previousUntil: Date,
  ): Promise<WebhookEndpoint> {
    const rows = await queryRows(
      em,
      `UPDATE webhook_endpoints SET previous_secret_sealed = secret_sealed, previous_secret_until = $4,
              secret_sealed = $3, updated_at = now()
        WHERE brand_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [brandId, id, sealed, previousUntil],
    );
    return toEndpoint(rows[0]);
  }

  /** The worker's verdict on an endpoint's health: its failing mark, and disabled with a reason. */
  async recordHealth(
    em: EntityManager,
    brandId: string,
    id: string,
    failingSince: Date | null,
    disabledReason: string | null,
  ): Promise<void> {
    await em.query(
      `UPDATE webhook_endpoints SET failing_since = $3,
              status = CASE WHEN $4::text IS NULL THEN status ELSE 'disabled' END,
              disabled_reason = coalesce($4::text, disabled_reason),
              updated_at = CASE WHEN $4::text IS NULL THEN updated_at ELSE now() END
        WHERE brand_id = $1 AND id = $2`,
      [brandId, id, failingSince, disabledReason],
    );
  }

  async delete(em: EntityManager, brandId: string, id: string): Promise<boolean> {
    const rows = await queryRows(em, `DELETE FROM webhook_endpoints WHERE brand_id = $1 AND id = $2 RETURNING id`, [
      brandId,
      id,
    ]);
    return rows.length > 0;
  }
}

function toEndpoint(r: Record<string, unknown>): WebhookEndpoint {
  return {
    brandId: r.brand_id as string,
    id: r.id as string,
    url: r.url as string,
    events: r.events as string[],
    description: (r.description as string | null) ?? null,
    status: r.status as EndpointStatus,
    disabledReason: (r.disabled_reason as string | null) ?? null,
    secretSealed: r.secret_sealed as string,
    previousSecretSealed: (r.previous_secret_sealed as string | null) ?? null,
    previousSecretUntil: (r.previous_secret_until as Date | null) ?? null,
    failingSince: (r.failing_since as Date | null) ?? null,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}
