import { defineModule, moduleKey } from '../../core/module';
import { UserActivityResolver } from './activity.resolver';
import { type ActivityLoader, ActivityService } from './activity.service';
import { DailyActivity } from './daily-activity.entity';

declare module '../../core/loaders' {
  interface Loaders {
    /** `User.activity`: one query per range for a request's developers. */
    activity: ActivityLoader;
  }
}

/** Daily activity: the `daily_activity` table and `User.activity` (batched, cached per harvest). */
export const activityModule = defineModule({
  key: moduleKey('activity'),
  entities: [DailyActivity],
  resolvers: [UserActivityResolver],
  create({ cache }) {
    const activity = new ActivityService(cache);
    return {
      resolvers: [new UserActivityResolver(activity)],
      loaders: { activity: (em) => activity.createLoader(em) },
      exports: undefined,
    };
  },
});
