// The idle delay with fake timers: nothing before the delay, activity postpones it, it rings once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchIdle } from './idle';

describe('the idle delay', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('rings once after the delay without a key, a click or a pointer move', () => {
    const target = new EventTarget();
    const onIdle = vi.fn();
    watchIdle(target, 60_000, onIdle);
    vi.advanceTimersByTime(59_999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * 60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('each key, click, pointer move or touch starts the delay again', () => {
    const target = new EventTarget();
    const onIdle = vi.fn();
    watchIdle(target, 60_000, onIdle);
    for (const kind of ['keydown', 'pointerdown', 'pointermove', 'touchstart', 'keydown']) {
      vi.advanceTimersByTime(50_000);
      target.dispatchEvent(new Event(kind));
    }
    // 250 s have passed, never 60 s in a row without activity.
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(59_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('stopped (the window locked or the store is plain), it never rings', () => {
    const target = new EventTarget();
    const onIdle = vi.fn();
    const watch = watchIdle(target, 60_000, onIdle);
    vi.advanceTimersByTime(30_000);
    watch.stop();
    vi.advanceTimersByTime(10 * 60_000);
    expect(onIdle).not.toHaveBeenCalled();
  });

  it('an event it does not count (a scroll, a timer) does not postpone it', () => {
    const target = new EventTarget();
    const onIdle = vi.fn();
    watchIdle(target, 60_000, onIdle);
    vi.advanceTimersByTime(50_000);
    target.dispatchEvent(new Event('scroll'));
    vi.advanceTimersByTime(10_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });
});
