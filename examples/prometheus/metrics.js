// @ts-check
// The Prometheus side of speechkit-stream's metrics: an OpenTelemetry MeterProvider whose reader is
// the OpenTelemetry Prometheus exporter, fed by instrumentSpeechKit(), served at /metrics.
//
//   npm install speechkit-stream @opentelemetry/api @opentelemetry/sdk-metrics @opentelemetry/exporter-prometheus
import { createServer } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { instrumentSpeechKit } from 'speechkit-stream/metrics';

/**
 * Serves every stream's metrics in Prometheus's text format at `http://host:port/metrics`.
 * The exporter does not start a server of its own (`preventServerStart`): the application
 * serves its handler, so the endpoint can share a port with the app's other routes (and port 0
 * works in tests).
 *
 * @param {{ port?: number, host?: string }} [options]
 */
export async function startMetricsEndpoint({ port = 9464, host = '127.0.0.1' } = {}) {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const instrumentation = instrumentSpeechKit({ meterProvider });
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/metrics') exporter.getMetricsRequestHandler(request, response);
    else response.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(port, host, () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://${host}:${address.port}/metrics`,
    async close() {
      instrumentation.unsubscribe();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await meterProvider.shutdown();
    },
  };
}
