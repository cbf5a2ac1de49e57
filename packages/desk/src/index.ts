export { OperatorRoster, type OperatorChoice } from './operator-roster.js';
