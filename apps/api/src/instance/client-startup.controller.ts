import { Controller, Get } from '@nestjs/common';
import { Auth } from '../common/auth/auth.decorators';

/**
 * Endpoints Mastodon clients call on start-up for features FediFlow does not have yet. They
 * answer empty but valid, so clients start cleanly instead of showing errors.
 */
@Controller('/api')
export class ClientStartupController {
  @Get('v1/custom_emojis')
  customEmojis(): never[] {
    return [];
  }

  @Get('v1/announcements')
  @Auth({ require: 'member', scope: 'read' })
  announcements(): never[] {
    return [];
  }

  @Get(['v1/trends', 'v1/trends/tags', 'v1/trends/statuses', 'v1/trends/links'])
  trends(): never[] {
    return [];
  }

  @Get(['v1/filters', 'v2/filters'])
  @Auth({ require: 'member', scope: 'read:filters' })
  filters(): never[] {
    return [];
  }

  @Get([
    'v1/lists',
    'v1/blocks',
    'v1/mutes',
    'v1/bookmarks',
    'v1/favourites',
    'v1/conversations',
    'v1/followed_tags',
  ])
  @Auth({ require: 'member', scope: 'read' })
  emptyCollections(): never[] {
    return [];
  }

  @Get('v1/preferences')
  @Auth({ require: 'member', scope: 'read:accounts' })
  preferences() {
    return {
      'posting:default:visibility': 'public',
      'posting:default:sensitive': false,
      'posting:default:language': null,
      'reading:expand:media': 'default',
      'reading:expand:spoilers': false,
    };
  }
}
