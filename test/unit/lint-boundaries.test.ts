import { beforeAll, describe, expect, it } from 'vitest';
import { plantedLinter } from '../helpers/planted-lint.js';

/**
 * The boundary rules fail on a planted violation, and only where it is one: each case lints a
 * module that does not exist, at a path in src/, through ESLint's Node API with the project's own
 * eslint.config.js (type-aware rules off: the planted file is in no TypeScript program).
 */

let violations: ReturnType<typeof plantedLinter>;

beforeAll(() => {
  violations = plantedLinter();
});

const GRPC = "import { credentials } from '@grpc/grpc-js';\nexport const c = credentials;\n";

describe('boundary rules', () => {
  it('a pure module importing @grpc/grpc-js fails; the transport may', async () => {
    const planted = await violations('src/timing/__planted__.ts', GRPC);
    expect(planted).toEqual([expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*@grpc\/grpc-js.*Only src\/transport/)]);
    expect(await violations('src/session/__planted__.ts', GRPC)).toHaveLength(1);
    expect(await violations('src/transport/__planted__.ts', GRPC)).toEqual([]);
    expect(await violations('src/emulator/__planted__.ts', GRPC)).toEqual([]);
  });

  it('a client module calling a timer fails; the clock and the transport may', async () => {
    const timer = 'export const t = setTimeout(() => {}, 10);\nexport const u = globalThis.setInterval(() => {}, 10);\n';
    expect(await violations('src/session/__planted__.ts', timer)).toEqual([
      expect.stringMatching(/^no-restricted-globals: .*setTimeout/),
      expect.stringMatching(/^no-restricted-properties: .*globalThis.setInterval/),
    ]);
    expect(await violations('src/recognize-stream.ts', timer)).toHaveLength(2);
    expect(await violations('src/audio/__planted__.ts', "import { setTimeout } from 'node:timers/promises';\nawait setTimeout(1);\n")).toEqual([
      expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*node:timers\/promises/),
    ]);
    expect(await violations('src/timing/clock.ts', timer)).toEqual([]);
    expect(await violations('src/transport/__planted__.ts', timer)).toEqual([]);
  });

  it('a pure module reading the clock, using p-retry or the real clock fails; an injected Clock type is fine', async () => {
    expect(await violations('src/session/__planted-policy.ts', 'export const now = () => Date.now() + performance.now();\n')).toEqual([
      expect.stringMatching(/^no-restricted-properties: .*Date.now/),
      expect.stringMatching(/^no-restricted-properties: .*performance.now/),
    ]);
    expect(await violations('src/cli/__planted__.ts', 'export const now = () => Date.now();\n')).toEqual([]);
    expect(await violations('src/api/__planted__.ts', "import pRetry from 'p-retry';\nexport { pRetry };\n")).toEqual([
      expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*p-retry/),
    ]);
    expect(await violations('src/session/__planted__.ts', "import { systemClock } from '../timing/clock.js';\nexport { systemClock };\n")).toEqual([
      expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*clock\.js/),
    ]);
    expect(await violations('src/session/__planted__.ts', "import type { Clock } from '../timing/clock.js';\nexport type C = Clock;\n")).toEqual([]);
  });

  it('the emulator importing a client module fails, from any depth; its own folders, generated and vendor code are fine', async () => {
    const planted = await violations('src/emulator/__planted__.ts', "import { RecognizeStream } from '../recognize-stream.js';\nexport { RecognizeStream };\n");
    expect(planted).toEqual([expect.stringMatching(/^boundaries\/emulator-apart: 'emulator\/__planted__.ts' may not import 'recognize-stream.ts'/)]);
    expect(await violations('src/emulator/v2/__planted__.ts', "import type { ResolvedOptions } from '../../options.js';\nexport type O = ResolvedOptions;\n")).toEqual([
      expect.stringMatching(/^boundaries\/emulator-apart: .*'options.ts'/),
    ]);
    expect(await violations('src/emulator/__planted__.ts', "export * from 'speechkit-stream';\n")).toEqual([
      expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*speechkit-stream/),
    ]);
    const own = "import '../call/session.js';\nimport '../../generated/stt_service.js';\nimport '../../vendor/opusscript-memory.js';\n";
    expect(await violations('src/emulator/v2/__planted__.ts', own)).toEqual([]);
    expect(await violations('src/vendor/__planted__.ts', "import '../emulator/server.js';\nimport '../options.js';\n")).toHaveLength(2);
  });

  it('a lower layer importing a higher one fails (type-only imports too); downward imports are fine', async () => {
    expect(await violations('src/audio/__planted__.ts', "import type { ResolvedOptions } from '../options.js';\nexport type O = ResolvedOptions;\n")).toEqual([
      expect.stringMatching(/^boundaries\/layers: 'audio\/__planted__.ts' \(audio\) may not import 'options.ts' \(options\)/),
    ]);
    expect(await violations('src/transport/__planted__.ts', "export { FrameAllocator } from '../audio/frame-buffer.js';\n")).toHaveLength(1);
    expect(await violations('src/api/__planted__.ts', "export const f = () => import('../session/final-hold.js');\n")).toHaveLength(1);
    expect(await violations('src/session/__planted__.ts', "import '../stream/feeder.js';\n")).toHaveLength(1);
    expect(await violations('src/stream/__planted__.ts', "import '../session/rollover.js';\nimport '../api/adapter.js';\nimport '../options.js';\nimport '../errors.js';\n")).toEqual([]);
    // options.ts gathers the options of the layers above it (the import-graph test rules out cycles).
    expect(await violations('src/options.ts', "import './session/rollover.js';\nimport './api/api-options.js';\n")).toEqual([]);
    expect(await violations('src/options.ts', "import './recognize-stream.js';\n")).toHaveLength(1);
  });

  it('the client may not import the emulator, except the CLI through its entry', async () => {
    expect(await violations('src/session/__planted__.ts', "import '../emulator/index.js';\n")).toEqual([
      expect.stringMatching(/^boundaries\/layers: .*the client does not depend on the emulator/),
    ]);
    expect(await violations('src/cli/__planted__.ts', "import '../emulator/index.js';\n")).toEqual([]);
    expect(await violations('src/cli/__planted__.ts', "import '../emulator/server.js';\n")).toHaveLength(1);
  });

  it('a module in no layer fails, naming the table to add it to', async () => {
    expect(await violations('src/__planted__.ts', 'export const x = 1;\n')).toEqual([
      expect.stringMatching(/^boundaries\/layers: '__planted__.ts' belongs to no layer: add it to LAYERS in lint\/boundaries.js/),
    ]);
  });
});
