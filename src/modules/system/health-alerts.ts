import type { HealthReport } from '../../core/health';
import type { OperatorAlerts } from '../../core/operator-alerts';

/**
 * Health-driven incidents: a required component `down` is critical, a component `degraded` a
 * warning; back to `ok` (or `disabled`) resolves it.
 */
export function alertOnHealth(alerts: OperatorAlerts, report: HealthReport): void {
  for (const component of report.components) {
    const key = `health:${component.name}`;
    if (component.status === 'down' || component.status === 'degraded') {
      alerts.raise({
        key,
        severity: component.status === 'down' && component.required ? 'critical' : 'warning',
        summary: `${component.name} is ${component.status}${component.message ? `: ${component.message}` : ''}`,
        details: { component: component.name, status: component.status, required: component.required },
      });
    } else {
      alerts.resolve(key);
    }
  }
}
