/**
 * Operator notifications: the types modules implement (`operatorNotifier`) and call
 * (`platform.alerts`); see src/platform/alerts/operator-alerts.ts and docs/operations.md.
 */
export type {
  Incident,
  IncidentResolution,
  OperatorAlerts,
  OperatorNotifier,
} from '../platform/alerts/operator-alerts';
