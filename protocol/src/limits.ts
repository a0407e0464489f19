/** Limits shared by the server's schemas and the web app's inputs: one constant each. */
export const MAX_MESSAGE_LENGTH = 5000;
export const EDIT_WINDOW_MS = 15 * 60 * 1000;
export const TYPING_EXPIRY_MS = 5000;
export const PREVIEW_LENGTH = 100;
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;
export const DEFAULT_CONVERSATION_PAGE_SIZE = 20;
export const DEFAULT_CHANGES_PAGE_SIZE = 100;
export const DEFAULT_SEARCH_PAGE_SIZE = 20;
export const MAX_SEARCH_PAGE_SIZE = 50;
export const MAX_SEARCH_LENGTH = 200;
export const MAX_CHANGES_PAGE_SIZE = 500;
export const MAX_CLIENT_MESSAGE_ID_LENGTH = 128;
export const MAX_EXTERNAL_ID_LENGTH = 128;
export const MAX_BATCH_ITEMS = 10_000;
/** Extension (saved replies): a name short enough to type after "/" in the composer. */
export const MAX_SAVED_REPLY_NAME_LENGTH = 60;
/** Extension (saved replies): at most this many in one set (a clinician's own, or the shared one). */
export const MAX_SAVED_REPLIES = 200;
/** Extension (care teams): members of one doctor's team at most (every one a participant of every conversation). */
export const MAX_CARE_TEAM = 50;
