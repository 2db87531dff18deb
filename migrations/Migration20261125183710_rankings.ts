import { Migration } from '@mikro-orm/migrations';

export class Migration20261125183710_rankings extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "ranking_country" ("run_id" int not null, "country_code" text not null, "ranked_users" int not null, constraint "ranking_country_pkey" primary key ("run_id", "country_code"));`);

    this.addSql(`create table "ranking_run" ("id" serial primary key, "status" text check ("status" in ('queued', 'running', 'completed', 'failed', 'skipped')) not null default 'running', "trigger" text check ("trigger" in ('schedule', 'manual')) not null, "job_id" text null, "started_at" timestamptz not null, "finished_at" timestamptz null, "ranked_users" int not null default 0, "countries" int not null default 0, "duration_ms" int null, "error" text null);`);
    this.addSql(`create index "ranking_run_status_index" on "ranking_run" ("status", "id");`);

    this.addSql(`create table "ranking_snapshot" ("run_id" int not null, "user_id" bigint not null, "score" bigint not null, "global_rank" int not null, "country_code" text null, "country_rank" int null, constraint "ranking_snapshot_pkey" primary key ("run_id", "user_id"));`);
    this.addSql(`create index "ranking_snapshot_country_rank_index" on "ranking_snapshot" ("run_id", "country_code", "country_rank", "user_id");`);
    this.addSql(`create index "ranking_snapshot_global_rank_index" on "ranking_snapshot" ("run_id", "global_rank", "user_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "ranking_country" cascade;`);

    this.addSql(`drop table if exists "ranking_run" cascade;`);

    this.addSql(`drop table if exists "ranking_snapshot" cascade;`);
  }

}
