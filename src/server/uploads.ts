import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import { toJsonText } from './serialize.js';

/**
 * An upload saved to a private temporary folder for an importer to read: multipart `file` parts
 * (one JSON document, or the CSV files of a folder format, each under its own base name) with an
 * optional `format` field; or a JSON body (the document itself). `cleanup` deletes the folder.
 */
export interface Upload {
  path: string;
  /** what error messages call the upload (its file name) */
  label: string;
  dir: string;
  format?: string;
  cleanup: () => void;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,120}$/;
const FORMAT = /^[a-z0-9-]{1,40}$/;

export async function saveUpload(req: FastifyRequest): Promise<Upload> {
  const dir = mkdtempSync(join(tmpdir(), 'trustmap-upload-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (!req.isMultipart()) {
      if (req.body === undefined || req.body === null || typeof req.body !== 'object')
        throw new ApiError(
          400,
          'bad_request',
          'send the document as a JSON body or as multipart field `file`',
        );
      const path = join(dir, 'upload.json');
      writeFileSync(path, toJsonText(req.body));
      return { path, label: 'upload.json', dir, cleanup };
    }
    const names: string[] = [];
    let format: string | undefined;
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        if (part.fieldname !== 'format')
          throw new ApiError(400, 'validation_failed', 'unknown field', `/body/${part.fieldname}`);
        const v = String(part.value);
        if (!FORMAT.test(v))
          throw new ApiError(400, 'validation_failed', 'not a format name', '/body/format');
        format = v;
        continue;
      }
      if (part.fieldname !== 'file')
        throw new ApiError(400, 'validation_failed', 'unknown field', `/body/${part.fieldname}`);
      const name = basename(part.filename ?? '');
      if (!SAFE_NAME.test(name) || name.includes('..'))
        throw new ApiError(
          400,
          'validation_failed',
          `unsafe file name ${JSON.stringify(part.filename)}`,
          '/body/file',
        );
      if (names.includes(name))
        throw new ApiError(400, 'validation_failed', `file ${name} sent twice`, '/body/file');
      const buf = await part.toBuffer();
      await writeFile(join(dir, name), buf);
      names.push(name);
    }
    if (names.length === 0) throw new ApiError(400, 'validation_failed', 'no file uploaded', '/body/file');
    const single = names.length === 1 && names[0]!.toLowerCase().endsWith('.json');
    return {
      path: single ? join(dir, names[0]!) : dir,
      label: single ? names[0]! : 'upload',
      dir,
      ...(format ? { format } : {}),
      cleanup,
    };
  } catch (e) {
    cleanup();
    const err = e as { code?: string };
    if (
      err.code === 'FST_REQ_FILE_TOO_LARGE' ||
      err.code === 'FST_FILES_LIMIT' ||
      err.code === 'FST_PARTS_LIMIT'
    )
      throw new ApiError(413, 'payload_too_large', (e as Error).message);
    throw e;
  }
}
