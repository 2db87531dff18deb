import { Migration } from '@mikro-orm/migrations';

export class Migration20261204203528_ranking_counts extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "ranking_snapshot" add column "commits" int null, add column "contributions" int null;`);
    this.addSql(`create index "ranking_snapshot_country_score_index" on "ranking_snapshot" ("run_id", "country_code", "score");`);
    this.addSql(`create index "ranking_snapshot_score_index" on "ranking_snapshot" ("run_id", "score");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "ranking_snapshot_country_score_index";`);
    this.addSql(`drop index "ranking_snapshot_score_index";`);
    this.addSql(`alter table "ranking_snapshot" drop column "commits", drop column "contributions";`);
  }

}
