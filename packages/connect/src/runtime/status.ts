/** Kafka Connect's states, as its status API shows them. */
export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING' | 'STOPPED';
export type TaskState = Exclude<ConnectorState, 'STOPPED'>;
/** What the user asked for (Kafka's TargetState). */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

export interface StateInfo {
  state: ConnectorState;
  worker_id: string;
  trace?: string;
}

export interface TaskStatusInfo extends StateInfo {
  id: number;
}

export interface ConnectorStatusInfo {
  name: string;
  connector: StateInfo;
  tasks: TaskStatusInfo[];
  type: 'source' | 'sink';
}
