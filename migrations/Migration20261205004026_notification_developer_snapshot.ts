import { Migration } from '@mikro-orm/migrations';

export class Migration20261205004026_notification_developer_snapshot extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "notification_developer_snapshot" ("login_key" text not null, "figures" jsonb not null, "updated_at" timestamptz not null, constraint "notification_developer_snapshot_pkey" primary key ("login_key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "notification_developer_snapshot" cascade;`);
  }

}
