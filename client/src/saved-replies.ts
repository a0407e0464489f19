import type { SavedReply, SavedReplyInput, SavedReplyList, SavedReplyPatch } from '@carechat/protocol';
import type { Http } from './http.js';

const PATH = '/api/me/saved-replies';

/** A clinician's saved replies with the server: their own and the shared ones, by name; only their own change. */
export const savedRepliesApi = (http: Http) => ({
  list: async (): Promise<SavedReply[]> => (await http<SavedReplyList>('GET', PATH)).data,
  create: (input: SavedReplyInput) => http<SavedReply>('POST', PATH, input),
  update: (id: string, patch: SavedReplyPatch) => http<SavedReply>('PATCH', `${PATH}/${encodeURIComponent(id)}`, patch),
  delete: (id: string) => http<undefined>('DELETE', `${PATH}/${encodeURIComponent(id)}`),
});

export type SavedRepliesApi = ReturnType<typeof savedRepliesApi>;
