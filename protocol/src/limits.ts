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
export const MAX_CHANGES_PAGE_SIZE = 500;
export const MAX_CLIENT_MESSAGE_ID_LENGTH = 128;
export const MAX_EXTERNAL_ID_LENGTH = 128;
export const MAX_BATCH_ITEMS = 10_000;
