// The idle delay: after `delayMs` with no key, click, pointer move, touch or wheel on `target`,
// `onIdle` runs once (the window then saves and locks, see session.svelte.ts). Pure timing, no
// backend: tested with fake timers (idle.test.ts).

/** What counts as someone at the keyboard. */
export const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'mousedown', 'mousemove', 'touchstart', 'wheel', 'input'] as const;

export interface IdleWatch {
  /** Stops watching (the timer and the listeners go). */
  stop(): void;
}

/**
 * Runs `onIdle` once `delayMs` passed without activity. An activity only notes the time (a
 * pointer move fires often); the one timer, when it rings early, waits for the rest.
 */
export function watchIdle(target: EventTarget, delayMs: number, onIdle: () => void, now: () => number = () => Date.now()): IdleWatch {
  let last = now();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const activity = () => {
    last = now();
  };
  const arm = (wait: number) => {
    timer = setTimeout(ring, Math.max(0, wait));
  };
  function ring() {
    timer = null;
    if (stopped) return;
    const left = last + delayMs - now();
    if (left > 0) return arm(left);
    stop();
    onIdle();
  }
  function stop() {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = null;
    for (const e of ACTIVITY_EVENTS) target.removeEventListener(e, activity, true);
  }
  for (const e of ACTIVITY_EVENTS) target.addEventListener(e, activity, { capture: true, passive: true });
  arm(delayMs);
  return { stop };
}
