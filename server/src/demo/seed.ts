import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { withTransaction, type Db } from '../db/pool.js';
import type { Logger } from '../logger.js';
import { hashPassword } from '../auth/password.js';
import { upsertAppointments } from '../integration/appointments.store.js';
import { countUsers, upsertUsers, type UserUpsert } from '../users/users.store.js';

export const DEMO_ACCOUNTS = [
  { key: 'admin', email: 'admin@carechat.test', name: 'Ada Admin', role: 'ADMIN' },
  {
    key: 'grey',
    email: 'dr.grey@carechat.test',
    name: 'Dr. Meredith Grey',
    role: 'DOCTOR',
    designation: 'General Surgeon',
  },
  {
    key: 'house',
    email: 'dr.house@carechat.test',
    name: 'Dr. Gregory House',
    role: 'DOCTOR',
    designation: 'Diagnostician',
  },
  { key: 'alice', email: 'alice@carechat.test', name: 'Alice Patel', role: 'PATIENT' },
  { key: 'bob', email: 'bob@carechat.test', name: 'Bob Nguyen', role: 'PATIENT' },
  { key: 'carol', email: 'carol@carechat.test', name: 'Carol Smith', role: 'PATIENT' },
] as const;

const APPOINTMENTS = [
  ['alice', 'grey'],
  ['alice', 'house'],
  ['bob', 'grey'],
] as const;

/** Seeds the protocol's demo accounts into an empty database; never in production. */
export async function seedDemo(db: Db, config: Config, log: Logger): Promise<boolean> {
  if (config.production || (await countUsers(db)) > 0) return false;
  const passwordHash = await hashPassword(config.demoPassword);
  const ids = new Map<string, string>(DEMO_ACCOUNTS.map((p) => [p.key, randomUUID()]));
  const idOf = (key: string): string => {
    const id = ids.get(key);
    if (!id) throw new Error(`seedDemo: no demo account named ${key}`);
    return id;
  };
  const users: UserUpsert[] = DEMO_ACCOUNTS.map((p) => ({
    id: idOf(p.key),
    name: p.name,
    email: p.email,
    role: p.role,
    status: 'active',
    designation: 'designation' in p ? p.designation : null,
    passwordHash,
  }));
  const seeded = await withTransaction(db, async (tx) => {
    // Two processes starting on one empty database: only the first seeds.
    await tx.query('LOCK TABLE users IN EXCLUSIVE MODE');
    if ((await countUsers(tx)) > 0) return false;
    await upsertUsers(tx, users);
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    await upsertAppointments(
      tx,
      APPOINTMENTS.map(([patient, doctor]) => ({
        id: `demo-${patient}-${doctor}`,
        patientId: idOf(patient),
        doctorId: idOf(doctor),
        startsAt,
        status: 'scheduled' as const,
      })),
    );
    return true;
  });
  if (seeded)
    log.info(
      {
        accounts: DEMO_ACCOUNTS.map((p) => `${p.email} (${p.role})`),
        password: config.demoPassword === 'carechat-demo' ? 'carechat-demo' : '(DEMO_PASSWORD)',
      },
      'seeded demo accounts',
    );
  return seeded;
}
