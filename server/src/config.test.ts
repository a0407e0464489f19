import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, Env, loadConfig } from './config.js';

const key = 'ab'.repeat(32);

describe('configuration', () => {
  it('seeds demo data in embedded mode or when asked, never in production', () => {
    expect(loadConfig({}).demoSeed).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y' }).demoSeed).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y', DEMO_SEED: 'true' }).demoSeed).toBe(true);
    expect(
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://x/y',
        MASTER_KEY: '3f9a1c7e5b2d8f604a1e9c3b7d5f2a8e6c4b0d9f1a3e5c7b9d2f4a6c8e0b1d3f',
        TRUST_PROXY: 'true',
        DEMO_SEED: 'true',
      }).demoSeed,
    ).toBe(false);
  });

  it('reads the oversight page’s working hours, days, zone and run threshold, and refuses bad ones', () => {
    expect(loadConfig({}).oversight).toEqual({
      workingHours: { start: '07:00', end: '19:00', days: [1, 2, 3, 4, 5], timeZone: 'UTC' },
      burst: { conversations: 20, minutes: 10 },
    });
    const set = loadConfig({
      OVERSIGHT_WORKING_HOURS: '08:30-24:00',
      OVERSIGHT_WORKING_DAYS: '6, 1,2',
      OVERSIGHT_TIME_ZONE: 'Europe/Madrid',
      OVERSIGHT_BURST_CONVERSATIONS: '5',
      OVERSIGHT_BURST_MINUTES: '2.5',
    }).oversight;
    expect(set).toEqual({
      workingHours: { start: '08:30', end: '24:00', days: [1, 2, 6], timeZone: 'Europe/Madrid' },
      burst: { conversations: 5, minutes: 2.5 },
    });
    expect(() => loadConfig({ OVERSIGHT_WORKING_HOURS: '19:00-07:00' })).toThrow(/OVERSIGHT_WORKING_HOURS/);
    expect(() => loadConfig({ OVERSIGHT_WORKING_HOURS: '7-19' })).toThrow(/OVERSIGHT_WORKING_HOURS/);
    expect(() => loadConfig({ OVERSIGHT_WORKING_DAYS: '0,8' })).toThrow(/OVERSIGHT_WORKING_DAYS/);
    expect(() => loadConfig({ OVERSIGHT_WORKING_DAYS: 'mon' })).toThrow(/OVERSIGHT_WORKING_DAYS/);
    expect(() => loadConfig({ OVERSIGHT_TIME_ZONE: 'Mars/Olympus' })).toThrow(/OVERSIGHT_TIME_ZONE/);
    expect(() => loadConfig({ OVERSIGHT_BURST_CONVERSATIONS: '1' })).toThrow(/OVERSIGHT_BURST_CONVERSATIONS/);
  });

  it('refuses to start in production on missing or weak settings, and names a bad value', () => {
    const strong = '3f9a1c7e5b2d8f604a1e9c3b7d5f2a8e6c4b0d9f1a3e5c7b9d2f4a6c8e0b1d3f';
    const prod = { NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', MASTER_KEY: strong, TRUST_PROXY: 'true' };
    expect(loadConfig(prod).production).toBe(true);
    expect(() => loadConfig({ ...prod, MASTER_KEY: '' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...prod, MASTER_KEY: undefined })).toThrow(/MASTER_KEY is required/);
    expect(() => loadConfig({ ...prod, MASTER_KEY: key })).toThrow(/guessable/);
    expect(() => loadConfig({ ...prod, MASTER_KEY: '0'.repeat(64) })).toThrow(/guessable/);
    expect(() => loadConfig({ ...prod, AUTH_JWT_SECRET: 'short' })).toThrow(/AUTH_JWT_SECRET/);
    expect(() => loadConfig({ ...prod, DATABASE_URL: undefined })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ...prod, TRUST_PROXY: 'false' })).toThrow(/TLS is required/);
    expect(loadConfig({ ...prod, TRUST_PROXY: 'false', TLS_CERT_FILE: '/c.pem', TLS_KEY_FILE: '/k.pem' }).tls).toEqual({
      certFile: '/c.pem',
      keyFile: '/k.pem',
    });
    expect(() => loadConfig({ MASTER_KEY: 'short' })).toThrow(/MASTER_KEY/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('honours PORT, DATA_DIR and the session idle time', () => {
    const c = loadConfig({ PORT: '4321', DATA_DIR: '/tmp/somewhere', SESSION_IDLE_MINUTES: '5' });
    expect([c.port, c.dataDir, c.sessionIdleMs]).toEqual([4321, '/tmp/somewhere', 300_000]);
    expect(loadConfig({}).port).toBe(3000);
  });

  it('gives sends at most a third of the pool at once', () => {
    expect(loadConfig({}).databaseSendLanes).toBe(3);
    expect(loadConfig({ DATABASE_SEND_LANES: '8', DATABASE_POOL_SIZE: '30' }).databaseSendLanes).toBe(8);
    expect(loadConfig({ DATABASE_SEND_LANES: '8', DATABASE_POOL_SIZE: '9' }).databaseSendLanes).toBe(3);
    expect(loadConfig({ DATABASE_POOL_SIZE: '3' }).databaseSendLanes).toBe(1);
    // Each lane keeps two connections of its own, and the rest of the server needs one.
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '2' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => loadConfig({ DATABASE_SEND_LANES: '0' })).toThrow(/DATABASE_SEND_LANES/);
  });

  it('runs several workers only with Redis, and never with TLS in the process', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ WORKERS: '4', REDIS_URL: 'redis://127.0.0.1:6379' }).workers).toBe(4);
    expect(() => loadConfig({ WORKERS: '2' })).toThrow(/WORKERS above 1 needs REDIS_URL/);
    expect(() => loadConfig({ WORKERS: '2', REDIS_URL: 'redis://r', TLS_CERT_FILE: '/c', TLS_KEY_FILE: '/k' })).toThrow(
      /terminate TLS in a proxy/,
    );
    expect(() => loadConfig({ WORKERS: '0' })).toThrow(/WORKERS/);
  });

  it("is documented: the README's configuration table lists exactly the variables the schema reads", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.split(/^## Configuration$/m)[1]!.split(/^## /m)[0]!;
    // A row's first cell names one variable or several, each written out whole in backticks.
    const documented = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    expect(documented.sort()).toEqual(Object.keys(Env.shape).sort());
  });
});
