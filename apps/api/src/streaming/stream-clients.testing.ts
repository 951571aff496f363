import { WebSocket } from 'ws';

/** What a client receives: Mastodon's frame, its payload parsed (a string for `delete`). */
export interface Received {
  stream?: string[];
  event?: string;
  payload?: unknown;
  error?: string;
  status?: number;
}

/** Waits for the frames a test expects, in arrival order; fails with what did arrive instead. */
class Inbox {
  private readonly frames: Received[] = [];
  private waiter?: () => void;

  push(frame: Received): void {
    this.frames.push(frame);
    this.waiter?.();
  }

  /** The next frame matching `wanted`, skipping (and returning in `skipped`) the others. */
  async next(
    wanted: (frame: Received) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Received & { skipped: Received[] }> {
    const skipped: Received[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.frames.length > 0) {
        const frame = this.frames.shift()!;
        if (wanted(frame)) return { ...frame, skipped };
        skipped.push(frame);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(skipped)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

function parsed(frame: Received): Received {
  if (typeof frame.payload === 'string' && frame.event !== 'delete') {
    return { ...frame, payload: JSON.parse(frame.payload) as unknown };
  }
  return frame;
}

export interface SocketClient extends Inbox {
  readonly socket: WebSocket;
  send(message: object): void;
  closed: Promise<{ code: number }>;
}

/** A WebSocket client of `/api/v1/streaming` (query and headers as given); resolves when open. */
export async function openSocket(
  base: string,
  query: string,
  options: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<SocketClient> {
  const url = `${base.replace(/^http/, 'ws')}/api/v1/streaming${query}`;
  const socket = new WebSocket(url, options.protocols, { headers: options.headers });
  const inbox = new Inbox();
  socket.on('message', (data) => inbox.push(parsed(JSON.parse(String(data)) as Received)));
  const closed = new Promise<{ code: number }>((resolve) =>
    socket.once('close', (code) => resolve({ code })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`HTTP ${response.statusCode}`)),
    );
  });
  return Object.assign(inbox, {
    socket,
    closed,
    send: (message: object) => socket.send(JSON.stringify(message)),
  }) as unknown as SocketClient;
}

export interface EventSourceClient extends Inbox {
  readonly status: number;
  readonly headers: Headers;
  /** Comment lines (`:)`, `:thump`) seen so far. */
  readonly comments: string[];
  close(): void;
}

/** A Server-Sent Events client of `path` (fetch, so status and headers can be checked). */
export async function openEventSource(
  base: string,
  path: string,
  token?: string,
): Promise<EventSourceClient> {
  const abort = new AbortController();
  const response = await fetch(`${base}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: abort.signal,
  });
  const inbox = new Inbox();
  const comments: string[] = [];
  if (response.ok && response.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      let event: string | undefined;
      try {
        for await (const chunk of response.body!) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          let newline: number;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            if (line.startsWith(':')) comments.push(line);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) {
              inbox.push(parsed({ event, payload: line.slice(6) }));
              event = undefined;
            }
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  }
  return Object.assign(inbox, {
    status: response.status,
    headers: response.headers,
    comments,
    close: () => abort.abort(),
  }) as unknown as EventSourceClient;
}
