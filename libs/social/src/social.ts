import type { DataSource, EntityManager } from 'typeorm';
import { AccountDomainBlocksRepository } from './account-domain-blocks.repository';
import { AccountsRepository } from './accounts.repository';
import { Announcements } from './announcements';
import { BlocksRepository } from './blocks.repository';
import { FavouritesRepository } from './favourites.repository';
import { FollowsRepository } from './follows.repository';
import { ListsRepository } from './lists.repository';
import { MutesRepository } from './mutes.repository';
import { NotificationsRepository } from './notifications.repository';
import { ReblogsRepository } from './reblogs.repository';
import { SocialEvents } from './social-events';
import { StatusesRepository } from './statuses.repository';

/**
 * The social-write layer: every follow, block, mute, domain block, list, notification, counter,
 * favourite, reblog and status revision write goes
 * through these repositories, inside the caller's transaction. Open that transaction with
 * `transaction()` so the events of its writes are emitted once it has committed.
 */
export class Social {
  readonly notifications: NotificationsRepository;
  readonly follows: FollowsRepository;
  readonly statuses: StatusesRepository;
  readonly favourites: FavouritesRepository;
  readonly reblogs: ReblogsRepository;
  readonly accounts: AccountsRepository;
  readonly blocks: BlocksRepository;
  readonly mutes: MutesRepository;
  /** A member's own domain blocks (the admin's are `@fediflow/federation`'s DomainBlocks). */
  readonly domainBlocks: AccountDomainBlocksRepository;
  readonly lists: ListsRepository;
  private readonly announcements: Announcements;

  constructor(
    private readonly db: DataSource,
    readonly events: SocialEvents = new SocialEvents(),
  ) {
    this.announcements = new Announcements(events);
    this.notifications = new NotificationsRepository(this.announcements);
    this.lists = new ListsRepository(this.announcements);
    this.follows = new FollowsRepository(this.notifications, this.announcements);
    this.statuses = new StatusesRepository(this.notifications, this.announcements);
    this.favourites = new FavouritesRepository(this.notifications);
    this.reblogs = new ReblogsRepository(this.statuses, this.notifications);
    this.accounts = new AccountsRepository(this.follows, this.statuses);
    this.blocks = new BlocksRepository(this.follows, this.announcements);
    this.mutes = new MutesRepository(this.announcements);
    this.domainBlocks = new AccountDomainBlocksRepository(this.follows, this.announcements);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.announcements.transaction(this.db, work);
  }
}
