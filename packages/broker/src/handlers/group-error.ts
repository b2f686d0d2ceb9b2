import { GregorError, type ErrorName } from '@gregor/common';

const MESSAGES: Partial<Record<ErrorName, string>> = {
  NOT_COORDINATOR: 'this broker is not the coordinator of the group; find it again with FindCoordinator',
  COORDINATOR_LOAD_IN_PROGRESS: 'the coordinator is loading the group; retry shortly',
  COORDINATOR_NOT_AVAILABLE: 'the group coordinator is not available; retry shortly',
};

/** A coordinator's error name (its domain answers carry names only) as a response error; null for NONE. */
export function groupError(name: ErrorName, detail?: string): GregorError | null {
  if (name === 'NONE') return null;
  return new GregorError(name, detail ?? MESSAGES[name] ?? name.toLowerCase().replace(/_/g, ' '));
}
