import { Migration } from '@mikro-orm/migrations';

export class Migration20261204202708_job_outbox extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "job_outbox" ("id" bigserial primary key, "queue" text not null, "name" text not null, "job_id" text not null, "data" jsonb not null, "options" jsonb not null, "created_at" timestamptz not null default now(), "relayed_at" timestamptz null, "attempts" int not null default 0, "last_error" text null);`);
    this.addSql(`create index "job_outbox_relayed_at_index" on "job_outbox" ("relayed_at", "id");`);
    this.addSql(`alter table "job_outbox" add constraint "job_outbox_queue_job_id_unique" unique ("queue", "job_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "job_outbox" cascade;`);
  }

}
