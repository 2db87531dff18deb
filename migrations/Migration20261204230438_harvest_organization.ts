import { Migration } from '@mikro-orm/migrations';

export class Migration20261204230438_harvest_organization extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "harvest_job" drop constraint if exists "harvest_job_status_check";`);

    this.addSql(`alter table "harvest_job" add constraint "harvest_job_status_check" check("status" in ('queued', 'running', 'completed', 'failed', 'not_found', 'organization'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "harvest_job" drop constraint if exists "harvest_job_status_check";`);

    this.addSql(`alter table "harvest_job" add constraint "harvest_job_status_check" check("status" in ('queued', 'running', 'completed', 'failed', 'not_found'));`);
  }

}
