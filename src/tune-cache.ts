import type { ConcreteAlgorithm } from './params';
import type { GemmKernel } from './plans/gemm';

/** What the autotuner decided for one shape class on one adapter. */
export interface TuneEntry {
  algorithm: ConcreteAlgorithm;
  gemmKernel: GemmKernel;
  /** Time of the winner, ms (the fastest of its runs; of its final rounds where there were finals), and the workspace it needs. */
  ms: number;
  workspaceBytes: number;
  /** Every candidate timed, for reports: `${algorithm}/${kernel}` → fastest run, ms (Infinity when it failed). */
  candidates: Record<string, number>;
  /** The fastest few, timed again in interleaved rounds (the winner is the fastest of these): name → fastest round, ms. */
  finals?: Record<string, number>;
}

/** Where tuning results outlive the engine: a JSON file in Node, IndexedDB in a browser. */
export interface TuneStore {
  load(adapter: string): Promise<Record<string, TuneEntry>>;
  save(adapter: string, entries: Record<string, TuneEntry>): Promise<void>;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** Node: $MEC_WEBGPU_TUNE_CACHE, else ~/.cache/mec-webgpu/tune.json, one object per adapter. */
function fileStore(): TuneStore {
  const path = async () => {
    const os = await import(/* @vite-ignore */ 'node:os');
    const p = await import(/* @vite-ignore */ 'node:path');
    return process.env.MEC_WEBGPU_TUNE_CACHE ?? p.join(os.homedir(), '.cache', 'mec-webgpu', 'tune.json');
  };
  const readAll = async (file: string): Promise<Record<string, Record<string, TuneEntry>>> => {
    const fs = await import(/* @vite-ignore */ 'node:fs/promises');
    try {
      return JSON.parse(await fs.readFile(file, 'utf8'));
    } catch {
      return {}; // missing or unreadable: tuning starts over, nothing is lost but time
    }
  };
  return {
    async load(adapter) {
      return (await readAll(await path()))[adapter] ?? {};
    },
    async save(adapter, entries) {
      const fs = await import(/* @vite-ignore */ 'node:fs/promises');
      const p = await import(/* @vite-ignore */ 'node:path');
      const file = await path();
      const all = await readAll(file);
      all[adapter] = entries;
      await fs.mkdir(p.dirname(file), { recursive: true });
      await fs.writeFile(file, `${JSON.stringify(all, null, 1)}\n`);
    },
  };
}

function indexedDbStore(): TuneStore {
  const open = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('mec-webgpu', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('tune');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const run = async <T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest<T>) => {
    const db = await open();
    return new Promise<T>((resolve, reject) => {
      const request = op(db.transaction('tune', mode).objectStore('tune'));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }).finally(() => db.close());
  };
  return {
    async load(adapter) {
      return ((await run('readonly', (s) => s.get(adapter))) as Record<string, TuneEntry> | undefined) ?? {};
    },
    async save(adapter, entries) {
      await run('readwrite', (s) => s.put(entries, adapter));
    },
  };
}

/** Keeps nothing: for engines created with { tuneCache: false }. */
export const kMemoryTuneStore: TuneStore = { load: async () => ({}), save: async () => {} };

export function defaultTuneStore(): TuneStore {
  if (typeof indexedDB !== 'undefined') return indexedDbStore();
  if (isNode) return fileStore();
  return kMemoryTuneStore;
}
