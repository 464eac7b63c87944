export type EndpointStatus = 'enabled' | 'disabled';
export const ENDPOINT_STATUSES: EndpointStatus[] = ['enabled', 'disabled'];

/** A brand's webhook endpoint. Secrets stay sealed here; only the worker opens them to sign. */
export interface WebhookEndpoint {
  brandId: string;
  id: string;
  url: string;
  /** Event types, or ['*'] for every type. */
  events: string[];
  description: string | null;
  status: EndpointStatus;
  disabledReason: string | null;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretUntil: Date | null;
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Does an endpoint listening to `events` want a message of `type`? */
export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes('*') || events.includes(type);
}
