// The one place that reads framework files from disk (the web app and the `zhiping` CLI both use it).
// Every `*.json` in the frameworks directory is one framework: `<id>.json` for the current version,
// `<id>@<version>.json` for an older version kept so stored results stay explainable. Each file is
// validated with parseFramework; a bad file is reported with its path and faults while the others load.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FrameworkError, parseFramework, type Framework } from "../../assessments";
import { parseJsonText } from "../../assessments/json-text";

export interface FrameworkFileError {
  /** Path of the file, as found in the directory. */
  file: string;
  message: string;
}

export interface LoadedFrameworks {
  dir: string;
  /** Every valid framework file, current and older versions, ordered by id then version. */
  all: Framework[];
  /** The current version of each framework (from `<id>.json`, else the highest version). */
  current: Map<string, Framework>;
  errors: FrameworkFileError[];
}

const FILE_NAME = /^([a-z0-9]+(?:[.-][a-z0-9]+)*?)(?:@([^/\\]+))?\.json$/;

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Where framework files live: ZHIPING_FRAMEWORKS_DIR when set; otherwise `assessments/frameworks` next to
 * this module's source tree (tsx, vitest) or the built server (build/index.js), or under the working directory.
 */
export function frameworksDir(): string {
  const fromEnv = process.env.ZHIPING_FRAMEWORKS_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, "../../assessments/frameworks"),
    path.resolve(here, "../assessments/frameworks"),
    path.resolve(process.cwd(), "assessments/frameworks"),
  ];
  return candidates.find(isDirectory) ?? candidates[candidates.length - 1];
}

/** Compares dotted versions numerically where both parts are numbers (1.10.0 > 1.9.0). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "0";
    const y = pb[i] ?? "0";
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    if (Number.isInteger(nx) && Number.isInteger(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Reads and validates every framework file in `dir`. No caching; see loadFrameworks. */
export function readFrameworksDir(dir: string): LoadedFrameworks {
  const result: LoadedFrameworks = { dir, all: [], current: new Map(), errors: [] };
  if (!existsSync(dir)) {
    result.errors.push({ file: dir, message: "the frameworks directory does not exist" });
    return result;
  }
  const seen = new Map<string, string>();
  const currentFile = new Map<string, Framework>();
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith(".json")) continue;
    const file = path.join(dir, name);
    const fail = (message: string) => result.errors.push({ file, message });
    const named = FILE_NAME.exec(name);
    if (!named) {
      fail('file name must be "<id>.json" or "<id>@<version>.json" with a lower-case id');
      continue;
    }
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      fail(`cannot read: ${(e as Error).message}`);
      continue;
    }
    const json = parseJsonText(text);
    if (!json.ok) {
      fail(`invalid JSON at line ${json.line}, column ${json.column}: ${json.message}`);
      continue;
    }
    const raw = json.value;
    let fw: Framework;
    try {
      fw = parseFramework(raw);
    } catch (e) {
      fail(e instanceof FrameworkError ? e.message : String(e));
      continue;
    }
    const [, fileId, fileVersion] = named;
    if (fw.id !== fileId) {
      fail(`id: the file is named for "${fileId}" but the framework's id is "${fw.id}"`);
      continue;
    }
    if (fileVersion !== undefined && fw.version !== fileVersion) {
      fail(`version: the file is named for version ${fileVersion} but the framework says ${fw.version}`);
      continue;
    }
    const key = `${fw.id}@${fw.version}`;
    const first = seen.get(key);
    if (first) {
      fail(`${fw.id} version ${fw.version} is already defined in ${first}`);
      continue;
    }
    seen.set(key, file);
    result.all.push(fw);
    if (fileVersion === undefined) currentFile.set(fw.id, fw);
  }
  result.all.sort((a, b) => a.id.localeCompare(b.id) || compareVersions(a.version, b.version));
  for (const fw of result.all) {
    const chosen = currentFile.get(fw.id);
    if (chosen) result.current.set(fw.id, chosen);
    else {
      const prev = result.current.get(fw.id);
      if (!prev || compareVersions(fw.version, prev.version) > 0) result.current.set(fw.id, fw);
    }
  }
  return result;
}

const cache = new Map<string, LoadedFrameworks>();

/** The frameworks of `dir` (default: frameworksDir()), read and validated once, then cached. */
export function loadFrameworks(options: { dir?: string; reload?: boolean } = {}): LoadedFrameworks {
  const dir = path.resolve(options.dir ?? frameworksDir());
  let loaded = cache.get(dir);
  if (!loaded || options.reload) {
    loaded = readFrameworksDir(dir);
    cache.set(dir, loaded);
  }
  return loaded;
}

/** The current version of each valid framework, ordered by id. */
export function listFrameworks(): Framework[] {
  return [...loadFrameworks().current.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** A framework by id: the given version exactly, or the current one when no version is asked for. */
export function getFramework(id: string, version?: string): Framework | null {
  const loaded = loadFrameworks();
  if (version === undefined) return loaded.current.get(id) ?? null;
  return loaded.all.find((f) => f.id === id && f.version === version) ?? null;
}

/** Forgets cached directories (tests, or after framework files changed on disk). */
export function clearFrameworkCache(): void {
  cache.clear();
}
