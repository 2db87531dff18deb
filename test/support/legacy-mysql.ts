import mysql from 'mysql2/promise';
import { uniqueName } from './services';

/** The MariaDB every machine here runs (root, no password). */
export const SHARED_MYSQL = { host: '127.0.0.1', port: 3306, user: 'root' } as const;

/** How much bulk data to generate (the dirty rows come on top). */
export interface LegacyVolume {
  readonly users: number;
  readonly reposPerUser: number;
  /** Days of activity per user (one row per user per day). */
  readonly activityDays: number;
  /** Ranking history runs (one snapshot per user per run). */
  readonly snapshotRuns: number;
}

/** The legacy schema as LEGACY_SCHEMA.md describes it (logins compared case-sensitively, so case duplicates exist). */
const SCHEMA = `
CREATE TABLE Users (
  id INT AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(255) COLLATE utf8mb4_bin NOT NULL UNIQUE,
  full_name VARCHAR(255) NULL, avatar_url VARCHAR(255) NULL, location VARCHAR(255) NULL,
  company VARCHAR(255) NULL, website VARCHAR(255) NULL, bio TEXT NULL,
  followers INT NOT NULL DEFAULT 0, following INT NOT NULL DEFAULT 0,
  public_repos INT NOT NULL DEFAULT 0, gists_count INT NOT NULL DEFAULT 0,
  social JSON NULL, organizations JSON NULL,
  last_fetched DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, is_fetching TINYINT(1) NOT NULL DEFAULT 0,
  last_gist_fetch DATETIME NULL, last_org_fetch DATETIME NULL,
  createdAt DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updatedAt DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE Repositories (
  id INT AUTO_INCREMENT PRIMARY KEY,
  user_id INT NOT NULL, name VARCHAR(255) NOT NULL, description TEXT NULL, topics JSON NULL,
  primary_language VARCHAR(255) NULL, license VARCHAR(255) NULL, homepage VARCHAR(255) NULL,
  default_branch VARCHAR(255) NULL,
  stars INT NOT NULL DEFAULT 0, forks INT NOT NULL DEFAULT 0, issues INT NOT NULL DEFAULT 0,
  commit_count INT NOT NULL DEFAULT 0, pull_request_count INT NOT NULL DEFAULT 0,
  size INT NULL DEFAULT 0, watchers INT NULL DEFAULT 0,
  last_commit DATETIME NULL, source_created_at DATETIME NULL, source_updated_at DATETIME NULL,
  createdAt DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updatedAt DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY repo_user_name (user_id, name), KEY repo_stars (stars),
  CONSTRAINT repo_user FOREIGN KEY (user_id) REFERENCES Users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE Activities (
  id INT AUTO_INCREMENT PRIMARY KEY, user_id INT NOT NULL, date DATE NOT NULL,
  commits INT NOT NULL DEFAULT 0, pull_requests INT NOT NULL DEFAULT 0, issues_opened INT NOT NULL DEFAULT 0,
  createdAt DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updatedAt DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  KEY activity_user (user_id), KEY activity_date (date),
  CONSTRAINT activity_user FOREIGN KEY (user_id) REFERENCES Users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE UserRankings (
  id INT AUTO_INCREMENT PRIMARY KEY, user_id INT NOT NULL, country VARCHAR(255) NULL,
  score INT NOT NULL, total_commits INT NOT NULL, total_contributions INT NOT NULL,
  followers INT NULL, public_repos INT NULL, global_rank INT NULL, country_rank INT NULL,
  last_calculated_at DATETIME NOT NULL,
  createdAt DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updatedAt DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT ranking_user FOREIGN KEY (user_id) REFERENCES Users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE RankingSnapshots (
  id INT AUTO_INCREMENT PRIMARY KEY, user_id INT NOT NULL,
  followers INT NOT NULL, public_repos INT NOT NULL, score INT NULL, global_rank INT NULL, country_rank INT NULL,
  ranking_calculated_at DATETIME NULL, job_id VARCHAR(255) NULL, recorded_at DATETIME NOT NULL,
  createdAt DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updatedAt DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT snapshot_user FOREIGN KEY (user_id) REFERENCES Users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;`;

/** Bulk rows start at this id; the dirty rows below use smaller ids. */
export const BULK_ID_OFFSET = 100;

/**
 * Every kind of dirty row real installs hold (see LEGACY_SCHEMA.md): case-duplicate logins (a
 * pair and a triple, with children that collide and children that move), invalid JSON, a JSON
 * string, zero dates, orphans, 4-byte characters, a NUL, unknown countries, missing ranks.
 */
const DIRTY = `
INSERT INTO Users (id, username, full_name, bio, location, social, organizations, last_fetched, createdAt, updatedAt) VALUES
 (1, 'OctoCat', 'Old Octo', NULL, 'San Francisco', '{"twitter": "octo"', NULL, '2023-01-01 00:00:00', '2020-01-01 00:00:00', '2023-01-01 00:00:00'),
 (2, 'octocat', 'The Octocat', 'GitHub mascot', 'San Francisco, CA', '{"twitter":"octocat","linkedin":"in/octo"}', '[{"login":"github","avatar_url":"https://a/1","description":"GitHub 🐙"}]', '2024-06-01 12:30:00', '2020-01-01 00:00:00', '2024-06-01 12:30:00'),
 (3, 'Dup', NULL, NULL, NULL, NULL, NULL, '2022-01-01 00:00:00', '2021-01-01 00:00:00', '2022-01-01 00:00:00'),
 (4, 'DUP', 'Dup Winner', NULL, 'Berlin', '{}', '[]', '2024-01-01 00:00:00', '2021-01-01 00:00:00', '2024-01-01 00:00:00'),
 (5, 'dup', NULL, NULL, NULL, NULL, NULL, '2023-01-01 00:00:00', '2021-01-01 00:00:00', '2023-01-01 00:00:00'),
 (6, 'zerodate', NULL, NULL, NULL, NULL, NULL, '0000-00-00 00:00:00', '0000-00-00 00:00:00', '2024-02-02 02:02:02'),
 (7, 'emoji', 'Emoji 😀 User', 'Loves 🦄 and 𝄞 music', 'Hà Nội, Việt Nam', '"https://twitter.com/emoji"', 'not json', '2024-03-03 03:03:03', '2020-03-03 00:00:00', '2024-03-03 03:03:03'),
 (8, 'nulbio', NULL, CONCAT('a', CHAR(0), 'b'), NULL, 'null', '[]', '2024-04-04 04:04:04', '2020-04-04 00:00:00', '2024-04-04 04:04:04'),
 (9, 'social-null', NULL, NULL, 'Istanbul', NULL, NULL, '2024-05-05 05:05:05', '2020-05-05 00:00:00', '2024-05-05 05:05:05');
INSERT INTO Repositories (id, user_id, name, description, topics, last_commit, source_created_at, createdAt, updatedAt) VALUES
 (1, 1, 'hello', 'old copy', '["old"]', NULL, NULL, '2020-01-01 00:00:00', '2023-01-01 00:00:00'),
 (2, 2, 'hello', '😀 emoji 𝄞 repo', '["a","b"]', '2024-05-01 00:00:00', '2019-01-01 00:00:00', '2020-01-01 00:00:00', '2024-06-01 00:00:00'),
 (3, 1, 'only-old', NULL, NULL, NULL, NULL, '2020-01-01 00:00:00', '2023-01-01 00:00:00'),
 (4, 999999, 'orphan-repo', NULL, NULL, NULL, NULL, '2020-01-01 00:00:00', '2023-01-01 00:00:00'),
 (5, 7, 'broken', NULL, '[oops', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '2020-01-01 00:00:00', '2023-01-01 00:00:00'),
 (6, 3, 'x', NULL, NULL, NULL, NULL, '2020-01-01 00:00:00', '2022-01-01 00:00:00'),
 (7, 4, 'x', NULL, NULL, NULL, NULL, '2020-01-01 00:00:00', '2024-01-01 00:00:00');
INSERT INTO Activities (id, user_id, date, commits) VALUES
 (1, 1, '2024-01-01', 5), (2, 2, '2024-01-01', 7), (3, 1, '2023-01-01', 3), (4, 999999, '2024-01-01', 1),
 (5, 6, '0000-00-00', 2), (6, 5, '2023-06-06', 4), (7, 3, '2023-06-06', 9);
INSERT INTO UserRankings (id, user_id, country, score, total_commits, total_contributions, global_rank, country_rank, last_calculated_at) VALUES
 (1, 2, 'United States', 900000, 1, 1, 1, 1, '2025-06-01 00:00:00'),
 (2, 1, 'United States', 10, 1, 1, 999, 99, '2025-06-01 00:00:00'),
 (3, 7, 'Viet Nam', 800000, 1, 1, 2, 1, '2025-06-01 00:00:00'),
 (4, 6, 'Gondor', 700000, 1, 1, 3, 1, '2025-06-01 00:00:00'),
 (5, 999999, 'Germany', 5, 1, 1, 4, 1, '2025-06-01 00:00:00'),
 (6, 8, 'Germany', 4, 1, 1, NULL, NULL, '2025-06-01 00:00:00'),
 (7, 9, 'Türkiye', 600000, 1, 1, 5, 1, '0000-00-00 00:00:00');
INSERT INTO RankingSnapshots (id, user_id, followers, public_repos, score, global_rank, country_rank, ranking_calculated_at, job_id, recorded_at) VALUES
 (1, 2, 1, 1, 100, 1, 1, '2024-01-01 00:00:00', 'job-dirty', '2024-01-01 00:00:00'),
 (2, 1, 1, 1, 50, 2, 2, '2024-01-01 00:00:00', 'job-dirty', '2024-01-01 00:00:00'),
 (3, 999999, 1, 1, 40, 3, 3, '2024-01-01 00:00:00', 'job-dirty', '2024-01-01 00:00:00'),
 (4, 7, 1, 1, 30, NULL, NULL, '2024-01-01 00:00:00', 'job-dirty', '2024-01-01 00:00:00'),
 (5, 6, 1, 1, 20, 4, 1, '0000-00-00 00:00:00', NULL, '2024-01-02 00:00:00');`;

function bulk(v: LegacyVolume): string[] {
  const o = BULK_ID_OFFSET;
  const repos = v.users * v.reposPerUser;
  const activities = v.users * v.activityDays;
  const snapshots = v.users * v.snapshotRuns;
  return [
    `INSERT INTO Users (id, username, full_name, avatar_url, location, company, website, bio, followers, following,
       public_repos, gists_count, social, organizations, last_fetched, is_fetching, createdAt, updatedAt)
     SELECT seq + ${o}, CONCAT('dev-', seq), CONCAT('Developer ', seq), CONCAT('https://avatars.example/u/', seq),
       ELT(1 + seq MOD 6, 'Berlin, Germany', 'San Francisco, CA', 'India', 'Paris', NULL, 'Earth'),
       IF(seq MOD 3 = 0, '@acme', NULL), IF(seq MOD 4 = 0, CONCAT('https://dev', seq, '.example'), NULL),
       IF(seq MOD 5 = 0, 'Building things 🚀', NULL), seq MOD 5000, seq MOD 300, seq MOD 120, seq MOD 20,
       IF(seq MOD 2 = 0, CONCAT('{"twitter":"dev', seq, '"}'), NULL),
       IF(seq MOD 7 = 0, '[{"login":"acme","avatar_url":null,"description":"Acme"}]', '[]'),
       '2025-01-01 00:00:00' - INTERVAL seq MOD 1000 MINUTE, seq MOD 50 = 0,
       '2019-01-01 00:00:00' + INTERVAL seq SECOND, '2025-01-01 00:00:00' - INTERVAL seq MOD 1000 MINUTE
     FROM seq_1_to_${v.users}`,
    `INSERT INTO Repositories (id, user_id, name, description, topics, primary_language, license, homepage, default_branch,
       stars, forks, issues, commit_count, pull_request_count, size, watchers, last_commit, source_created_at,
       source_updated_at, createdAt, updatedAt)
     SELECT seq + ${o}, ${o} + 1 + (seq - 1) DIV ${v.reposPerUser}, CONCAT('project-', seq),
       IF(seq MOD 3 = 0, CONCAT('A tool for things ', seq, ' ✨'), NULL),
       IF(seq MOD 2 = 0, '["cli","tools"]', '[]'), ELT(1 + seq MOD 4, 'TypeScript', 'Go', 'Rust', NULL),
       IF(seq MOD 2 = 0, 'MIT', NULL), NULL, 'main', seq MOD 10000, seq MOD 500, seq MOD 40, seq MOD 3000, seq MOD 200,
       IF(seq MOD 9 = 0, NULL, seq MOD 100000), seq MOD 800, '2024-12-01 00:00:00' - INTERVAL seq MINUTE,
       '2018-01-01 00:00:00' + INTERVAL seq SECOND, '2024-12-01 00:00:00' - INTERVAL seq MINUTE,
       '2020-01-01 00:00:00', '2025-01-01 00:00:00'
     FROM seq_1_to_${repos}`,
    `INSERT INTO Activities (id, user_id, date, commits, pull_requests, issues_opened, createdAt, updatedAt)
     SELECT seq + ${o}, ${o} + 1 + (seq - 1) DIV ${v.activityDays}, '2025-12-31' - INTERVAL (seq - 1) MOD ${v.activityDays} DAY,
       seq MOD 17, seq MOD 5, seq MOD 3, '2025-12-31 00:00:00', '2025-12-31 00:00:00'
     FROM seq_1_to_${activities}`,
    `INSERT INTO UserRankings (id, user_id, country, score, total_commits, total_contributions, followers, public_repos,
       global_rank, country_rank, last_calculated_at)
     SELECT seq + ${o}, seq + ${o}, ELT(1 + seq MOD 5, 'Germany', 'United States', 'India', 'Viet Nam', NULL),
       1000000 - seq, seq MOD 900, seq MOD 1200, seq MOD 5000, seq MOD 120, seq, IF(seq MOD 5 = 4, NULL, 1 + seq DIV 5),
       '2025-06-01 00:00:00'
     FROM seq_1_to_${v.users}`,
    `INSERT INTO RankingSnapshots (id, user_id, followers, public_repos, score, global_rank, country_rank,
       ranking_calculated_at, job_id, recorded_at)
     SELECT seq + ${o}, ${o} + 1 + (seq - 1) MOD ${v.users}, seq MOD 5000, seq MOD 120, 1000000 - seq, 1 + (seq - 1) MOD ${v.users},
       IF((1 + (seq - 1) MOD ${v.users}) MOD 5 = 4, NULL, 1 + ((seq - 1) MOD ${v.users}) DIV 5), '2025-01-01 00:00:00' + INTERVAL (seq - 1) DIV ${v.users} DAY,
       CONCAT('rank-', (seq - 1) DIV ${v.users}), '2025-01-01 00:05:00' + INTERVAL (seq - 1) DIV ${v.users} DAY
     FROM seq_1_to_${snapshots}`,
  ];
}

export interface LegacyDatabase {
  readonly name: string;
  /** `mysql://root@127.0.0.1:3306/<name>` */
  readonly url: string;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Creates a user that may only read this database; returns its URL (with the password). */
  createReader(password: string): Promise<string>;
  drop(): Promise<void>;
}

/** Creates a legacy database of its own on the shared MariaDB with `volume` bulk rows plus every kind of dirty row. */
export async function createLegacyDatabase(
  prefix: string,
  volume: LegacyVolume,
  withDirtyRows = true,
): Promise<LegacyDatabase> {
  const name = uniqueName(prefix).toLowerCase();
  const connection = await mysql.createConnection({
    ...SHARED_MYSQL,
    multipleStatements: true,
    charset: 'UTF8MB4_UNICODE_CI',
  });
  const readers: string[] = [];
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await connection.query(`USE \`${name}\``);
  await connection.query(
    `SET SESSION sql_mode = '', foreign_key_checks = 0, check_constraint_checks = 0, time_zone = '+00:00'`,
  );
  await connection.query(SCHEMA);
  if (withDirtyRows) await connection.query(DIRTY);
  for (const statement of bulk(volume)) await connection.query(statement);
  return {
    name,
    url: `mysql://root@127.0.0.1:3306/${name}`,
    async query<T>(sql: string, params: unknown[] = []) {
      const [rows] = await connection.query(sql, params);
      return rows as T[];
    },
    async createReader(password) {
      const user = `r_${name}`.slice(0, 32);
      await connection.query(`CREATE USER '${user}'@'%' IDENTIFIED BY ?`, [password]);
      await connection.query(`GRANT SELECT ON \`${name}\`.* TO '${user}'@'%'`);
      readers.push(user);
      return `mysql://${user}:${encodeURIComponent(password)}@127.0.0.1:3306/${name}`;
    },
    async drop() {
      for (const user of readers) await connection.query(`DROP USER IF EXISTS '${user}'@'%'`);
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}
