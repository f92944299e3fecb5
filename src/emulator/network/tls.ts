import { ServerCredentials } from '@grpc/grpc-js';

/** PEM certificate chain and private key: the emulator then serves gRPC (and IAM) over TLS. */
export interface EmulatorTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
}

/** The gRPC server's credentials: TLS with the given certificate, else plaintext. */
export function grpcServerCredentials(tls: EmulatorTlsOptions | undefined): ServerCredentials {
  return tls
    ? ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }], false)
    : ServerCredentials.createInsecure();
}
