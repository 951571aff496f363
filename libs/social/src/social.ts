import type { DataSource, EntityManager } from 'typeorm';
import { AccountsRepository } from './accounts.repository';
import { Announcements } from './announcements';
import { FavouritesRepository } from './favourites.repository';
import { FollowsRepository } from './follows.repository';
import { NotificationsRepository } from './notifications.repository';
import { ReblogsRepository } from './reblogs.repository';
import { SocialEvents } from './social-events';
import { StatusesRepository } from './statuses.repository';

/**
 * The social-write layer: every follow, notification, counter, favourite and reblog write goes
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
  private readonly announcements: Announcements;

  constructor(
    private readonly db: DataSource,
    readonly events: SocialEvents = new SocialEvents(),
  ) {
    this.announcements = new Announcements(events);
    this.notifications = new NotificationsRepository(this.announcements);
    this.follows = new FollowsRepository(this.notifications, this.announcements);
    this.statuses = new StatusesRepository(this.notifications, this.announcements);
    this.favourites = new FavouritesRepository(this.notifications);
    this.reblogs = new ReblogsRepository(this.statuses, this.notifications);
    this.accounts = new AccountsRepository(this.follows, this.statuses);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.announcements.transaction(this.db, work);
  }
}
