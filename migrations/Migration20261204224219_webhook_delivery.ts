import { Migration } from '@mikro-orm/migrations';

export class Migration20261204224219_webhook_delivery extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "webhook_delivery" ("delivery_id" text not null, "event" text not null, "action" text null, "received_at" timestamptz not null, constraint "webhook_delivery_pkey" primary key ("delivery_id"));`);
    this.addSql(`create index "webhook_delivery_received_at_index" on "webhook_delivery" ("received_at");`);

    this.addSql(`alter table "harvest_job" drop constraint if exists "harvest_job_trigger_check";`);

    this.addSql(`alter table "harvest_job" add constraint "harvest_job_trigger_check" check("trigger" in ('auto', 'manual', 'country', 'import', 'webhook'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);

    this.addSql(`alter table "harvest_job" drop constraint if exists "harvest_job_trigger_check";`);

    this.addSql(`alter table "harvest_job" add constraint "harvest_job_trigger_check" check("trigger" in ('auto', 'manual', 'country', 'import'));`);
  }

}
