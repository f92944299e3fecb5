import { beforeAll, describe, expect, it } from 'vitest';
import { plantedLinter } from '../helpers/planted-lint.js';

/**
 * The core stays light: only src/metrics (the `speechkit-stream/metrics` entry) may import
 * OpenTelemetry, and nothing below it imports src/metrics. Checked on planted modules with the
 * project's own eslint.config.js, as test/unit/lint-boundaries.test.ts does.
 */

let violations: ReturnType<typeof plantedLinter>;

beforeAll(() => {
  violations = plantedLinter();
});

const OTEL = "import { metrics } from '@opentelemetry/api';\nexport const m = metrics;\n";
const OTEL_TYPE = "import type { Meter } from '@opentelemetry/api';\nexport type M = Meter;\n";

describe('OpenTelemetry stays in its entry', () => {
  it('a core module importing @opentelemetry/api fails (a type import too); src/metrics may', async () => {
    for (const path of ['src/diagnostics/__planted__.ts', 'src/index.ts', 'src/stream/__planted__.ts', 'src/session/__planted__.ts']) {
      expect(await violations(path, OTEL), path).toEqual([expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*Only src\/metrics/)]);
      expect(await violations(path, OTEL_TYPE), path).toHaveLength(1);
    }
    expect(await violations('src/metrics/__planted__.ts', OTEL)).toEqual([]);
    // The entry's other rules still hold there.
    expect(await violations('src/metrics/__planted__.ts', "import '@grpc/grpc-js';\n")).toHaveLength(1);
  });

  it('the stream and the main entry do not import src/metrics; src/metrics imports the diagnostics channels', async () => {
    expect(await violations('src/stream/__planted__.ts', "import '../metrics/index.js';\n")).toEqual([expect.stringMatching(/^boundaries\/layers: .*may not import 'metrics\/index.ts'/)]);
    expect(await violations('src/index.ts', "import './metrics/index.js';\n")).toHaveLength(1);
    expect(await violations('src/diagnostics/__planted__.ts', "import '../recognize-stream.js';\n")).toHaveLength(1);
    expect(await violations('src/metrics/__planted__.ts', "import '../diagnostics/channels.js';\n")).toEqual([]);
  });
});
