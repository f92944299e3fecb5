// `speechkit-stream/serve`: servers that take calls in the protocols media servers already speak,
// recognize each call (each track) with its own stream, and report every result as a line.

export { createTwilioServer, type TwilioServerOptions } from './twilio.js';
export { createAudioSocketServer, type AudioSocketServerOptions } from './audiosocket.js';
export { createAudioForkServer, type AudioForkServerOptions, type MixType } from './audio-fork.js';
export { createJambonzServer, type JambonzServerOptions } from './jambonz.js';
export { createBrowserServer } from './browser.js';
export type { ServeOptions } from './options.js';
export type { ServeProtocol, ServeServer } from './server-types.js';
export type { ServeLine, ResultLine, DtmfLine, EndLine, ErrorLine } from './lines.js';
export { ServeErrorCodes, ServeError, type ServeErrorCode } from './errors.js';
export { createWebhook, type Webhook, type WebhookOptions } from './webhook.js';
