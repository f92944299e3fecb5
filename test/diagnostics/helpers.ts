import diagnosticsChannel from 'node:diagnostics_channel';
import { DiagnosticsChannels, type DiagnosticsChannelName, type DiagnosticsMessages } from '../../src/diagnostics/channels.js';

export type Heard = { [N in DiagnosticsChannelName]: { name: N; message: DiagnosticsMessages[N] } }[DiagnosticsChannelName];

/** Subscribes to every channel (or those named) and keeps what they publish, in order, until `stop()`. */
export function listen(names: readonly DiagnosticsChannelName[] = Object.values(DiagnosticsChannels)) {
  const heard: Heard[] = [];
  const subscriptions = names.map((name) => {
    const onMessage = (message: unknown) => heard.push({ name, message } as Heard);
    diagnosticsChannel.subscribe(name, onMessage);
    return () => diagnosticsChannel.unsubscribe(name, onMessage);
  });
  return {
    heard,
    /** The payloads published to `name`. */
    of<N extends DiagnosticsChannelName>(name: N): DiagnosticsMessages[N][] {
      return heard.filter((h) => h.name === name).map((h) => h.message as DiagnosticsMessages[N]);
    },
    stop() {
      for (const leave of subscriptions) leave();
    },
  };
}
