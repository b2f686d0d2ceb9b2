// Original file: gregor/v1/client.proto

import type { Coordinator as _gregor_v1_Coordinator, Coordinator__Output as _gregor_v1_Coordinator__Output } from '../../gregor/v1/Coordinator';

export interface FindCoordinatorResponse {
  'coordinators'?: (_gregor_v1_Coordinator)[];
}

export interface FindCoordinatorResponse__Output {
  'coordinators': (_gregor_v1_Coordinator__Output)[];
}
