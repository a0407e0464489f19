import type { Queryable } from '../db/pool.js';

/** Sets who of the care side handles the conversation (null: nobody); the service checked who. */
export async function setAssignee(db: Queryable, conversationId: string, userId: string | null): Promise<void> {
  await db.query('UPDATE conversations SET assignee_id = $2 WHERE id = $1', [conversationId, userId]);
}
