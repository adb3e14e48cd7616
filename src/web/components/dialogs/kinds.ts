/**
 * The dialogs the app can open. A module of its own so that what opens a dialog (the sidebar,
 * the shortcut) and the dialogs themselves need not import each other.
 */
export type DialogKind =
  | 'switch'
  | 'browse'
  | 'channel'
  | 'dm'
  | 'group'
  | 'join-code'
  | 'code'
  | 'shortcuts'
  | 'password'
  | 'reports'
  /** Admins and moderators: everything they run, settings included (admins). */
  | 'admin'
  /** Anyone the server lets make invite links (SelfRights.createInvite). */
  | 'invites'
  | 'sessions';
