/**
 * The smallest video and audio files content sniffing (file-type) recognises: built byte by byte
 * (no ffmpeg here), for upload tests. Not playable: nothing here decodes them.
 */

/** An MP4 as file-type sniffs it: an `ftyp` box (brand isom), padded to `size` bytes. */
export function mp4(size = 1024): Buffer {
  const ftyp = Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from('ftypisom'),
    Buffer.from([0, 0, 2, 0]),
    Buffer.from('isomiso2'),
  ]);
  return Buffer.concat([ftyp, Buffer.alloc(size - ftyp.length, 7)]);
}

/** An EBML header whose DocType is `webm` (or another, e.g. `matroska`). */
export function webm(docType = 'webm'): Buffer {
  const header = Buffer.concat([
    Buffer.from([0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0xf2, 0x81, 0x04]),
    Buffer.from([0x42, 0xf3, 0x81, 0x08, 0x42, 0x82, 0x80 | docType.length]),
    Buffer.from(docType),
    Buffer.from([0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02]),
  ]);
  return Buffer.concat([
    Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | header.length]),
    header,
    Buffer.alloc(256, 3),
  ]);
}

/** An MP3: an ID3v2 tag, then MPEG-1 Layer III frame headers (the sync word file-type reads). */
export function mp3(): Buffer {
  const frame = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(413)]);
  return Buffer.concat([Buffer.from('ID3'), Buffer.from([3, 0, 0, 0, 0, 0, 0]), frame, frame]);
}
