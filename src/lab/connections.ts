// The lab's client side, run in the lab's own process: bounded bursts of short connections,
// held connections, and single connection attempts that report what the server did.

import { connect, type Socket } from 'node:net';

export interface Target {
  host: string;
  port: number;
  /** Loopback address the client binds to, so the server sees connections "from that client". */
  localAddress: string;
}

/** What happened to one connection attempt. */
export type AttemptOutcome = 'closed-by-server' | 'reset' | 'refused' | 'timeout' | 'still-open';

export interface Attempt {
  outcome: AttemptOutcome;
  /** Milliseconds from the start of the attempt to the outcome. */
  afterMs: number;
}

/**
 * Connects once and waits up to `timeoutMs` for the server to end the connection.
 * 'still-open' means the server kept it; the socket is closed afterwards either way.
 */
export function attempt(target: Target, timeoutMs: number): Promise<Attempt> {
  const started = Date.now();
  return new Promise<Attempt>((resolve) => {
    const socket = connect({ host: target.host, port: target.port, localAddress: target.localAddress });
    let done = false;
    const finish = (outcome: AttemptOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ outcome, afterMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(socket.remotePort ? 'still-open' : 'timeout'), timeoutMs);
    socket.on('end', () => finish('closed-by-server'));
    socket.on('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'refused' : err.code === 'ECONNRESET' ? 'reset' : 'timeout'));
    socket.on('close', () => finish('closed-by-server'));
  });
}

export interface BurstResult {
  attempts: number;
  closedByServer: number;
  failed: number;
  elapsedMs: number;
}

/**
 * Runs at most `total` attempts, `concurrency` at a time, and stops at `deadlineMs` whatever
 * the count: the load is bounded in both.
 */
export async function burst(target: Target, total: number, concurrency: number, deadlineMs: number, timeoutMs = 2000): Promise<BurstResult> {
  const started = Date.now();
  const result: BurstResult = { attempts: 0, closedByServer: 0, failed: 0, elapsedMs: 0 };
  const worker = async (): Promise<void> => {
    while (result.attempts < total && Date.now() - started < deadlineMs) {
      result.attempts++;
      const { outcome } = await attempt(target, timeoutMs);
      if (outcome === 'closed-by-server') result.closedByServer++;
      else result.failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  result.elapsedMs = Date.now() - started;
  return result;
}

export interface HeldConnections {
  sockets: Socket[];
  /** How many completed the handshake. */
  connected(): number;
  closeAll(): void;
}

/**
 * Opens `count` connections and keeps them. Resolves when all are connected or after `waitMs`,
 * whichever is first; connections still in SYN-SENT stay pending (the kernel retries them).
 */
export async function hold(target: Target, count: number, waitMs: number, keepAliveMs?: number): Promise<HeldConnections> {
  let connected = 0;
  const sockets: Socket[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    for (let i = 0; i < count; i++) {
      const socket = connect({ host: target.host, port: target.port, localAddress: target.localAddress });
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.on('connect', () => {
        if (keepAliveMs !== undefined) socket.setKeepAlive(true, keepAliveMs);
        if (++connected === count) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
  return {
    sockets,
    connected: () => connected,
    closeAll() {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** Gracefully closes each socket (FIN) and waits until all are closed or `waitMs` has passed. */
export async function closeGracefully(sockets: Socket[], waitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.destroyed) return resolve();
            socket.once('close', () => resolve());
            socket.end();
            // The server never answers our FIN with its own: drop our side once our FIN is out.
            socket.once('finish', () => socket.destroy());
          }),
      ),
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs))),
  ]);
  clearTimeout(timer);
}

/**
 * One request as an HTTP/1.0 client makes it: connect, send a line, read the answer until the
 * server closes. 'closed-by-server' after an answer; the socket is gone either way.
 */
export function request(target: Target, timeoutMs: number): Promise<Attempt & { answered: boolean }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port, localAddress: target.localAddress });
    let answered = false;
    let done = false;
    const finish = (outcome: AttemptOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ outcome, afterMs: Date.now() - started, answered });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('connect', () => socket.write('GET /status\n'));
    socket.on('data', () => (answered = true));
    // Our side closes only after the server's FIN: the server makes the active close.
    socket.on('end', () => finish('closed-by-server'));
    socket.on('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'refused' : err.code === 'ECONNRESET' ? 'reset' : 'timeout'));
    socket.on('close', () => finish('closed-by-server'));
  });
}

export interface LoopBounds {
  /** Workers running side by side. */
  workers: number;
  /** Pause of each worker between two connections. */
  pauseMs: number;
  maxConnections: number;
  maxMs: number;
}

export interface BackgroundLoop {
  /** Connections made so far. */
  made(): number;
  stop(): Promise<void>;
}

/** Runs `once` over and over in the background, paced and bounded in count and time, until stop(). */
export function backgroundLoop(bounds: LoopBounds, once: () => Promise<unknown>): BackgroundLoop {
  const started = Date.now();
  let made = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && made < bounds.maxConnections && Date.now() - started < bounds.maxMs) {
      made++;
      await once();
      if (bounds.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, bounds.pauseMs));
    }
  };
  const running = Promise.all(Array.from({ length: bounds.workers }, worker));
  return {
    made: () => made,
    async stop() {
      stopped = true;
      await running;
    },
  };
}
