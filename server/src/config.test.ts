import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const key = 'ab'.repeat(32);

describe('configuration', () => {
  it('seeds demo data in embedded mode or when asked, never in production', () => {
    expect(loadConfig({}).demoSeed).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y' }).demoSeed).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y', DEMO_SEED: 'true' }).demoSeed).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', MASTER_KEY: key, DEMO_SEED: 'true' }).demoSeed).toBe(false);
  });

  it('refuses to start in production without a master key or a database, and names a bad value', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', MASTER_KEY: key })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ MASTER_KEY: 'short' })).toThrow(/MASTER_KEY/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('honours PORT, DATA_DIR and the session idle time', () => {
    const c = loadConfig({ PORT: '4321', DATA_DIR: '/tmp/somewhere', SESSION_IDLE_MINUTES: '5' });
    expect([c.port, c.dataDir, c.sessionIdleMs]).toEqual([4321, '/tmp/somewhere', 300_000]);
    expect(loadConfig({}).port).toBe(3000);
  });
});
