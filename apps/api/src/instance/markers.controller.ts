import { Body, Controller, Get, Post, Query, HttpCode } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import type { MemberToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { listParam, parseInput, snowflakeId } from '../common/validation';

const TIMELINES = ['home', 'notifications'] as const;
const markerInput = z.object({ last_read_id: snowflakeId });
const saveSchema = z
  .object({ home: markerInput.optional(), notifications: markerInput.optional() })
  .refine((value) => value.home || value.notifications, 'home or notifications is required');

interface MarkerRow {
  timeline: (typeof TIMELINES)[number];
  last_read_id: string;
  version: number;
  updated_at: Date;
}

/** Read positions per timeline, shared between a member's devices. */
@Controller('/api/v1/markers')
export class MarkersController {
  constructor(private readonly db: DataSource) {}

  @Get()
  @Auth({ require: 'member', scope: 'read:statuses' })
  async get(@Token() token: MemberToken, @Query() query: Record<string, unknown>) {
    // Timelines this server keeps no marker for are ignored, as on Mastodon.
    const timelines = parseInput(z.array(z.string()), listParam(query, 'timeline')).filter(
      (timeline) => (TIMELINES as readonly string[]).includes(timeline),
    );
    const asked = listParam(query, 'timeline').length > 0;
    const rows: MarkerRow[] = await this.db.query(
      `SELECT timeline, last_read_id::text AS last_read_id, version, updated_at FROM markers
        WHERE account_id = $1 AND timeline = ANY($2::text[])`,
      [token.accountId, asked ? timelines : TIMELINES],
    );
    return this.present(rows);
  }

  @Post()
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:statuses' })
  async save(@Token() token: MemberToken, @Body() body: unknown) {
    // Form posts (`home[last_read_id]=…`) arrive nested already (http/request-bodies.ts).
    const input = parseInput(saveSchema, body);
    const rows: MarkerRow[] = [];
    for (const timeline of TIMELINES) {
      const marker = input[timeline];
      if (!marker) continue;
      const saved: MarkerRow[] = await this.db.query(
        `INSERT INTO markers (account_id, timeline, last_read_id) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, timeline) DO UPDATE
           SET last_read_id = excluded.last_read_id, version = markers.version + 1, updated_at = now()
         RETURNING timeline, last_read_id::text AS last_read_id, version, updated_at`,
        [token.accountId, timeline, marker.last_read_id],
      );
      rows.push(...saved);
    }
    return this.present(rows);
  }

  private present(rows: MarkerRow[]) {
    return Object.fromEntries(
      rows.map((row) => [
        row.timeline,
        {
          last_read_id: row.last_read_id,
          version: row.version,
          updated_at: new Date(row.updated_at).toISOString(),
        },
      ]),
    );
  }
}
