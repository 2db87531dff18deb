/**
 * GraphQL documents shaped like the ones a harvester sends (a user's repositories; a year of
 * contributions with per-kind detail), used by the stand-in's tests.
 */
export const REPOSITORIES = /* GraphQL */ `
  query Repositories($login: String!, $after: String) {
    user(login: $login) {
      databaseId
      login
      name
      followers {
        totalCount
      }
      gists {
        totalCount
      }
      organizations(first: 10) {
        nodes {
          login
          name
        }
      }
      socialAccounts(first: 10) {
        nodes {
          provider
          url
        }
      }
      repositories(
        first: 100
        after: $after
        ownerAffiliations: OWNER
        orderBy: { field: CREATED_AT, direction: ASC }
      ) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          databaseId
          name
          stargazerCount
          forkCount
          primaryLanguage {
            name
          }
          licenseInfo {
            spdxId
          }
          repositoryTopics(first: 20) {
            nodes {
              topic {
                name
              }
            }
          }
          issues {
            totalCount
          }
          pullRequests {
            totalCount
          }
          defaultBranchRef {
            target {
              ... on Commit {
                history {
                  totalCount
                }
              }
            }
          }
          createdAt
          updatedAt
          pushedAt
        }
      }
    }
    rateLimit {
      cost
      remaining
      limit
      used
      resetAt
    }
  }
`;

export const CONTRIBUTIONS = /* GraphQL */ `
  query Contributions($login: String!, $from: DateTime, $to: DateTime) {
    user(login: $login) {
      contributionsCollection(from: $from, to: $to) {
        totalCommitContributions
        totalPullRequestContributions
        totalIssueContributions
        totalPullRequestReviewContributions
        totalRepositoryContributions
        contributionCalendar {
          totalContributions
          weeks {
            contributionDays {
              date
              contributionCount
              weekday
            }
          }
        }
        commitContributionsByRepository(maxRepositories: 100) {
          repository {
            databaseId
          }
          contributions(first: 100) {
            totalCount
            nodes {
              occurredAt
              commitCount
            }
          }
        }
        pullRequestContributions(first: 100) {
          totalCount
          nodes {
            occurredAt
          }
        }
        issueContributions(first: 100) {
          totalCount
          nodes {
            occurredAt
          }
        }
        pullRequestReviewContributions(first: 100) {
          totalCount
          nodes {
            occurredAt
          }
        }
        repositoryContributions(first: 100) {
          totalCount
          nodes {
            occurredAt
          }
        }
      }
    }
  }
`;
