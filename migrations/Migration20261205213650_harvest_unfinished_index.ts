import { Migration } from '@mikro-orm/migrations';

export class Migration20261205213650_harvest_unfinished_index extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "harvest_job_unfinished_index" on "harvest_job" ("enqueued_at" desc) where "status" in ('queued', 'running');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "harvest_job_unfinished_index";`);
  }

}
