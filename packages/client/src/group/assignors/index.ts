export { rangeAssignor } from './range';
export { roundRobinAssignor } from './round-robin';
export { cooperativeStickyAssignor, stickyAssign } from './cooperative-sticky';
export { compareMembers, type GroupMember, type PartitionAssignor, type PartitionCounts, type RebalanceProtocol } from './types';
