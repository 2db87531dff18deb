import { Migration } from '@mikro-orm/migrations';

export class Migration20261204233500_restricted_contributions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "github_user" add column "restricted_contributions" int null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "github_user" drop column "restricted_contributions";`);
  }

}
