/** The operations frontends send most, as the bench sends them (POST JSON to /graphql). */
import { COUNTRIES, DEVELOPERS } from './dataset';

const PROFILE = `query DeveloperProfile($login: String!) {
  user(login: $login) {
    login
    user {
      id login name avatarUrl bio company location websiteUrl createdAt
      followers following publicRepos publicGists harvestedAt
      report {
        periodStart periodEnd score globalRank countryRank percentileInCountry provisional
        trophies { kind name description tier value nextThreshold }
        achievements { kind name description level value nextThreshold }
      }
      repositories(first: 20, orderBy: STARS) {
        totalCount
        nodes { id name description primaryLanguage { name } stargazerCount forkCount pushedAt }
      }
      activity {
        from to activeDays
        totals { commits pullRequests issuesOpened reviews contributions }
        currentStreak { length start end }
        longestStreak { length start end }
      }
    }
  }
}`;

const RANKING_PAGE = `query RankingPage($country: String) {
  rankings(country: $country, first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { rank score rankChange user { id login name avatarUrl } }
  }
}`;

const USERS_PAGE = `query DevelopersPage {
  users(first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id login name avatarUrl followers
      repositories(first: 5, orderBy: STARS) { nodes { id name stargazerCount forkCount } }
    }
  }
}`;

const SEARCH = `query SearchDevelopers($search: String!) {
  users(first: 20, search: $search) {
    nodes { id login name avatarUrl followers }
  }
}`;

const HEALTH = `query Health { systemHealth { status checkedAt version components { name status required latencyMs } } }`;

export const FLOOR_QUERY = '{ __typename }';

export interface Operation {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** The operation of the next request (random scenarios vary it). */
  next(): Operation;
}

const random = (n: number): number => 1 + Math.floor(Math.random() * n);

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'a-hot',
    title: '(a) profile, one hot developer',
    next: () => ({ query: PROFILE, variables: { login: 'dev42' } }),
  },
  {
    id: 'a-random',
    title: '(a) profile, random developers',
    next: () => ({ query: PROFILE, variables: { login: `dev${random(DEVELOPERS)}` } }),
  },
  { id: 'b-global', title: '(b) ranking page, global', next: () => ({ query: RANKING_PAGE }) },
  {
    id: 'b-country',
    title: '(b) ranking page, by country',
    next: () => ({ query: RANKING_PAGE, variables: { country: COUNTRIES[random(COUNTRIES.length) - 1] } }),
  },
  { id: 'c-users', title: '(c) users(first: 50) + 5 repositories', next: () => ({ query: USERS_PAGE }) },
  {
    id: 'd-search',
    title: '(d) user search',
    next: () => ({ query: SEARCH, variables: { search: `dev${random(99)}` } }),
  },
  { id: 'e-health', title: '(e) systemHealth', next: () => ({ query: HEALTH }) },
];

export const FLOOR: Scenario = {
  id: 'floor',
  title: 'floor: { __typename }',
  next: () => ({ query: FLOOR_QUERY }),
};
