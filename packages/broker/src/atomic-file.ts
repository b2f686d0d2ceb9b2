import { open, rename } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Replaces `file` so that a crash leaves either the old or the new content,
 * never a mix: write a temp file, fsync it, rename over, fsync the folder
 * (the rename itself lives in the directory entry).
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
