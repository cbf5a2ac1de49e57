import type { Conversation, ConversationType, Participant, Permissions } from '@parley/protocol';

export interface ConversationRow {
  id: string;
  type: ConversationType;
  title: string | null;
  custom_data: Record<string, unknown>;
  distinct_key: string | null;
  join_permissions: Partial<Permissions> | null;
  last_seq: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface ParticipantRow {
  conversation_id: string;
  user_id: string;
  username: string;
  display_name: string;
  can_write: boolean;
  can_edit_own: boolean;
  can_edit_all: boolean;
  can_manage_participants: boolean;
  is_owner: boolean;
  last_read_seq: number;
  joined_at: Date;
  /** Absent where a query does not read it (then the participant is shown as a person). */
  is_bot?: boolean;
}

/** What deciding a participant's rights needs: no user details. */
export type ParticipantAccessRow = Pick<
  ParticipantRow,
  | 'user_id'
  | 'can_write'
  | 'can_edit_own'
  | 'can_edit_all'
  | 'can_manage_participants'
  | 'is_owner'
  | 'last_read_seq'
>;

export function permissionsOf(row: ParticipantAccessRow): Permissions {
  return {
    write: row.can_write,
    editOwn: row.can_edit_own,
    editAll: row.can_edit_all,
    manageParticipants: row.can_manage_participants,
    owner: row.is_owner,
  };
}

export function toParticipant(row: ParticipantRow): Participant {
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    permissions: permissionsOf(row),
    lastReadSeq: row.last_read_seq,
    joinedAt: row.joined_at.toISOString(),
    ...(row.is_bot ? { bot: true as const } : {}),
  };
}

export function toConversation(row: ConversationRow, participants: ParticipantRow[]): Conversation {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    customData: row.custom_data as Conversation['customData'],
    distinct: row.distinct_key !== null,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    lastSeq: row.last_seq,
    participants: participants.map(toParticipant),
  };
}
