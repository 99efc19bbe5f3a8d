'use client';

import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { readApiProblem } from '@/lib/http/apiProblem';
import type { ApiExport } from '@/types/api';
import type { ExportFormat, ExportSize } from '@/types/exports';
import { isTerminalStatus } from '@/types/vocabulary';
import type { PrintOptions as PrintRequestOptions } from '@/lib/poster/paper';

/**
 * Exports this browser is watching: the latest status of each, polled with
 * backoff until it reaches a terminal state. Watched ids live in
 * localStorage, so a reload picks the watching up again.
 */


const FIRST_POLL_MS = 1_000;
const MAX_POLL_MS = 5_000;
const API = '/api/v1/exports';

export type ExportProblem = { code: string; message: string; retryAfterSeconds?: number };
export type Session = 'unknown' | 'signed-in' | 'signed-out';

export interface ExportState {
  /** Latest known status of each export, by id. */
  jobs: Record<string, ApiExport>;
  /** Ids still being polled (persisted). */
  watched: string[];
  /** The export the editor's panel shows (persisted). */
  currentId: string | null;
  /** The last failed request per export id; `start` for a failed `startExport`. */
  problems: Record<string, ExportProblem>;
  starting: boolean;
  session: Session;
  checkSession: () => Promise<void>;
  /** The export request (poster, format, size and any print options), sent as the API takes it. */
  startExport: (input: { poster: unknown; format: ExportFormat; size: ExportSize } & Partial<PrintRequestOptions>) => Promise<ApiExport | null>;
  cancel: (id: string) => Promise<void>;
  retry: (id: string) => Promise<void>;
  watch: (id: string) => void;
  /** Starts polling every persisted id; call once after the store is rehydrated on the client. */
  resume: () => void;
}

class ApiRequestError extends Error {
  constructor(readonly status: number, readonly problem: ExportProblem) {
    super(problem.message);
  }
}

async function call(path: string, init?: RequestInit): Promise<ApiExport> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { 'content-type': 'application/json', ...init?.headers }, cache: 'no-store' });
  } catch {
    throw new ApiRequestError(0, { code: 'network', message: 'Could not reach the server. Check your connection; we will keep trying.' });
  }
  if (res.ok) return (await res.json()) as ApiExport;
  const { code, message, retryAfterSeconds } = await readApiProblem(res);
  throw new ApiRequestError(res.status, { code, message, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });
}

const problemOf = (e: unknown): ExportProblem =>
  e instanceof ApiRequestError ? e.problem : { code: 'unexpected', message: 'Something went wrong. Try again.' };

// Polling timers are not state: one per watched id, in this module.
const timers = new Map<string, ReturnType<typeof setTimeout>>();

export const useExportStore = create<ExportState>()(
  persist(
    (set, get) => {
      const put = (job: ApiExport) =>
        set((s) => {
          const problems = { ...s.problems };
          delete problems[job.id];
          return { jobs: { ...s.jobs, [job.id]: job }, problems };
        });
      const fail = (key: string, e: unknown) => {
        if (e instanceof ApiRequestError && e.status === 401) set({ session: 'signed-out' });
        set((s) => ({ problems: { ...s.problems, [key]: problemOf(e) } }));
      };
      const unwatch = (id: string) => {
        clearTimeout(timers.get(id));
        timers.delete(id);
        set((s) => ({ watched: s.watched.filter((w) => w !== id) }));
      };

      /** One poll; the delay grows 1 s → 5 s while nothing changes and starts over when something does. */
      const poll = async (id: string, delay: number) => {
        const before = get().jobs[id];
        try {
          const job = await call(`${API}/${id}`);
          put(job);
          if (isTerminalStatus(job.status)) return unwatch(id);
          const changed = !before || before.progress !== job.progress || before.status !== job.status || before.stage !== job.stage;
          schedule(id, changed ? FIRST_POLL_MS : Math.min(MAX_POLL_MS, delay * 1.5));
        } catch (e) {
          fail(id, e);
          // Gone (another user's id, purged) or signed out: polling again cannot help.
          if (e instanceof ApiRequestError && (e.status === 401 || e.status === 404)) return unwatch(id);
          schedule(id, MAX_POLL_MS);
        }
      };
      const schedule = (id: string, delay: number) => {
        clearTimeout(timers.get(id));
        timers.set(id, setTimeout(() => void poll(id, delay), delay));
      };

      return {
        jobs: {},
        watched: [],
        currentId: null,
        problems: {},
        starting: false,
        session: 'unknown',

        checkSession: async () => {
          const res = await fetch('/api/auth/session', { cache: 'no-store' }).catch(() => null);
          const body = res?.ok ? ((await res.json().catch(() => null)) as { signedIn?: boolean } | null) : null;
          if (body) set({ session: body.signedIn ? 'signed-in' : 'signed-out' });
        },

        startExport: async (input) => {
          set((s) => {
            const problems = { ...s.problems };
            delete problems.start;
            return { starting: true, problems };
          });
          try {
            // One key per click: a POST repeated by the network creates no second export.
            const idempotencyKey = crypto.randomUUID();
            const job = await call(API, { method: 'POST', body: JSON.stringify({ ...input, idempotencyKey }) });
            put(job);
            set({ currentId: job.id, session: 'signed-in' });
            get().watch(job.id);
            return job;
          } catch (e) {
            fail('start', e);
            return null;
          } finally {
            set({ starting: false });
          }
        },

        cancel: async (id) => {
          const before = get().jobs[id];
          // Optimistic: a queued job is cancelled at once; a running one stops at its next heartbeat.
          if (before) put({ ...before, cancelRequested: true, ...(before.status === 'queued' ? { status: 'cancelled' as const } : {}) });
          try {
            const job = await call(`${API}/${id}`, { method: 'DELETE' });
            put(job);
            if (isTerminalStatus(job.status)) unwatch(id);
            else get().watch(id);
          } catch (e) {
            if (before) set((s) => ({ jobs: { ...s.jobs, [id]: before } }));
            fail(id, e);
          }
        },

        retry: async (id) => {
          try {
            const job = await call(`${API}/${id}/retry`, { method: 'POST' });
            put(job);
            get().watch(job.id);
          } catch (e) {
            fail(id, e);
          }
        },

        watch: (id) => {
          if (!get().watched.includes(id)) set((s) => ({ watched: [...s.watched, id] }));
          schedule(id, FIRST_POLL_MS);
        },

        resume: () => {
          const { watched, currentId, jobs } = get();
          for (const id of watched) if (!timers.has(id)) schedule(id, 0);
          // The panel's export may have finished while the page was closed: fetch it once to show how.
          if (currentId && !jobs[currentId] && !watched.includes(currentId)) void poll(currentId, FIRST_POLL_MS);
        },
      };
    },
    {
      name: 'carto-export:exports',
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ watched: s.watched, currentId: s.currentId }),
      // Rehydrated by the client after mount, so server and first client render agree.
      skipHydration: true,
    },
  ),
);

let resumed = false;
/** Rehydrates from localStorage and resumes polling, once per page load. */
export async function resumeExportWatching(): Promise<void> {
  if (resumed) return;
  resumed = true;
  await useExportStore.persist.rehydrate();
  useExportStore.getState().resume();
}
