// Autosave: a pause in typing saves, leaving a field saves at once, saves never overlap (an older
// one can never land after a newer one), and typing never waits on a save.
//
// A keystroke only marks the editor as changed (`touch()`): what a save sends is read from the
// fields when that save starts (`read`), so it holds everything typed until then, and the
// editor says "saved" only when no keystroke came after that reading. A save the store could
// not take (busy, disk full, read-only…) keeps the text pending and is tried again by itself;
// a save refused for its content waits for the next change.
import type { ApiError } from '../backend';
import { asApiError } from './errors';
import { readOnly } from './workspace.svelte';

export type SaveState = 'idle' | 'dirty' | 'saving' | 'saved' | 'error';

export interface AutosaverOptions<T> {
  /** Sends one snapshot to the backend; resolves once it is stored. */
  save: (value: T) => Promise<unknown>;
  /** What to store, read from the fields when a save starts (for `touch()`). */
  read?: () => T;
  /** Client-side rules checked before sending; a refusal sends nothing. */
  check?: (value: T) => ApiError | null;
  /** Pause after the last change before saving (ms). */
  delay?: number;
  /** First pause before trying again a save the store could not take (ms); it doubles up to 30 s. */
  retryDelay?: number;
  /** Whether the record already exists in the store (then the state starts as "saved"). */
  stored?: boolean;
  /**
   * A record of headquarters' own (the selection committee's sheet), not a territory's: saved
   * at headquarters too, where the territories' records are read-only.
   */
  own?: boolean;
}

/**
 * Failures that are not the content's fault: the same save may succeed later, so it is tried
 * again by itself (codes compared as text: the list of codes grows with the backend). A save
 * refused because the window locked meanwhile goes again after the unlock.
 */
const RETRIED: ReadonlySet<string> = new Set(['busy', 'disk_full', 'read_only', 'io', 'internal', 'locked']);

export function isRetried(e: ApiError | null): boolean {
  return !!e && RETRIED.has(e.code as string);
}

const live = new Set<Autosaver<any>>();

/** Saves every pending change of every open editor (route change, window close…). */
export async function flushAll(): Promise<void> {
  await Promise.all([...live].map((s) => s.flush()));
}

/**
 * A field checked when the person leaves it, not while typing (a date: `22/1` is not wrong yet):
 * the input carries `data-check-on-leave`. While it has the focus, a pause in typing refuses
 * nothing and says nothing; leaving it (the editors flush on `focusout`) checks it.
 */
function typingInFieldCheckedOnLeave(): boolean {
  if (typeof document === 'undefined') return false;
  const el = document.activeElement;
  return el instanceof HTMLElement && el.dataset.checkOnLeave !== undefined;
}

/** Whether some editor holds changes not yet stored. */
export function anyUnsaved(): boolean {
  return [...live].some((s) => s.state === 'dirty' || s.state === 'saving' || s.state === 'error');
}

export class Autosaver<T> {
  state = $state<SaveState>('idle');
  error = $state<ApiError | null>(null);
  savedAt = $state<Date | null>(null);
  /** A save the store could not take will be tried again by itself. */
  retrying = $state(false);
  readonly delay: number;
  readonly retryDelay: number;

  #save: (value: T) => Promise<unknown>;
  #read?: () => T;
  #check?: (value: T) => ApiError | null;
  /** Something changed since the last reading of the fields (or the last snapshot given). */
  #changed = false;
  /** A snapshot given with `update()`, sent instead of reading the fields. */
  #given: { value: T } | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #retries = 0;
  #inflight: Promise<void> | null = null;
  #closed = false;
  #own: boolean;

  constructor(opts: AutosaverOptions<T>) {
    this.#save = opts.save;
    this.#read = opts.read;
    this.#check = opts.check;
    this.delay = opts.delay ?? 600;
    this.retryDelay = opts.retryDelay ?? 1000;
    this.#own = opts.own ?? false;
    if (opts.stored) this.state = 'saved';
    live.add(this);
  }

  /** The fields changed: returns at once; the save follows a pause and reads them then. */
  touch(): void {
    // Headquarters reads the territories' records: nothing it does there is saved (its own
    // records excepted).
    if (readOnly() && !this.#own) return;
    this.#changed = true;
    // Setting the same state again costs nothing: the badge changes once, not at every key.
    this.state = this.#inflight ? 'saving' : 'dirty';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#run(true);
    }, this.delay);
  }

  /** A new snapshot to store (for editors without `read`): returns at once; the save follows a pause. */
  update(value: T): void {
    this.#given = { value };
    this.touch();
  }

  /** Stores the latest changes now and resolves when everything typed so far is stored. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    return this.#run();
  }

  /** Whether changes wait to be stored. */
  get pending(): boolean {
    return this.#changed || this.#inflight !== null;
  }

  /**
   * Flushes, then forgets this editor (it was closed). Changes the store could not take yet stay
   * known (window close, `flushAll`) and keep being tried until they are stored.
   */
  async dispose(): Promise<void> {
    this.#closed = true;
    try {
      await this.flush();
    } finally {
      if (!(this.#changed && this.retrying)) this.#forget();
    }
  }

  /** Drops what is pending (the record was deleted) and forgets this editor. */
  discard(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#changed = false;
    this.#given = null;
    this.#forget();
  }

  #forget(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.retrying = false;
    live.delete(this);
  }

  #snapshot(): T {
    if (this.#given) return this.#given.value;
    if (!this.#read) throw new Error('Autosaver: touch() needs a read option');
    return this.#read();
  }

  /** `paused`: run by a pause in typing (not a flush: leaving a field, a route change, a close). */
  async #run(paused = false): Promise<void> {
    for (;;) {
      if (this.#inflight) {
        await this.#inflight;
        continue;
      }
      if (!this.#changed) return;
      const value = this.#snapshot();
      const refused = this.#check?.(value) ?? null;
      if (refused && paused && typingInFieldCheckedOnLeave()) {
        // Still being typed: checked (and said) when the field is left.
        this.error = null;
        this.state = 'dirty';
        return;
      }
      if (refused) {
        // Nothing is sent; the change stays pending so that a corrected one replaces it.
        this.error = refused;
        this.state = 'error';
        this.retrying = false;
        return;
      }
      const given = this.#given;
      this.#changed = false;
      this.#given = null;
      this.state = 'saving';
      let failed: ApiError | null = null;
      this.#inflight = this.#save(value).then(
        () => {
          this.error = null;
          this.savedAt = new Date();
          this.#retries = 0;
          this.retrying = false;
          // "Saved" only when nothing was typed after the fields were read for this save.
          this.state = this.#changed ? (this.#timer ? 'dirty' : 'saving') : 'saved';
        },
        (e) => {
          failed = asApiError(e);
          this.error = failed;
          this.state = 'error';
          // Still to be stored: the next save reads the fields again (or keeps this snapshot
          // unless a newer one was given meanwhile).
          this.#changed = true;
          if (given && !this.#given) this.#given = given;
        },
      );
      try {
        await this.#inflight;
      } finally {
        this.#inflight = null;
      }
      if (failed) {
        this.#retryLater(failed);
        return;
      }
      if (this.#closed && !this.#changed) this.#forget();
      // Something typed during the save and already due (flush) goes next; otherwise the timer runs it.
      if (this.#timer) return;
    }
  }

  #retryLater(failed: ApiError): void {
    if (!isRetried(failed)) {
      // Refused for its content: nothing to try again until the next change.
      this.retrying = false;
      if (this.#closed) this.#forget();
      return;
    }
    this.retrying = true;
    if (this.#retryTimer) return;
    const wait = Math.min(this.retryDelay * 2 ** this.#retries, 30_000);
    this.#retries += 1;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#run();
    }, wait);
  }
}
