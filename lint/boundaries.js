/**
 * Import boundaries of src/, as ESLint rules: which module may import which. The layer table is the
 * architecture; the rules make it fail the build instead of drifting. Only relative imports are
 * checked here (packages such as @grpc/grpc-js are eslint.config.js's no-restricted-imports), and
 * type-only imports count: a type is a dependency too.
 */
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/**
 * The client's layers, lowest first. A module may import its own layer and the layers below it,
 * never one above: a lower layer that needs something of a higher one is given it (a callback, an
 * injected clock) or the shared type moves down. Entries ending in '/' are folders.
 */
export const LAYERS = [
  // Errors, result types and the debug switch: what every layer speaks.
  { name: 'core', files: ['errors.ts', 'results.ts', 'debug.ts'] },
  // The time seams (clock, scheduler) and the pacer: everything else gets time from here, injected.
  { name: 'timing', files: ['timing/'] },
  // The wire: the call interface, gRPC channels, TLS, message codecs. It knows no audio and no API.
  { name: 'transport', files: ['transport/'] },
  // Credentials and IAM tokens; they reach the IAM endpoint with the transport's TLS roots.
  { name: 'auth', files: ['auth/'] },
  // Audio in: sniffing, framing, G.711, Ogg Opus, encoders; frames laid out for the wire.
  { name: 'audio', files: ['audio/'] },
  // Every layer's options resolved in one place. It gathers the options modules of the layers above
  // it too (api-options, the session policies' defaults), so it may import up to `session`;
  // the import-graph test keeps that from ever closing a cycle.
  { name: 'options', files: ['options.ts', 'option-types.ts'], mayImportUpTo: 'session' },
  // How API v2 and v3 spell a session: messages out, results in.
  { name: 'api', files: ['api/'] },
  // One session and the policies around it: rollover, replay, gate, recovery, idle, liveness.
  { name: 'session', files: ['session/'] },
  // The diagnostics channels' names and payloads, and the probe each stream publishes them with.
  { name: 'diagnostics', files: ['diagnostics/'] },
  // The Duplex, its glue and its typed events.
  { name: 'stream', files: ['stream/', 'recognize-stream.ts', 'stream-events.ts'] },
  // Several channels of one call, each its own recognition stream, on one readable side.
  { name: 'channels', files: ['channels/'] },
  // The package's entry point.
  { name: 'entry', files: ['index.ts'] },
  // `speechkit-stream/metrics`: OpenTelemetry instruments fed by the diagnostics channels. An entry
  // of its own, never imported by the core, so only its users load @opentelemetry/api.
  { name: 'metrics', files: ['metrics/'] },
  // `speechkit-stream/redis`: the fleet's shared start limiter, an entry point of its own (its
  // ioredis is an optional peer dependency the core never loads). It implements the session layer's limiter.
  { name: 'redis', files: ['redis/'] },
  // Media-server bridges (`speechkit-stream/serve`): protocols in front of the public API.
  { name: 'serve', files: ['serve/'] },
  // The command line; the only client module that may use the emulator (through its entry).
  { name: 'cli', files: ['cli/'] },
];

/** Outside the layer order. */
const EMULATOR = 'emulator/';
const EMULATOR_ENTRY = 'emulator/index.ts';
/** Code generated from the .proto files: the messages' types, shared by api, transport and emulator. */
const GENERATED = 'generated/';
const GENERATED_USERS = new Set(['api', 'transport', 'emulator']);
/** Third-party fixes both the client and the emulator may use; they import neither. */
const VENDOR = 'vendor/';

const ORDER = LAYERS.map((layer) => layer.name);

function matches(path, files) {
  return files.some((entry) => (entry.endsWith('/') ? path.startsWith(entry) : path === entry));
}

/** The place of a path relative to src/: a layer name, 'emulator', 'generated', 'vendor' or undefined. */
export function placeOf(path) {
  if (path.startsWith(EMULATOR)) return 'emulator';
  if (path.startsWith(GENERATED)) return 'generated';
  if (path.startsWith(VENDOR)) return 'vendor';
  return LAYERS.find((layer) => matches(path, layer.files))?.name;
}

/** src-relative path of a file, or undefined outside src/. */
function inSrc(file) {
  const path = relative(SRC, file).split('\\').join('/');
  return path.startsWith('../') || path === '' || path.startsWith('/') ? undefined : path;
}

/** The src-relative .ts path a relative specifier names ('./x.js' is './x.ts' before compiling). */
function target(file, specifier) {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const path = inSrc(resolve(dirname(file), specifier));
  return path?.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts');
}

/** Calls `check(node, specifier)` for every import, re-export, dynamic import and import type. */
function importVisitors(check) {
  const literal = (node, source) => {
    if (source && source.type === 'Literal' && typeof source.value === 'string') check(node, source.value);
  };
  return {
    ImportDeclaration: (node) => literal(node, node.source),
    ExportNamedDeclaration: (node) => literal(node, node.source),
    ExportAllDeclaration: (node) => literal(node, node.source),
    ImportExpression: (node) => literal(node, node.source),
    TSImportType: (node) => literal(node, node.source ?? node.argument?.literal),
    TSExternalModuleReference: (node) => literal(node, node.expression),
  };
}

function layerVerdict(from, to, toPath) {
  if (to === 'vendor') return undefined;
  if (to === 'generated') return GENERATED_USERS.has(from) ? undefined : 'generated';
  if (to === 'emulator') return from === 'cli' && toPath === EMULATOR_ENTRY ? undefined : 'emulator';
  if (to === undefined) return 'unplaced';
  const own = LAYERS[ORDER.indexOf(from)];
  const reach = ORDER.indexOf(own.mayImportUpTo ?? from);
  return ORDER.indexOf(to) <= reach ? undefined : 'upward';
}

const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'A client module imports only its own layer and the layers below it (lint/boundaries.js LAYERS).' },
    schema: [],
    messages: {
      upward: "'{{from}}' ({{fromLayer}}) may not import '{{to}}' ({{toLayer}}): a layer imports only itself and the layers below it ({{order}}).",
      emulator: "'{{from}}' may not import '{{to}}': the client does not depend on the emulator (only src/cli may use src/emulator/index.ts).",
      generated: "'{{from}}' ({{fromLayer}}) may not import '{{to}}': generated protocol code is for api, transport and the emulator.",
      unplaced: "'{{to}}' belongs to no layer: add it to LAYERS in lint/boundaries.js.",
      fileUnplaced: "'{{from}}' belongs to no layer: add it to LAYERS in lint/boundaries.js.",
    },
  },
  create(context) {
    const from = inSrc(context.filename);
    const fromLayer = from && placeOf(from);
    if (!from || fromLayer === 'emulator' || fromLayer === 'generated' || fromLayer === 'vendor') return {};
    if (fromLayer === undefined) {
      return { Program: (node) => context.report({ node, messageId: 'fileUnplaced', data: { from } }) };
    }
    return importVisitors((node, specifier) => {
      const to = target(context.filename, specifier);
      if (!to) return;
      const toLayer = placeOf(to);
      const messageId = layerVerdict(fromLayer, toLayer, to);
      if (messageId) {
        context.report({ node, messageId, data: { from, to, fromLayer, toLayer: toLayer ?? '?', order: ORDER.join(' < ') } });
      }
    });
  },
};

const emulatorApart = {
  meta: {
    type: 'problem',
    docs: { description: 'The emulator imports nothing from the client; vendor code imports neither.' },
    schema: [],
    messages: {
      client: "'{{from}}' may not import '{{to}}': the emulator imports nothing from the client (only src/emulator, src/generated and src/vendor).",
      vendor: "'{{from}}' may not import '{{to}}': src/vendor is shared by the client and the emulator and imports neither.",
    },
  },
  create(context) {
    const from = inSrc(context.filename);
    const place = from && placeOf(from);
    if (place !== 'emulator' && place !== 'vendor') return {};
    return importVisitors((node, specifier) => {
      const to = target(context.filename, specifier);
      if (!to) return;
      const toPlace = placeOf(to);
      const allowed = place === 'emulator' ? ['emulator', 'generated', 'vendor'] : ['vendor'];
      if (!allowed.includes(toPlace)) context.report({ node, messageId: place === 'emulator' ? 'client' : 'vendor', data: { from, to } });
    });
  },
};

export default { meta: { name: 'boundaries' }, rules: { layers, 'emulator-apart': emulatorApart } };
