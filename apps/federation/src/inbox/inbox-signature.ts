import { header, type RawHeaders } from './inbox-request';

/** An RFC 9421 `Signature-Input` member: the components it covers and the key it names. */
export interface SignatureInput {
  components: string[];
  keyId: string | undefined;
}

/**
 * An inbox POST's HTTP Signature as claimed, unverified: read once per request, by the route,
 * for the inbox screen (refusing early) and the shared inbox's fast path (verifying the common
 * case). Fedify, on the slow path, reads the headers itself.
 */
export interface InboxSignature {
  /** Whether a (non-empty) `Signature` header is there. */
  readonly signed: boolean;
  /** `rfc9421` when a `Signature-Input` header is there (as Fedify decides), else draft-cavage. */
  readonly scheme: 'draft-cavage' | 'rfc9421';
  /** The keyIds claimed: draft-cavage `keyId="…"`, every RFC 9421 `keyid="…"`. */
  readonly keyIds: readonly string[];
  /** Every signature value: draft-cavage `signature="…"`, RFC 9421 `label=:…:` byte sequences. */
  readonly values: readonly string[];
  /** The RFC 9421 `Signature-Input` members. */
  readonly inputs: readonly SignatureInput[];
  /**
   * The draft-cavage parameters (`keyId`, `algorithm`, `headers`, `signature`, …) when the header
   * is a well-formed list of quoted parameters, each named once; otherwise undefined.
   */
  readonly cavage: ReadonlyMap<string, string> | undefined;
}

export function parseInboxSignature(headers: RawHeaders): InboxSignature {
  const value = header(headers, 'signature');
  const inputs = signatureInputs(header(headers, 'signature-input'));
  if (header(headers, 'signature-input') !== undefined) {
    return {
      signed: Boolean(value),
      scheme: 'rfc9421',
      keyIds: inputs.flatMap((input) => (input.keyId ? [input.keyId] : [])),
      values: [...(value ?? '').matchAll(/[\w*.-]+\s*=\s*:([^:]*):/g)].map((m) => m[1] ?? ''),
      inputs,
      cavage: undefined,
    };
  }
  return {
    signed: Boolean(value),
    scheme: 'draft-cavage',
    keyIds: [...(value ?? '').matchAll(/(?:^|,)\s*keyId\s*=\s*"([^"]*)"/gi)].map((m) => m[1] ?? ''),
    values: [...(value ?? '').matchAll(/(?:^|,)\s*signature\s*=\s*"([^"]*)"/gi)].map(
      (m) => m[1] ?? '',
    ),
    inputs,
    cavage: value ? cavageParameters(value) : undefined,
  };
}

/** RFC 9421 `Signature-Input` members (`sig1=("@method" "content-digest");keyid="…";…`). */
function signatureInputs(value: string | undefined): SignatureInput[] {
  if (!value) return [];
  const inputs: SignatureInput[] = [];
  for (const match of value.matchAll(
    /[\w*.-]+\s*=\s*\(([^)]*)\)((?:\s*;\s*[\w-]+=(?:"[^"]*"|[^;,]*))*)/g,
  )) {
    const components = [...(match[1] ?? '').matchAll(/"([^"]*)"/g)].map((part) =>
      (part[1] ?? '').toLowerCase(),
    );
    const keyId = /;\s*keyid\s*=\s*"([^"]*)"/i.exec(match[2] ?? '')?.[1];
    inputs.push({ components, keyId });
  }
  return inputs;
}

/** `keyId="…",algorithm="…",headers="…",signature="…"`; undefined for anything unexpected. */
function cavageParameters(value: string): Map<string, string> | undefined {
  const params = new Map<string, string>();
  for (const part of value.matchAll(/\s*([a-zA-Z]+)\s*=\s*"([^"]*)"\s*(?:,|$)/g)) {
    const [, name, content] = part;
    if (!name || content === undefined || params.has(name)) return undefined;
    params.set(name, content);
  }
  return params;
}
