import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApiError, ErrorCode } from '../common/api-error';
import { nestParameters } from './rails-params';

/**
 * Multipart limits. Files may be up to `largestUploadBytes` (media-limits.ts), and a larger one
 * is a 422 naming the limit, as Mastodon answers; no form field Mastodon defines comes near 100 KiB.
 * Beyond the other limits the request fails with 413 (Fastify's multipart errors keep their
 * status through `ApiExceptionFilter`).
 */
export const MULTIPART_LIMITS = {
  files: 4,
  fields: 200,
  fieldSize: 100 * 1024,
  parts: 220,
} as const;

/**
 * A file part of a multipart body, streamed to a temporary file within the upload limit, so a
 * video never sits in the api's memory. The file lives until the response has gone out (or the
 * client went away): @fastify/multipart deletes the request's `tmpUploads` then.
 */
export class UploadedFile {
  constructor(
    readonly fieldName: string,
    readonly filename: string,
    readonly mimetype: string,
    /** The temporary file. */
    readonly path: string,
    readonly size: number,
  ) {}

  /** The whole file (images: bounded by MEDIA_MAX_BYTES, checked with `size` first). */
  read(): Promise<Buffer> {
    return readFile(this.path);
  }
}

/** Streams a file part to a temporary file the plugin removes with the response; its size. */
async function saveToTemporaryFile(
  request: FastifyRequest,
  file: NodeJS.ReadableStream,
): Promise<{ path: string; size: number }> {
  const path = join(tmpdir(), `fediflow-upload-${randomUUID()}`);
  (request.tmpUploads ??= []).push(path);
  await pipeline(file, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  return { path, size: (await stat(path)).size };
}

const FORM = 'application/x-www-form-urlencoded';

/** Limits and our own 422s keep their answer; busboy's parse errors carry no status of their own. */
function isClientError(error: unknown): boolean {
  if (error instanceof ApiError) return true;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

async function multipartEntries(
  request: FastifyRequest,
  maxFileBytes: number,
): Promise<[string, unknown][]> {
  try {
    return await readParts(request);
  } catch (error) {
    if (error instanceof request.server.multipartErrors.RequestFileTooLargeError) {
      throw new ApiError(
        ErrorCode.Unprocessable,
        `Validation failed: File file size must be less than ${maxFileBytes} bytes`,
      );
    }
    if (isClientError(error)) throw error;
    throw ApiError.invalid('request', 'is not a readable multipart/form-data body');
  }
}

async function readParts(request: FastifyRequest): Promise<[string, unknown][]> {
  const entries: [string, unknown][] = [];
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const saved = await saveToTemporaryFile(request, part.file);
      // Browsers send an empty file part for a file input left empty (named "" or, from
      // undici's FormData, "blob"): no file.
      if (saved.size === 0) continue;
      entries.push([
        part.fieldname,
        new UploadedFile(part.fieldname, part.filename, part.mimetype, saved.path, saved.size),
      ]);
    } else {
      if (part.valueTruncated) {
        throw ApiError.invalid(
          part.fieldname,
          `is longer than ${MULTIPART_LIMITS.fieldSize} bytes`,
        );
      }
      entries.push([part.fieldname, part.value]);
    }
  }
  return entries;
}

/** Fastify's form parser gives repeated names as arrays; Rails semantics want them in order. */
function formEntries(body: Record<string, unknown>): [string, unknown][] {
  return Object.entries(body).flatMap(([name, value]) =>
    Array.isArray(value) ? value.map((item): [string, unknown] => [name, item]) : [[name, value]],
  );
}

/**
 * The one place the member API turns request bodies into parameters, so every write endpoint
 * accepts what Mastodon accepts: JSON as sent, and form-urlencoded or multipart/form-data fields
 * with Rails-style names (`media_ids[]`, `fields_attributes[0][name]`, `poll[options][]`) nested
 * as Rails nests them. Multipart bodies are streamed part by part within `MULTIPART_LIMITS`.
 */
export async function registerRequestBodies(
  app: NestFastifyApplication,
  maxFileBytes: number,
): Promise<void> {
  // The Nest adapter owns the plugin's registration (once, at the root); these are its options.
  await app.register(multipart, {
    limits: { ...MULTIPART_LIMITS, fileSize: maxFileBytes },
    throwFileSizeLimit: true,
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preValidation', async (request) => {
      if (request.isMultipart()) {
        request.body = nestParameters(await multipartEntries(request, maxFileBytes));
      } else if (
        request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() === FORM &&
        typeof request.body === 'object' &&
        request.body !== null
      ) {
        request.body = nestParameters(formEntries(request.body as Record<string, unknown>));
      }
    });
}
