import type { TestApp } from './test-app.js';
import { ADMIN_TOKEN } from './test-app.js';

export interface TestBrand {
  id: string;
  key: string;
  auth: { Authorization: string };
}

let brandCount = 0;

/** A brand created through the operator API, with its secret key. */
export async function createBrand(t: TestApp, name = `Brand ${++brandCount}`): Promise<TestBrand> {
  const res = await t.http().post('/v1/admin/brands').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ name }).expect(201);
  const key = res.body.apiKey.key as string;
  return { id: res.body.brand.id, key, auth: { Authorization: `Bearer ${key}` } };
}
