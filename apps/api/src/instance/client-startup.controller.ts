import { Controller, Get, Param } from '@nestjs/common';
import { Auth } from '../common/auth/auth.decorators';
import { parseId } from '../common/validation';

/**
 * Endpoints Mastodon clients call on start-up for features FediFlow does not have yet. They
 * answer what Mastodon answers for a member who has none of them (empty lists), so clients start
 * cleanly instead of showing errors.
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
    'v1/conversations',
    'v1/endorsements',
    'v1/featured_tags',
    'v1/featured_tags/suggestions',
    'v1/suggestions',
    'v2/suggestions',
  ])
  @Auth({ require: 'member', scope: 'read' })
  emptyCollections(): never[] {
    return [];
  }

  @Get('v1/accounts/:id/featured_tags')
  accountFeaturedTags(@Param('id') id: string): never[] {
    parseId(id, 'Account');
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
