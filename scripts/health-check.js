#!/usr/bin/env node
/*
 * Container health check (Dockerfile HEALTHCHECK, ECS/Kubernetes exec probes).
 *
 * GETs the service's health endpoint and exits 0 only when it answers HTTP 200 within the timeout;
 * 1 on anything else (503 "down", any other status, connection refused, timeout, any error), after
 * printing one short line to stderr. No dependencies: it runs with only `node` and this file.
 *
 *   HEALTH_CHECK_URL         default http://127.0.0.1:${PORT:-4000}/api/system/health
 *   HEALTH_CHECK_TIMEOUT_MS  default 3000 (the whole request, connect included)
 */
'use strict';
/* global URL, setTimeout, clearTimeout */

/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS script, run without a build */
const http = require('node:http');
const https = require('node:https');
/* eslint-enable @typescript-eslint/no-require-imports */

const DEFAULT_TIMEOUT_MS = 3000;

function fail(what, reason) {
  console.error(`health-check: ${what} ${reason}`);
  process.exit(1);
}

function main() {
  const port = process.env.PORT || '4000';
  const target = process.env.HEALTH_CHECK_URL || `http://127.0.0.1:${port}/api/system/health`;
  const timeoutSetting = Number(process.env.HEALTH_CHECK_TIMEOUT_MS);
  const timeoutMs =
    Number.isFinite(timeoutSetting) && timeoutSetting > 0 ? timeoutSetting : DEFAULT_TIMEOUT_MS;

  let url;
  try {
    url = new URL(target);
  } catch {
    return fail('HEALTH_CHECK_URL', 'is not a valid URL');
  }
  // Printed without any user:password the URL may carry.
  const shown = `${url.protocol}//${url.host}${url.pathname}`;
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!client) return fail(shown, `has an unsupported protocol ${url.protocol}`);

  const timer = setTimeout(() => fail(shown, `did not answer within ${timeoutMs} ms`), timeoutMs);

  const request = client.get(url, { agent: false, headers: { accept: 'application/json' } }, (response) => {
    response.resume();
    clearTimeout(timer);
    if (response.statusCode === 200) process.exit(0);
    fail(shown, `answered HTTP ${response.statusCode}`);
  });
  request.on('error', (error) => {
    clearTimeout(timer);
    fail(shown, `failed: ${error.code || error.message}`);
  });
}

main();
