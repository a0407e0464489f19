import type { Me } from '@carechat/client';
import { api } from '../api/http.js';

export type { Me };

/** GET /api/auth/me: the signed-in person, their session's end and the state of their two-factor sign-in. */
export const fetchMe = () => api<Me>('GET', '/api/auth/me');
