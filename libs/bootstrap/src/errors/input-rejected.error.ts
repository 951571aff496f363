/**
 * Request input refused before any handler ran (too deep, NUL characters, wrong media type): the
 * error mapper answers with its status and message as `{"error": "..."}`.
 */
export class InputRejectedError extends Error {
  override readonly name = 'InputRejectedError';
  constructor(
    readonly status: 400 | 413 | 415 | 422,
    message: string,
  ) {
    super(message);
  }
}
