// Helpers of the preview tests (one machine and a swarm): a WebSocket through a preview.
import WebSocket from 'ws';

/** Opens a WebSocket to the preview's app with its grant, sends `text` and resolves with what comes back, and the open socket. */
export async function echoOverWebSocket(origin: string, grant: string, text: string): Promise<{ echoed: string; socket: WebSocket }> {
  const socket = new WebSocket(`${origin.replace('http', 'ws')}/socket`, { headers: { cookie: grant } });
  const echoed = await new Promise<string>((resolve, reject) => {
    socket.once('open', () => socket.send(text));
    socket.once('message', (data) => resolve(String(data)));
    socket.once('error', reject);
  });
  return { echoed, socket };
}
