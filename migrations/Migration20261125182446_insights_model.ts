import { Migration } from '@mikro-orm/migrations';

export class Migration20261125182446_insights_model extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "github_user" ("id" bigserial primary key, "github_id" bigint null, "login" text not null, "login_key" text not null, "name" text null, "name_key" text null, "avatar_url" text null, "bio" text null, "company" text null, "location" text null, "website_url" text null, "followers" int not null default 0, "following" int not null default 0, "public_repos" int not null default 0, "public_gists" int not null default 0, "social" jsonb not null, "organizations" jsonb not null, "country_code" text null, "country_match" text null, "github_created_at" timestamptz null, "github_updated_at" timestamptz null, "harvested_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "github_user" add constraint "github_user_github_id_unique" unique ("github_id");`);
    this.addSql(`alter table "github_user" add constraint "github_user_login_key_unique" unique ("login_key");`);
    this.addSql(`create index "github_user_harvested_at_index" on "github_user" ("harvested_at", "id");`);
    this.addSql(`create index "github_user_followers_index" on "github_user" ("followers", "id");`);
    this.addSql(`create index "github_user_name_key_prefix_index" on "github_user" ("name_key" text_pattern_ops);`);
    this.addSql(`create index "github_user_login_key_prefix_index" on "github_user" ("login_key" text_pattern_ops);`);

    this.addSql(`create table "daily_activity" ("user_id" bigint not null, "date" date not null, "commits" int not null default 0, "pull_requests" int not null default 0, "issues_opened" int not null default 0, "reviews" int not null default 0, constraint "daily_activity_pkey" primary key ("user_id", "date"));`);
    this.addSql(`create index "daily_activity_date_index" on "daily_activity" ("date");`);

    this.addSql(`create table "harvest_job" ("id" uuid not null, "login" text not null, "login_key" text not null, "status" text check ("status" in ('queued', 'running', 'completed', 'failed', 'not_found')) not null default 'queued', "trigger" text check ("trigger" in ('auto', 'manual', 'country', 'import')) not null, "progress" smallint not null default 0, "stage" text null, "attempts" smallint not null default 0, "error" text null, "enqueued_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, constraint "harvest_job_pkey" primary key ("id"));`);
    this.addSql(`create index "harvest_job_login_key_index" on "harvest_job" ("login_key", "enqueued_at");`);

    this.addSql(`create table "repository" ("id" bigserial primary key, "github_id" bigint null, "owner_id" bigint not null, "name" text not null, "description" text null, "homepage_url" text null, "primary_language" text null, "license" text null, "topics" jsonb not null, "stargazer_count" int not null default 0, "fork_count" int not null default 0, "open_issues_count" int not null default 0, "watcher_count" int not null default 0, "disk_usage_kb" int not null default 0, "commit_count" int null, "pull_request_count" int null, "is_fork" boolean not null default false, "is_archived" boolean not null default false, "default_branch" text null, "github_created_at" timestamptz null, "github_updated_at" timestamptz null, "pushed_at" timestamptz null, "harvested_at" timestamptz not null);`);
    this.addSql(`alter table "repository" add constraint "repository_github_id_unique" unique ("github_id");`);
    this.addSql(`create index "repository_owner_name_index" on "repository" ("owner_id", "name", "id");`);
    this.addSql(`create index "repository_owner_updated_index" on "repository" ("owner_id", "github_updated_at", "id");`);
    this.addSql(`create index "repository_owner_forks_index" on "repository" ("owner_id", "fork_count", "id");`);
    this.addSql(`create index "repository_owner_stars_index" on "repository" ("owner_id", "stargazer_count", "id");`);

    this.addSql(`alter table "daily_activity" add constraint "daily_activity_user_id_foreign" foreign key ("user_id") references "github_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "repository" add constraint "repository_owner_id_foreign" foreign key ("owner_id") references "github_user" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "daily_activity" drop constraint "daily_activity_user_id_foreign";`);

    this.addSql(`alter table "repository" drop constraint "repository_owner_id_foreign";`);

    this.addSql(`drop table if exists "github_user" cascade;`);

    this.addSql(`drop table if exists "daily_activity" cascade;`);

    this.addSql(`drop table if exists "harvest_job" cascade;`);

    this.addSql(`drop table if exists "repository" cascade;`);
  }

}
