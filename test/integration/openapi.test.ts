import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/shared/protocol.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { rateRules: relaxedLimits });
});
afterAll(async () => {
  await server?.close();
});

describe('the OpenAPI document', () => {
  it('carries the protocol version and documents the entities from the shared schemas', async () => {
    const response = await fetch(`${server.url}/api/docs/json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      info: { version: string };
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
    };
    expect(doc.info.version).toBe(PROTOCOL_VERSION);
    const history = doc.paths['/api/rooms/{roomId}/messages']?.get;
    expect(history, 'the history route is documented').toBeDefined();
    // A reader is told that a 503 can happen (the database away, the node shutting down).
    expect(Object.keys(history!.responses)).toEqual(expect.arrayContaining(['200', '404', '429', '503']));
    // The message entity is described field by field, as src/shared/entities.ts defines it.
    const body = JSON.stringify(history!.responses['200']);
    for (const field of ['clientMsgId', 'reactions', 'attachments', 'thumbUrl', 'replyTo', 'deletedAt']) {
      expect(body, field).toContain(`"${field}"`);
    }
    // The sessions list too, with the errors its routes can answer.
    const sessions = doc.paths['/api/me/sessions']?.get;
    for (const field of ['current', 'device', 'address', 'lastActiveAt']) {
      expect(JSON.stringify(sessions?.responses['200']), field).toContain(`"${field}"`);
    }
    const signOut = doc.paths['/api/me/sessions/{id}']?.delete;
    expect(Object.keys(signOut?.responses ?? {})).toEqual(
      expect.arrayContaining(['204', '400', '401', '404']),
    );
  });
});
