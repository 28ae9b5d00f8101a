/**
 * Files only their owner may read: the demo's generated session secret and its printed
 * credentials. writeFileSync's `mode` applies only when it creates a file, so a file that
 * was there before (copied in, restored from a backup, written by an older version, or
 * loosened by hand) kept whatever mode it had; the mode is therefore set on every write and
 * checked again on every start.
 */
import { chmodSync, existsSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

export const PRIVATE_FILE_MODE = 0o600;

export function writePrivateFile(file: string, text: string): void {
  writeFileSync(file, text, { mode: PRIVATE_FILE_MODE });
  chmodSync(file, PRIVATE_FILE_MODE);
}

/** Owner read/write only, if the file exists. */
export function keepPrivate(file: string): void {
  if (existsSync(file) && (statSync(file).mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(file, PRIVATE_FILE_MODE);
}

/** Where `npm start` saves the demo's credentials: beside the PGlite folder, in the data folder. */
export function demoCredentialsFile(dataDir: string): string {
  return path.resolve(dataDir, "demo-credentials.txt");
}

export function sessionSecretFile(dataDir: string): string {
  return path.resolve(dataDir, "session-secret");
}

/** Called on every start of the demo, not only when the files are written. */
export function keepDemoFilesPrivate(dataDir: string): void {
  keepPrivate(demoCredentialsFile(dataDir));
  keepPrivate(sessionSecretFile(dataDir));
}
