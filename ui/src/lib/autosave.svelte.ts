// Autosave: a pause in typing saves, a flush saves at once, saves never overlap (an older one can
// never land after a newer one), and typing never waits on a save.
import type { ApiError } from '../backend';
import { asApiError } from './errors';

export type SaveState = 'idle' | 'dirty' | 'saving' | 'saved' | 'error';

export interface AutosaverOptions<T> {
  /** Sends one snapshot to the backend; resolves once it is stored. */
  save: (value: T) => Promise<unknown>;
  /** Client-side rules checked before sending; a refusal sends nothing. */
  check?: (value: T) => ApiError | null;
  /** Pause after the last change before saving (ms). */
  delay?: number;
  /** Whether the record already exists in the store (then the state starts as "saved"). */
  stored?: boolean;
}

const live = new Set<Autosaver<any>>();

/** Saves every pending change of every open editor (route change, window close…). */
export async function flushAll(): Promise<void> {
  await Promise.all([...live].map((s) => s.flush()));
}

/** Whether some editor holds changes not yet stored. */
export function anyUnsaved(): boolean {
  return [...live].some((s) => s.state === 'dirty' || s.state === 'saving' || s.state === 'error');
}

export class Autosaver<T> {
  state = $state<SaveState>('idle');
  error = $state<ApiError | null>(null);
  savedAt = $state<Date | null>(null);
  readonly delay: number;

  #save: (value: T) => Promise<unknown>;
  #check?: (value: T) => ApiError | null;
  #pending: { value: T } | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #inflight: Promise<void> | null = null;

  constructor(opts: AutosaverOptions<T>) {
    this.#save = opts.save;
    this.#check = opts.check;
    this.delay = opts.delay ?? 600;
    if (opts.stored) this.state = 'saved';
    live.add(this);
  }

  /** A new snapshot to store: returns at once; the save follows a pause. */
  update(value: T): void {
    this.#pending = { value };
    this.state = this.#inflight ? 'saving' : 'dirty';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#run();
    }, this.delay);
  }

  /** Stores the latest snapshot now and resolves when everything typed so far is stored. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    return this.#run();
  }

  /** Whether a snapshot waits to be stored. */
  get pending(): boolean {
    return this.#pending !== null || this.#inflight !== null;
  }

  /** Flushes, then forgets this editor (it was closed). */
  async dispose(): Promise<void> {
    try {
      await this.flush();
    } finally {
      live.delete(this);
    }
  }

  /** Drops what is pending (the record was deleted) and forgets this editor. */
  discard(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = null;
    live.delete(this);
  }

  async #run(): Promise<void> {
    for (;;) {
      if (this.#inflight) {
        await this.#inflight;
        continue;
      }
      const next = this.#pending;
      if (!next) return;
      const refused = this.#check?.(next.value) ?? null;
      if (refused) {
        // Nothing is sent; the snapshot stays pending so that a corrected one replaces it.
        this.error = refused;
        this.state = 'error';
        return;
      }
      this.#pending = null;
      this.state = 'saving';
      let failed = false;
      this.#inflight = this.#save(next.value).then(
        () => {
          this.error = null;
          this.savedAt = new Date();
          this.state = this.#pending ? (this.#timer ? 'dirty' : 'saving') : 'saved';
        },
        (e) => {
          failed = true;
          this.error = asApiError(e);
          this.state = 'error';
          // Keep what was refused unless something newer was typed meanwhile.
          if (!this.#pending) this.#pending = next;
        },
      );
      try {
        await this.#inflight;
      } finally {
        this.#inflight = null;
      }
      if (failed) return;
      // Something typed during the save and already due (flush) goes next; otherwise the timer runs it.
      if (this.#timer) return;
    }
  }
}
