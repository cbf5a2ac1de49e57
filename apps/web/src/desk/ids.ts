/**
 * `data-testid` values of the operators' chat desk (add ids, never rename them).
 *
 *   desk-button             sidebar: opens the chat desk (operators only); data-waiting, data-mine counts
 *   chat-desk               the desk (main area)
 *   desk-waiting            the list of conversations nobody has; desk-waiting-empty when there are none
 *   desk-waiting-empty
 *   desk-mine               the caller's own desk conversations; desk-mine-empty when there are none
 *   desk-mine-empty
 *   desk-item               one desk conversation: data-conversation-id, data-state
 *   desk-accept             accepts an assigned conversation (and opens it)
 *   desk-open               opens an accepted conversation
 *   desk-close              closes an accepted conversation (the operator leaves it)
 *   desk-error              the last failure (role="alert")
 *   desk-event              in a chat: a desk message ("Assigned to Bob Example")
 */
export const DeskIds = {
  button: 'desk-button',
  desk: 'chat-desk',
  waiting: 'desk-waiting',
  waitingEmpty: 'desk-waiting-empty',
  mine: 'desk-mine',
  mineEmpty: 'desk-mine-empty',
  item: 'desk-item',
  accept: 'desk-accept',
  open: 'desk-open',
  close: 'desk-close',
  error: 'desk-error',
  event: 'desk-event',
} as const;
