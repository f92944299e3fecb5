import type { FakeClock } from './fake-clock.js';

/**
 * One process's connection to a {@link FakeRedis}. `state`: 'up' answers after `latencyMs`;
 * 'refusing' fails each command after the latency (a closed port); 'silent' never answers (a
 * host that went away, or a cut cable). `latency` may draw a new delay per command.
 */
export class FakeRedisClient {
  state: 'up' | 'refusing' | 'silent' = 'up';
  latencyMs = 1;
  latency: (() => number) | undefined;
  /** How long an answer takes to be read after the command ran (it ran on time, its answer sat unread). */
  replyDelayMs = 0;
  /** One connection keeps order, as TCP does: a command never runs before one sent ahead of it. */
  private lastRunAt = -Infinity;

  constructor(
    private readonly server: FakeRedis,
    private readonly clock: FakeClock,
  ) {}

  call(command: string, args: (string | number)[]): Promise<unknown> {
    const op = command === 'EVALSHA' || command === 'EVAL' ? String(args[4]) : undefined;
    this.server.commands.push({ at: this.clock.now(), command, op, client: this });
    const state = this.state;
    return new Promise((resolve, reject) => {
      if (state === 'silent') return;
      const runAt = Math.max(this.clock.now() + (this.latency?.() ?? this.latencyMs), this.lastRunAt);
      this.lastRunAt = runAt;
      this.clock.setTimeout(() => {
        if (state === 'refusing') {
          reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
          return;
        }
        let answer: unknown;
        try {
          answer = this.server.execute(command, args);
        } catch (error) {
          reject(error);
          return;
        }
        if (this.replyDelayMs > 0) this.clock.setTimeout(() => resolve(answer), this.replyDelayMs);
        else resolve(answer);
      }, runAt - this.clock.now());
    });
  }
}

/**
 * A stand-in Redis server for the fleet limiter's unit tests, on fake time: it does what the
 * start script (src/redis/script.ts) does, in memory, with its own clock (`serverOffsetMs` away
 * from the fake clock, as another machine's would be). Commands run when they arrive (after the
 * client's latency). The real script runs against a real redis-server in test/redis.
 */
export class FakeRedis {
  serverOffsetMs = 1_700_000_000_000;
  /** The script is not loaded until an EVAL (as after a restart). */
  scriptLoaded = false;
  /** Every command, in arrival order, with its time on the fake clock. */
  readonly commands: { at: number; command: string; op: string | undefined; client: FakeRedisClient }[] = [];
  /** Slots handed out: server µs. */
  readonly reservations: number[] = [];
  private tat = 0;
  readonly leases = new Map<string, number>();

  constructor(private readonly clock: FakeClock) {}

  /** Server time, µs. */
  nowUs(): number {
    return Math.round((this.clock.now() + this.serverOffsetMs) * 1000);
  }

  /** Leases alive now. */
  liveLeases(): number {
    const now = this.nowUs();
    return [...this.leases.values()].filter((until) => until > now).length;
  }

  /** Moves the schedule on as `count` reservations of another process would (not in `reservations`). */
  occupy(count: number, intervalUs: number): void {
    this.tat = Math.max(this.tat, this.nowUs()) + count * intervalUs;
  }

  /** Forgets everything, as a restarted server without persistence does. */
  restart(): void {
    this.tat = 0;
    this.leases.clear();
    this.scriptLoaded = false;
  }

  /** A new connection. */
  connect(): FakeRedisClient {
    return new FakeRedisClient(this, this.clock);
  }

  execute(command: string, args: (string | number)[]): unknown {
    if (command === 'SCRIPT') {
      this.scriptLoaded = true;
      return 'sha';
    }
    if (command === 'ZREM') {
      for (const lease of args.slice(1)) this.leases.delete(String(lease));
      return 1;
    }
    if (command === 'EVALSHA' && !this.scriptLoaded) throw new Error('NOSCRIPT No matching script. Please use EVAL.');
    if (command === 'EVAL') this.scriptLoaded = true;
    if (command !== 'EVALSHA' && command !== 'EVAL') throw new Error(`ERR unknown command '${command}'`);
    const argv = args.slice(4).map(String);
    const now = this.nowUs();
    if (argv[0] === 'reserve') {
      const [interval, cap, ttl] = [Number(argv[1]), Number(argv[2]), Number(argv[4])];
      if (cap > 0) {
        for (const [id, until] of this.leases) if (until <= now) this.leases.delete(id);
        if (this.leases.size >= cap) return [0, Math.min(...this.leases.values()), now];
      }
      const slot = Math.max(this.tat, now);
      this.tat = slot + interval;
      this.reservations.push(slot);
      if (cap > 0) this.leases.set(argv[3]!, slot + ttl);
      return [1, slot, now];
    }
    if (argv[0] === 'renew') {
      const ttl = Number(argv[1]);
      for (const id of argv.slice(2)) this.leases.set(id, now + ttl);
      return [2, 0, now];
    }
    return [2, 0, now];
  }
}
