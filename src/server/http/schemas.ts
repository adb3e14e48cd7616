import { z } from 'zod';
import { selfSchema } from '../../shared/entities.js';

/**
 * Response shapes for the OpenAPI document and the response serializer (which drops any field
 * a schema lacks). The wire entities are the shared schemas of src/shared/entities.ts, whose
 * inferred types the services return, so HTTP responses and socket payloads cannot drift.
 */
export {
  attachmentSchema,
  channelSchema,
  memberSchema,
  messageSchema,
  myRoomSchema,
  publicUserSchema,
  roomSchema,
  selfSchema,
  sessionInfoSchema,
} from '../../shared/entities.js';

export const authResponseSchema = z.object({ user: selfSchema, token: z.string() });

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  code: z.string(),
  detail: z.string(),
  /** The request field the refusal is about, when there is one: a form shows the detail there. */
  field: z.string().optional(),
});

export const problems = {
  400: problemSchema,
  401: problemSchema,
  404: problemSchema,
  409: problemSchema,
  429: problemSchema,
  503: problemSchema,
};
