import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { EMULATOR_API_KEY, EMULATOR_IAM_TOKEN, startEmulator } from '../../src/emulator/index.js';
import { BEARER, connect, openCall, PCM8K, runSession, type Spec, sharedEmulator } from './helpers.js';

const shared = sharedEmulator();

describe('session setup', () => {
  it('sends x-request-id and x-server-trace-id at once and records the session', async () => {
    const open = openCall(connect(shared.emu), { ...BEARER, 'x-client-request-id': 'client-42', 'x-data-logging-enabled': 'true' });
    const headers = await open.headers;
    expect(headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(headers['x-server-trace-id']).toMatch(/^[0-9a-f]{32}$/);
    await open.write({ config: { specification: PCM8K, folder_id: 'b1gfolder' } });
    open.end();
    await open.status;
    const s = shared.emu.sessions[0]!;
    expect(s.index).toBe(0);
    expect(s.requestId).toBe(headers['x-request-id']);
    expect(s.clientRequestId).toBe('client-42');
    expect(s.folderId).toBe('b1gfolder');
    expect(s.metadata['authorization']).toBe('Bearer <redacted>');
    expect(s.metadata['x-data-logging-enabled']).toBe('true');
    expect(JSON.stringify(s.metadata)).not.toContain(EMULATOR_IAM_TOKEN);
    expect(s.halfClosed).toBe(true);
    expect(s.endedAt).toBeGreaterThanOrEqual(s.startedAt);
    await expect(s.ended).resolves.toBeUndefined();
  });

  it('applies server-side defaults to unset fields', async () => {
    await runSession(shared.emu, { spec: {} });
    expect(shared.emu.sessions[0]!.config).toEqual({
      audioEncoding: 'OGG_OPUS',
      sampleRateHertz: 48000,
      languageCode: 'ru-RU',
      model: 'general',
      profanityFilter: false,
      partialResults: false,
      singleUtterance: false,
      rawResults: false,
      literatureText: false,
    });
    await runSession(shared.emu, {
      spec: {
        ...PCM8K,
        language_code: 'EN-us',
        model: 'general:rc',
        profanity_filter: true,
        partial_results: true,
        single_utterance: true,
        raw_results: true,
        literature_text: true,
      },
    });
    expect(shared.emu.sessions[1]!.config).toEqual({
      audioEncoding: 'LINEAR16_PCM',
      sampleRateHertz: 8000,
      languageCode: 'EN-us',
      model: 'general:rc',
      profanityFilter: true,
      partialResults: true,
      singleUtterance: true,
      rawResults: true,
      literatureText: true,
    });
  });

  it.each(['auto', 'kk-KZ', 'pt-br', 'general:deprecated'])('accepts %s', async (value) => {
    const spec: Spec = value.startsWith('general') ? { model: value } : { language_code: value };
    expect((await runSession(shared.emu, { spec })).status.code).toBe(status.OK);
  });

  const invalid: [string, Spec | null, string, RegExp][] = [
    ['MP3', { audio_encoding: 'MP3' }, '', /audio_encoding: MP3 is not supported for streaming/],
    ['a PCM rate of 44100', { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: 44100 }, '', /sample_rate_hertz: 44100 .*8000, 16000 or 48000/],
    ['a negative rate', { audio_encoding: 'LINEAR16_PCM', sample_rate_hertz: -8000 }, '', /sample_rate_hertz/],
    ['an unknown language', { language_code: 'xx-XX' }, '', /language_code: 'xx-XX' is not supported/],
    ['an unknown model', { model: 'deferred-general' }, '', /model: 'deferred-general' is not supported/],
    ['stereo', { audio_channel_count: 2 }, '', /audio_channel_count/],
    ['a folder id over 50 characters', {}, 'f'.repeat(51), /folder_id: longer than 50/],
  ];
  it.each(invalid)('rejects %s with INVALID_ARGUMENT naming the field', async (_name, spec, folderId, details) => {
    const out = await runSession(shared.emu, { spec: spec ?? {}, folderId });
    expect(out.status.code).toBe(status.INVALID_ARGUMENT);
    expect(out.status.details).toMatch(details);
    expect(shared.emu.sessions[0]!.status).toMatchObject({ code: 3, name: 'INVALID_ARGUMENT' });
    expect(shared.emu.sessions[0]!.config).toBeUndefined();
  });

  it('accepts a 50-character folder id', async () => {
    expect((await runSession(shared.emu, { folderId: 'f'.repeat(50) })).status.code).toBe(status.OK);
  });

  it('rejects audio before config', async () => {
    const open = openCall(connect(shared.emu));
    await open.write({ audio_content: Buffer.alloc(160) });
    const s = await open.status;
    expect(s.code).toBe(status.INVALID_ARGUMENT);
    expect(s.details).toMatch(/first message must carry config/);
  });

  it('rejects a second config', async () => {
    const open = openCall(connect(shared.emu));
    await open.write({ config: { specification: PCM8K } });
    await open.write({ audio_content: Buffer.alloc(160) });
    await open.write({ config: { specification: PCM8K } });
    const s = await open.status;
    expect(s.code).toBe(status.INVALID_ARGUMENT);
    expect(s.details).toMatch(/config may only be sent once/);
    expect(shared.emu.sessions[0]!.audio.length).toBe(160);
  });

  it('rejects an empty audio message', async () => {
    const open = openCall(connect(shared.emu));
    await open.write({ config: { specification: PCM8K } });
    await open.write({ audio_content: Buffer.alloc(0) });
    const s = await open.status;
    expect(s.code).toBe(status.INVALID_ARGUMENT);
    expect(s.details).toMatch(/audio_content is empty/);
  });

  it('rejects a message with neither config nor audio', async () => {
    const open = openCall(connect(shared.emu));
    await open.write({ config: { specification: PCM8K } });
    await open.write({});
    expect((await open.status).code).toBe(status.INVALID_ARGUMENT);
  });

  it('rejects a stream that ends before its config', async () => {
    const open = openCall(connect(shared.emu));
    open.end();
    const s = await open.status;
    expect(s.code).toBe(status.INVALID_ARGUMENT);
    expect(shared.emu.sessions[0]!.halfClosed).toBe(true);
  });
});

describe('authentication', () => {
  it('accepts the default API key and records only its scheme', async () => {
    const out = await runSession(shared.emu, { headers: { authorization: `Api-Key ${EMULATOR_API_KEY}` } });
    expect(out.status.code).toBe(status.OK);
    expect(shared.emu.sessions[0]!.metadata['authorization']).toBe('Api-Key <redacted>');
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['a missing header', {}, /missing authorization/],
    ['a wrong IAM token', { authorization: 'Bearer t1.not-the-right-token' }, /IAM token is invalid/],
    ['a wrong API key', { authorization: 'Api-Key AQVNsecretsecret' }, /API key is invalid/],
    ['an API key sent as a bearer token', { authorization: `Bearer ${EMULATOR_API_KEY}` }, /IAM token is invalid/],
    ['an unknown scheme', { authorization: `Basic ${EMULATOR_IAM_TOKEN}` }, /unsupported authorization scheme/],
    ['a lower-case scheme', { authorization: `bearer ${EMULATOR_IAM_TOKEN}` }, /unsupported authorization scheme/],
    ['an empty credential', { authorization: 'Bearer' }, /empty credential/],
  ];
  it.each(bad)('refuses %s with UNAUTHENTICATED, never echoing the credential', async (_name, headers, details) => {
    const open = openCall(connect(shared.emu), headers);
    await open.write({ config: { specification: PCM8K } });
    const s = await open.status;
    expect(s.code).toBe(status.UNAUTHENTICATED);
    expect(s.details).toMatch(details);
    for (const secret of ['not-the-right-token', 'secretsecret', EMULATOR_IAM_TOKEN, EMULATOR_API_KEY]) {
      expect(s.details).not.toContain(secret);
    }
    expect(shared.emu.sessions[0]!.status?.name).toBe('UNAUTHENTICATED');
    expect(shared.emu.sessions[0]!.config).toBeUndefined();
  });

  it('takes custom credentials and acceptAny', async () => {
    const custom = await startEmulator({ auth: { iamTokens: ['t-1'], apiKeys: ['k-1'] } });
    const any = await startEmulator({ auth: { acceptAny: true } });
    try {
      expect((await runSession(custom, { headers: { authorization: 'Bearer t-1' } })).status.code).toBe(status.OK);
      expect((await runSession(custom, { headers: { authorization: 'Api-Key k-1' } })).status.code).toBe(status.OK);
      expect((await runSession(custom, { headers: BEARER })).status.code).toBe(status.UNAUTHENTICATED);
      expect((await runSession(any, { headers: { authorization: 'Bearer whatever' } })).status.code).toBe(status.OK);
      expect((await runSession(any, { headers: { authorization: 'Api-Key x' } })).status.code).toBe(status.OK);
      expect((await runSession(any, { headers: {} })).status.code).toBe(status.UNAUTHENTICATED);
      expect((await runSession(any, { headers: { authorization: 'Bearer' } })).status.code).toBe(status.UNAUTHENTICATED);
    } finally {
      await Promise.all([custom.close(), any.close()]);
    }
  });

  it('never logs credentials', async () => {
    const lines: string[] = [];
    const logged = await startEmulator({ logger: (l) => lines.push(l) });
    try {
      await runSession(logged, { headers: BEARER });
      await runSession(logged, { headers: { authorization: 'Bearer leaked-secret' } });
    } finally {
      await logged.close();
    }
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.join('\n')).not.toMatch(/leaked-secret|emulator-iam-token/);
  });
});
