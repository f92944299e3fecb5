/**
 * The captions page: a Start button, the session's status, the partial being spoken (live, in grey)
 * and the finals as they come. Microphone → AudioWorklet (resampled to 16 kHz PCM, see
 * browser-worklet.ts) → this server's WebSocket; results back on the same socket.
 */
export function captionsPage(wsPath: string, workletPath: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>speechkit-stream · live captions</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
  header { display: flex; align-items: center; gap: 1rem; }
  h1 { font-size: 1.3rem; margin: 0; flex: 1; }
  button { font-size: 1rem; padding: .45rem 1.2rem; border-radius: .4rem; border: 1px solid #888; cursor: pointer; }
  #status { font-size: .85rem; padding: .2rem .6rem; border-radius: 1rem; background: #8884; }
  #status[data-state="listening"] { background: #2a84; }
  #status[data-state="error"] { background: #d334; }
  #captions { margin-top: 1.5rem; min-height: 12rem; border: 1px solid #8886; border-radius: .5rem; padding: 1rem; font-size: 1.4rem; line-height: 1.5; }
  #finals p { margin: 0 0 .3rem; }
  #finals time { color: #888; font-size: .8rem; margin-right: .6rem; font-variant-numeric: tabular-nums; }
  #partial { color: #888; font-style: italic; min-height: 2rem; }
  #detail { color: #888; font-size: .8rem; margin-top: .6rem; }
</style>
</head>
<body>
<header>
  <h1>Live captions</h1>
  <span id="status" data-state="idle">idle</span>
  <button id="toggle" type="button">Start</button>
</header>
<section id="captions" aria-live="polite">
  <div id="finals"></div>
  <div id="partial"></div>
</section>
<div id="detail"></div>
<script type="module">
const WS_PATH = ${JSON.stringify(wsPath)};
const WORKLET = ${JSON.stringify(workletPath)};
const $ = (id) => document.getElementById(id);
let session;

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status').textContent = text ?? state;
}

function seconds(ms) {
  return ms === undefined ? '' : (ms / 1000).toFixed(1) + ' s';
}

async function start() {
  $('finals').textContent = '';
  $('partial').textContent = '';
  setStatus('connecting');
  const media = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const context = new AudioContext();
  await context.audioWorklet.addModule(WORKLET);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(scheme + '//' + location.host + WS_PATH);
  ws.binaryType = 'arraybuffer';
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error('the server could not be reached'));
  });
  ws.send(JSON.stringify({ type: 'start', sampleRateHertz: 16000 }));
  const source = context.createMediaStreamSource(media);
  const worklet = new AudioWorkletNode(context, 'pcm-16k');
  // A worklet is run only while connected towards the destination; it is muted there.
  const mute = context.createGain();
  mute.gain.value = 0;
  source.connect(worklet).connect(mute).connect(context.destination);
  worklet.port.onmessage = (event) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(event.data);
  };
  ws.onmessage = (event) => show(JSON.parse(event.data));
  ws.onclose = () => {
    if ($('status').dataset.state !== 'error') setStatus('ended');
    $('toggle').textContent = 'Start';
    release();
  };
  const release = () => {
    media.getTracks().forEach((t) => t.stop());
    void context.close().catch(() => undefined);
  };
  session = { ws, release };
  $('detail').textContent = 'microphone at ' + context.sampleRate + ' Hz, sent as 16 kHz PCM';
  $('toggle').textContent = 'Stop';
}

function show(message) {
  if (message.type === 'status') {
    setStatus('listening', 'listening');
    $('detail').textContent += ' · call ' + message.call;
  } else if (message.type === 'partial') {
    $('partial').textContent = message.text;
  } else if (message.type === 'final') {
    const p = document.createElement('p');
    const time = document.createElement('time');
    time.textContent = seconds(message.startMs);
    p.append(time, message.text);
    $('finals').append(p);
    $('partial').textContent = '';
  } else if (message.type === 'error') {
    setStatus('error', 'error: ' + message.code);
    $('detail').textContent = message.message;
  } else if (message.type === 'end') {
    setStatus('ended');
  }
}

function stop() {
  if (!session) return;
  setStatus('finishing');
  if (session.ws.readyState === WebSocket.OPEN) session.ws.send(JSON.stringify({ type: 'stop' }));
  session = undefined;
}

$('toggle').addEventListener('click', () => {
  if (session) stop();
  else start().catch((error) => {
    setStatus('error', 'error');
    $('detail').textContent = error.message;
    session = undefined;
  });
});
</script>
</body>
</html>
`;
}
