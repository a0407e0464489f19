import type { Role } from '@carechat/protocol';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Keyring } from './crypto/keyring.js';
import type { Db } from './db/pool.js';
import type { Logger } from './logger.js';

/** Who is acting, and from where: every service call takes one. */
export interface Actor {
  id: string;
  role: Role;
  name: string;
  /** Every sign-in's session: a password one's, or the one a host-platform token is bound to. */
  sessionId: string;
  /** Epoch ms after which this credential stops working unless used again (or at a host token's `exp`). */
  expiresAt: number | null;
  /** A host-platform token's `exp` (epoch ms): its session ends then, however active. */
  hostTokenExpiresAt?: number | null;
  /** A password session of a role that must use two-factor sign-in, not set up yet: it may only enrol. */
  mfaEnrollmentRequired?: boolean;
  ip: string | null;
  userAgent: string | null;
  /** Break-glass: why an admin opens content (`reason` query or X-Access-Reason header). */
  accessReason?: string | null;
}

/** What the services need from the process: built once in createApp. */
export interface Deps {
  config: Config;
  db: Db;
  /** The grouped send statements' own connections, which keep one plan each (see initPool). */
  sendDb: Db;
  log: Logger;
  keyring: Keyring;
  /** What services read the time from and set their timers on; tests pass one they move. */
  clock: Clock;
}
