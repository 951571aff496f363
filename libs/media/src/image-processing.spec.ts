import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { processAttachmentImage, processProfileImage } from './image-processing';
import { MediaErrorCode } from './media-errors';

const LIMITS = { maxBytes: 16 * 1024 * 1024, maxInputPixels: 33_177_600 };

/** A JPEG as phones write them: sideways pixels with EXIF orientation 6 and a GPS position. */
async function phoneJpeg(width = 400, height = 200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#c03030' } })
    .jpeg()
    .withExif({
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 24/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 21/1 3/1',
      },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** The GPS IFD pointer tag (0x8825), in either byte order. */
function hasGpsTag(exif: Buffer | undefined): boolean {
  return (
    !!exif && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])))
  );
}

describe('processAttachmentImage', () => {
  it('strips EXIF (GPS gone), turns the image upright and makes a preview and a blurhash', async () => {
    const upload = await phoneJpeg();
    const before = await sharp(upload).metadata();
    expect(hasGpsTag(before.exif)).toBe(true);
    expect(before.orientation).toBe(6);

    const { original, small, blurhash } = await processAttachmentImage(upload, LIMITS);
    const after = await sharp(original.data).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect([after.width, after.height]).toEqual([200, 400]); // rotated by its orientation
    expect(original).toMatchObject({ contentType: 'image/jpeg', width: 200, height: 400 });
    expect((await sharp(small.data).metadata()).exif).toBeUndefined();
    expect(blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,}$/);
  });

  it('scales originals down to 3840×2160 worth of pixels and previews into 640×640', async () => {
    const big = await sharp({
      create: { width: 5000, height: 2500, channels: 3, background: '#fff' },
    })
      .png()
      .toBuffer();
    const { original, small } = await processAttachmentImage(big, LIMITS);
    expect(original.width * original.height).toBeLessThanOrEqual(3840 * 2160);
    expect(original.width / original.height).toBeCloseTo(2, 1);
    expect(original.contentType).toBe('image/png');
    expect([small.width, small.height]).toEqual([640, 320]);
  });

  it('refuses decompression bombs, oversized files, other types and garbage with reasons', async () => {
    const bomb = await sharp({
      create: { width: 8000, height: 8000, channels: 3, background: '#000' },
    })
      .png({ compressionLevel: 9 })
      .toBuffer();
    await expect(processAttachmentImage(bomb, LIMITS)).rejects.toMatchObject({
      code: MediaErrorCode.TooManyPixels,
    });
    await expect(
      processAttachmentImage(await phoneJpeg(), { ...LIMITS, maxBytes: 1024 }),
    ).rejects.toMatchObject({ code: MediaErrorCode.TooLarge });
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
    await expect(processAttachmentImage(pdf, LIMITS)).rejects.toMatchObject({
      code: MediaErrorCode.UnsupportedType,
      message: expect.stringContaining('application/pdf'),
    });
    const truncated = (await phoneJpeg()).subarray(0, 400);
    await expect(processAttachmentImage(truncated, LIMITS)).rejects.toMatchObject({
      code: MediaErrorCode.Unreadable,
    });
  });
});

describe('processProfileImage', () => {
  it('crops avatars to 400×400 and headers to 1500×500', async () => {
    const upload = await phoneJpeg(900, 300);
    const avatar = await processProfileImage(upload, 'avatar', LIMITS);
    const header = await processProfileImage(upload, 'header', LIMITS);
    expect([avatar.width, avatar.height]).toEqual([400, 400]);
    expect([header.width, header.height]).toEqual([1500, 500]);
    expect((await sharp(avatar.data).metadata()).exif).toBeUndefined();
  });
});
