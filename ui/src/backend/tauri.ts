// The only module of the front end that talks to Tauri: the transport of the application. Each
// call is one `invoke` of the command of that name (core's dispatch runs it); a command that
// reports progress gets a channel as `onProgress`. Top-level arguments are camelCase; fields
// inside `request` objects are snake_case (serde).
import { Channel, invoke } from '@tauri-apps/api/core';
import { getCurrentWindow } from '@tauri-apps/api/window';
import { openPath } from '@tauri-apps/plugin-opener';
import type { Transport } from './client';
import type { ApiError, ErrorCode } from './types';

/** Every rejection becomes an ApiError whose French message can be shown as is. */
function normalise(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as { code?: string; message: string; field?: string | null };
    return { code: (o.code ?? 'internal') as ErrorCode, message: String(o.message), field: o.field ?? null };
  }
  return { code: 'internal', message: typeof e === 'string' ? e : 'erreur inattendue de l\u2019application', field: null };
}

export const tauriTransport: Transport = {
  async call(command, args, onProgress) {
    const payload: { [name: string]: unknown } = { ...args };
    if (onProgress) {
      const channel = new Channel<Parameters<typeof onProgress>[0]>();
      channel.onmessage = onProgress;
      payload.onProgress = channel;
    }
    try {
      return await invoke(command, payload);
    } catch (e) {
      throw normalise(e);
    }
  },
  async chooseFile(choice) {
    // The dialog plugin's own commands (the capability grants `open` and `save` only).
    const options = {
      title: choice.title,
      defaultPath: choice.defaultPath,
      filters: choice.filters,
      ...(choice.mode === 'save' ? {} : { directory: choice.mode === 'folder', multiple: !!choice.multiple }),
    };
    try {
      const chosen = await invoke<string | string[] | null>(choice.mode === 'save' ? 'plugin:dialog|save' : 'plugin:dialog|open', { options });
      return Array.isArray(chosen) ? chosen : chosen ? [chosen] : [];
    } catch (e) {
      throw normalise(e);
    }
  },
  async openPath(path) {
    // The opener plugin's `open_path` (the capability scopes it to DOCX files).
    try {
      await openPath(path);
    } catch (e) {
      throw normalise(e);
    }
  },
  guardClose(beforeClose) {
    // Tauri awaits this handler, then destroys the window unless it was prevented: the pending
    // save lands first.
    getCurrentWindow()
      .onCloseRequested(async (event) => {
        // Never keep a window open forever: a save stuck for 10 s gives way to the close.
        const mayClose = await Promise.race([
          beforeClose().catch(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 10_000)),
        ]);
        if (!mayClose) event.preventDefault();
      })
      .catch(() => {});
  },
};
