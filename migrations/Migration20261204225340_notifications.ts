import { Migration } from '@mikro-orm/migrations';

export class Migration20261204225340_notifications extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "notification_email" ("id" bigserial primary key, "recipient_id" int not null, "to_address" text not null, "event_key" text not null, "kind" text not null, "severity" text check ("severity" in ('info', 'success', 'warning', 'critical')) not null default 'info', "status" text check ("status" in ('held', 'batched', 'queued', 'sending', 'sent', 'failed', 'skipped', 'bounced', 'complained')) not null default 'queued', "content" jsonb not null, "ses_message_id" text null, "attempts" int not null default 0, "last_error" text null, "digest_id" bigint null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "sent_at" timestamptz null);`);
    this.addSql(`alter table "notification_email" add constraint "notification_email_event_key_unique" unique ("event_key");`);
    this.addSql(`create index "notification_email_ses_message_index" on "notification_email" ("ses_message_id");`);
    this.addSql(`create index "notification_email_recipient_index" on "notification_email" ("recipient_id", "status");`);
    this.addSql(`create index "notification_email_status_index" on "notification_email" ("status", "updated_at");`);

    this.addSql(`create table "notification_incident" ("id" serial primary key, "component" text not null, "message" text null, "opened_at" timestamptz not null, "closed_at" timestamptz null);`);
    this.addSql(`create unique index "notification_incident_open_unique" on "notification_incident" ("component") where "closed_at" is null;`);

    this.addSql(`create table "notification_recipient" ("id" serial primary key, "email" text not null, "verified" boolean not null default false, "verified_at" timestamptz null, "source" text not null default 'api', "preferences" jsonb not null, "token_version" int not null default 1, "unsubscribed_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "notification_recipient" add constraint "notification_recipient_email_unique" unique ("email");`);
    this.addSql(`create index "notification_recipient_preferences_index" on "notification_recipient" using gin ("preferences" jsonb_path_ops);`);

    this.addSql(`create table "notification_suppression" ("email" text not null, "reason" text not null, "ses_message_id" text null, "created_at" timestamptz not null, constraint "notification_suppression_pkey" primary key ("email"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "notification_email" cascade;`);

    this.addSql(`drop table if exists "notification_incident" cascade;`);

    this.addSql(`drop table if exists "notification_recipient" cascade;`);

    this.addSql(`drop table if exists "notification_suppression" cascade;`);
  }

}
