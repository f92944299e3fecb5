// Lint: rules that catch bugs (not style; tsc owns types and unused names), and the architecture's
// boundaries as errors. Layers: lint/boundaries.js. Cycles: test/unit/import-graph.test.ts.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import boundaries from './lint/boundaries.js';

/** Client code: src/ except the emulator, the generated protocol code, and the transport. */
const CLIENT = ['src/**/*.ts'];
const NOT_CLIENT = ['src/emulator/**', 'src/generated/**', 'src/transport/**'];

/**
 * Pure logic: inputs to outputs, time passed in. Whole folders are pure by default, so a new module
 * is checked without anyone remembering to list it; the exceptions below say why they are not.
 */
const PURE = [
  'src/errors.ts',
  'src/results.ts',
  'src/debug.ts',
  'src/options.ts',
  'src/option-types.ts',
  'src/timing/**',
  'src/audio/**',
  'src/api/**',
  'src/session/**',
  'src/stream/feeder.ts',
  'src/stream/result-router.ts',
  'src/**/*-policy.ts',
];
const NOT_PURE = [
  // The time seams: the only modules that touch the runtime's clock and timers.
  'src/timing/clock.ts',
  'src/timing/scheduler.ts',
  // Spawns ffmpeg.
  'src/audio/ffmpeg.ts',
  // Retries the IAM token exchange with p-retry (a plain retried promise, on p-retry's timers).
  'src/auth/token-cache.ts',
  // The process-wide start limiter: its default instance runs on the system clock.
  'src/session/start-limiter.ts',
];

const TIMER_MODULES = ['node:timers', 'node:timers/promises', 'timers', 'timers/promises'].map((name) => ({
  name,
  message: 'Time is injected: use the Clock / Scheduler from src/timing.',
}));
const TIMER_GLOBALS = ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate'];

const OPENTELEMETRY = {
  name: '@opentelemetry/api',
  message: 'Only src/metrics (the speechkit-stream/metrics entry) loads OpenTelemetry, an optional peer dependency; the core publishes to diagnostics channels.',
};
const clientImports = {
  paths: [
    { name: '@grpc/grpc-js', message: 'Only src/transport (and the emulator) speak gRPC; the client sees the SttCall interface.' },
    OPENTELEMETRY,
    { name: '@grpc/proto-loader', message: 'Only src/transport (and the emulator) load .proto files.' },
    ...TIMER_MODULES,
  ],
};
const SELF = { name: 'speechkit-stream', message: 'The emulator and src/vendor import nothing from the client.' };
const IO_MODULES = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'child_process', 'worker_threads'];
const pureImports = {
  paths: [
    ...clientImports.paths,
    { name: 'p-retry', message: 'p-retry sleeps on the runtime timers; a pure policy returns the delay instead.' },
    ...IO_MODULES.flatMap((name) => [`node:${name}`, name]).map((name) => ({ name, message: 'Pure logic does no I/O.' })),
  ],
  patterns: [
    {
      // Types of the seams are fine (a pure module may take a Clock); the real clock is not.
      regex: '^(\\.\\.?/)+(timing/)?(clock|scheduler)\\.js$',
      allowTypeImports: true,
      message: 'Pure logic takes time as an argument or an injected Clock/Scheduler; it imports no real clock.',
    },
  ],
};
const timerGlobals = TIMER_GLOBALS.map((name) => ({ name, message: 'Time is injected: use the Clock / Scheduler from src/timing.' }));
const timerProperties = TIMER_GLOBALS.map((property) => ({
  object: 'globalThis',
  property,
  message: 'Time is injected: use the Clock / Scheduler from src/timing.',
}));
const clockReads = [
  ['Date', 'now'],
  ['performance', 'now'],
  ['process', 'hrtime'],
].map(([object, property]) => ({ object, property, message: 'Pure logic is given the time (an argument, or an injected Clock).' }));

export default tseslint.config(
  { ignores: ['dist/**', 'src/generated/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    rules: {
      // Bugs, not style: loose equality (null/undefined alike is the one deliberate use), x === x,
      // "${x}" in a plain string, a loop that can only run once, map() without a return, a return
      // from a constructor, new String(), default not last.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error',
      'no-unreachable-loop': 'error',
      'array-callback-return': 'error',
      'no-constructor-return': 'error',
      'no-new-wrappers': 'error',
      'default-case-last': 'error',
      // tsc checks unused locals and parameters (noUnusedLocals, noUnusedParameters).
      '@typescript-eslint/no-unused-vars': 'off',
      // Off: they flag deliberate code more than bugs here (`let x = null` before a try; a flag
      // polled across awaits, which the rule cannot see change; `(clear(t), resolve(r))`).
      'no-useless-assignment': 'off',
      'no-unmodified-loop-condition': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // Promises: an unawaited or misplaced promise is an unhandled rejection or a lost error.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // Throw and reject Errors (rethrowing a caught unknown is fine).
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // "[object Object]" in a message, numbers sorted as strings, a switch that misses a case.
      '@typescript-eslint/no-base-to-string': 'error',
      '@typescript-eslint/require-array-sort-compare': ['error', { ignoreStringArrays: true }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/restrict-plus-operands': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-array-delete': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/no-meaningless-void-operator': 'error',
      '@typescript-eslint/no-duplicate-type-constituents': 'error',
      // An API marked deprecated (Node's, a dependency's) is on its way out.
      '@typescript-eslint/no-deprecated': 'error',
    },
  },
  {
    files: ['src/recognize-stream.ts', 'src/stream/**/*.ts', 'src/channels/multi-channel-stream.ts'],
    rules: {
      // The stream's typed event overloads are an interface merged into its class on purpose.
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
    },
  },
  {
    files: ['src/stream-events.ts', 'src/channels/events.ts'],
    rules: {
      // An event name the stream does not define gets EventEmitter's own (...args: any[]) listener.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['test/types/**/*.ts'],
    rules: {
      // Type tests write expressions only to look at their types (`void e`, `{} extends T`).
      '@typescript-eslint/no-meaningless-void-operator': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests stringify unknown errors on purpose (the secret crawls) and poke at internals.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },

  // ---- Boundaries. Each rule below is an error: `npm test` fails on a violation. ----
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    rules: {
      // A client module imports its own layer and the layers below (core < timing < transport <
      // auth < audio < options < api < session < diagnostics < stream < entry < metrics < redis < serve < cli), not the emulator.
      'boundaries/layers': 'error',
      // The emulator imports nothing from the client: only src/emulator, src/generated, src/vendor.
      'boundaries/emulator-apart': 'error',
    },
  },
  {
    files: CLIENT,
    ignores: NOT_CLIENT,
    rules: {
      // Only src/transport and the emulator import @grpc/grpc-js or @grpc/proto-loader; no client
      // module imports node:timers.
      '@typescript-eslint/no-restricted-imports': ['error', clientImports],
      // No client module outside the time seams and the transport calls the runtime's timers.
      'no-restricted-globals': ['error', ...timerGlobals],
      'no-restricted-properties': ['error', ...timerProperties],
    },
  },
  {
    files: ['src/metrics/**/*.ts'],
    rules: {
      // The one place OpenTelemetry is imported (the client's other rules still hold).
      '@typescript-eslint/no-restricted-imports': ['error', { paths: clientImports.paths.filter((path) => path !== OPENTELEMETRY) }],
    },
  },
  {
    files: ['src/timing/clock.ts'],
    rules: {
      // The real clock: the one client module that calls the runtime's timers.
      'no-restricted-globals': 'off',
      'no-restricted-properties': 'off',
    },
  },
  {
    files: PURE,
    ignores: NOT_PURE,
    rules: {
      // Pure logic: besides the client's rules above, no p-retry, no I/O, no real clock.
      '@typescript-eslint/no-restricted-imports': ['error', pureImports],
      // ... nor reads the time itself.
      'no-restricted-properties': ['error', ...timerProperties, ...clockReads],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pure logic is given the time.' },
        { selector: "CallExpression[callee.name='Date']", message: 'Pure logic is given the time.' },
      ],
    },
  },
  {
    files: ['src/emulator/**/*.ts'],
    rules: {
      // Nor through the package's own name.
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [SELF] }],
    },
  },
  {
    files: ['src/vendor/**/*.ts'],
    rules: {
      // Shared by the client and the emulator: the client's rules, and neither side's modules.
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [...clientImports.paths, SELF] }],
    },
  },
);
