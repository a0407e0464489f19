import type { User } from '@carechat/protocol';
import { api } from '../api/http.js';

/** GET /api/auth/me: the signed-in person and the state of their two-factor sign-in. */
export interface Me {
  user: User;
  expiresAt: string | null;
  mfaEnabled: boolean;
  /** The server holds this session back (403 MFA_ENROLLMENT_REQUIRED) until two-factor sign-in is on. */
  mfaEnrollmentRequired: boolean;
}

export const fetchMe = () => api<Me>('GET', '/api/auth/me');
