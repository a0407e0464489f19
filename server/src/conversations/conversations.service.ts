import { randomUUID } from 'node:crypto';
import {
  isClinician,
  opensConversations,
  type AccessLogEntry,
  type Conversation,
  type ConversationCounts,
  type ConversationListQuery,
  type Page,
  type Participant,
} from '@carechat/protocol';
import { audit } from '../audit/audit.js';
import { findOutsideAccess } from '../audit/audit.store.js';
import type { Actor, Deps } from '../context.js';
import { AppError, forbidden, notFound } from '../errors.js';
import { InOrder } from '../realtime/in-order.js';
import type { Notifier } from '../realtime/notifier.js';
import type { Presence } from '../presence/presence.js';
import { findUserById } from '../users/users.store.js';
import { assertParticipant } from './access.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { presentConversation, presentPerson } from './conversations.present.js';
import {
  CONTACTS_PAGE,
  findContacts,
  sharedAppointments,
  findConversationAccess,
  findConversationCounts,
  findConversationViews,
  findUrgentConversationIds,
  insertConversation,
  setArchived,
  type ConversationFilter,
  type ConversationRow,
} from './conversations.store.js';
import { joinedColumn, onlyRow } from '../db/rows.js';
import { withTransaction } from '../db/pool.js';
import { findCareTeams, lockDoctorsTeam } from '../care-teams/care-teams.store.js';
import { findReaders } from '../receipts/receipts.store.js';

/** How many urgent conversations a doctor's first page brings up at most, beyond its own rows. */
const URGENT_FIRST = 50;

const NO_MESSAGES: ConversationCounts = { messages: 0, deleted: 0, edited: 0, attachments: 0 };

export class ConversationsService {
  /** Each person's views of a conversation, told in the order they were read (tellView). */
  private readonly telling = new InOrder();

  constructor(
    private readonly deps: Deps,
    private readonly notifier: Notifier,
    readonly presence: Presence,
  ) {}

  /** Previews are message content: the list is an audited read, naming the conversations shown. */
  async list(actor: Actor, q: ConversationListQuery): Promise<Page<Conversation>> {
    // Triage is the care side's work queue; a patient's own list has nothing to filter by it.
    if (q.needsReply && !isClinician(actor.role)) throw forbidden('needsReply: only clinicians triage conversations');
    const page = await this.page(actor.id, {
      memberOnly: true,
      archived: q.archived,
      q: q.q,
      needsReply: q.needsReply,
      after: decodeCursor(q.needsReply ? 'waiting' : 'activity', q.cursor),
      limit: q.limit,
    });
    // The needs-reply list is in waiting order already, urgent or not.
    if (isClinician(actor.role) && !q.cursor && !q.archived && !q.q && !q.needsReply)
      page.data = await this.urgentFirst(actor, page.data);
    await audit(this.deps.db, actor, {
      action: 'conversations.list',
      outcome: 'success',
      details: { count: page.data.length, conversationIds: page.data.map((c) => c.id) },
    });
    return page;
  }

  /**
   * A doctor's first page with their conversations holding an unanswered urgent message on top,
   * also those whose activity would place them on a later page (they come again there: clients
   * keep a conversation by id). Each group keeps the list's order, newest activity first.
   */
  private async urgentFirst(actor: Actor, data: Conversation[]): Promise<Conversation[]> {
    const ids = await findUrgentConversationIds(this.deps.db, actor.id, URGENT_FIRST);
    const shown = new Set(data.map((c) => c.id));
    const missing = ids.filter((id) => !shown.has(id));
    const more = missing.length
      ? await this.present(
          await findConversationViews(this.deps.db, actor.id, { memberOnly: true, ids: missing }),
          actor.id,
        )
      : [];
    const all = [...data, ...more];
    return [...all.filter((c) => c.urgentAt), ...all.filter((c) => !c.urgentAt)];
  }

  /** Any conversation, for an admin: the same view with no membership, and no content (see `present`). */
  async listAll(q: {
    q?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  }): Promise<Page<Conversation>> {
    return this.page(null, { memberOnly: false, q: q.q, after: decodeCursor('activity', q.cursor), limit: q.limit });
  }

  async get(actor: Actor, id: string): Promise<Conversation> {
    const view = await this.viewFor(actor.id, id);
    if (!view) throw notFound('No such conversation');
    await audit(this.deps.db, actor, { action: 'conversations.read', outcome: 'success', conversationId: view.id });
    return view;
  }

  /** The conversation as `userId` sees it, or null when they take no part in it. */
  async viewFor(userId: string | null, id: string): Promise<Conversation | null> {
    const [row] = await findConversationViews(this.deps.db, userId, { memberOnly: userId !== null, ids: [id] });
    return row ? onlyRow(await this.present([row], userId), 'viewFor: the conversation presented') : null;
  }

  /**
   * Gets or creates the one conversation between the caller and a person they share an
   * appointment with. Someone the caller never shared one with answers exactly as an id that
   * does not exist, blocked or not: a doctor cannot probe which record ids are patients here.
   */
  async open(actor: Actor, participantId: string): Promise<{ conversation: Conversation; created: boolean }> {
    if (!opensConversations(actor.role))
      throw forbidden(
        actor.role === 'STAFF'
          ? "Care team members take part in their doctors' conversations"
          : 'Admins read conversations; they do not take part in them',
      );
    const [patientId, doctorId] = actor.role === 'PATIENT' ? [actor.id, participantId] : [participantId, actor.id];
    // Both lookups always run, so an unknown id takes no less time than a stranger's.
    // Not the contact list: that is one page of 200 by name, and a doctor may have more patients.
    const [other, shared] = await Promise.all([
      findUserById(this.deps.db, participantId),
      sharedAppointments(this.deps.db, patientId, doctorId),
    ]);
    const wantedRole = actor.role === 'PATIENT' ? 'DOCTOR' : 'PATIENT';
    if (!other || other.status === 'deleted' || other.role !== wantedRole || shared === 'never')
      throw notFound('No such person to talk to');
    if (other.status === 'blocked') throw new AppError('USER_BLOCKED', 'This person cannot receive messages');
    if (shared === 'ended') throw new AppError('NO_APPOINTMENT', 'You do not share an appointment with this person');
    const id = randomUUID();
    const { wrappedKey, keyVersion } = this.deps.keyring.newDataKey(id);
    const result = await withTransaction(this.deps.db, async (tx) => {
      await lockDoctorsTeam(tx, doctorId, 'create');
      return insertConversation(tx, { id, patientId, doctorId, wrappedKey, keyVersion });
    });
    if (!result.created) this.deps.keyring.forget(id);
    // A new conversation holds nothing yet; an existing one shows its last message's preview, so is a read.
    const conversation = result.created ? await this.viewFor(actor.id, result.id) : await this.get(actor, result.id);
    if (!conversation) throw notFound('No such conversation');
    return { conversation, created: result.created };
  }

  /** Throws NOT_FOUND unless the actor takes part in the conversation (a device opening it on screen). */
  async requireParticipant(actor: Actor, id: string): Promise<void> {
    assertParticipant(await findConversationAccess(this.deps.db, id), actor);
  }

  async setArchived(actor: Actor, id: string, archived: boolean): Promise<Conversation> {
    assertParticipant(await findConversationAccess(this.deps.db, id), actor);
    await setArchived(this.deps.db, id, actor.id, archived);
    const view = await this.get(actor, id);
    this.notifier.toUsers([actor.id], 'conversation:updated', view);
    return view;
  }

  async accessLog(actor: Actor, id: string): Promise<AccessLogEntry[]> {
    const conv = await findConversationAccess(this.deps.db, id);
    assertParticipant(conv, actor);
    return findOutsideAccess(this.deps.db, conv.id, conv.member_ids);
  }

  /** The first page by name; `hasMore` says there are more to find by searching. */
  async contacts(actor: Actor, q?: string): Promise<{ data: Participant[]; hasMore: boolean }> {
    // Admins talk to no one; a team member's contacts are their doctors' patients, reached through them.
    if (!opensConversations(actor.role)) return { data: [], hasMore: false };
    const found = await findContacts(this.deps.db, actor.id, actor.role, q, CONTACTS_PAGE + 1);
    const rows = found.slice(0, CONTACTS_PAGE);
    const online = await this.presence.onlineAmong(rows.map((r) => r.id));
    const data = rows.map((r) => presentPerson(r, online));
    return { data, hasMore: found.length > CONTACTS_PAGE };
  }

  /** Sends each participant their own view (unread counts differ). */
  async notifyUpdated(conversationId: string, userIds: string[]): Promise<void> {
    for (const userId of userIds) await this.tellView(conversationId, userId);
  }

  /**
   * `notifyUpdated` for many conversations, to those listed who are connected (on any
   * process); the others read their views when they come back. One presence lookup for all:
   * blocking a doctor tells every one of their patients, building views only for those who
   * will see them. While Redis is unreachable everyone listed is told, so that fan-out can
   * remember for catch-up what devices on other processes missed.
   */
  async notifyUpdatedMany(items: { conversationId: string; userIds: string[] }[]): Promise<void> {
    const online = await this.presence.onlineAmongIfKnown([...new Set(items.flatMap((i) => i.userIds))]);
    for (const { conversationId, userIds } of items)
      for (const userId of userIds) if (!online || online.has(userId)) await this.tellView(conversationId, userId);
  }

  /**
   * One person's view of one conversation, or `conversation:removed` when they no longer take
   * part. Told in the order the views were read: a view read just before a care team dropped
   * them must not arrive after the removal and put the conversation back in their list.
   */
  private tellView(conversationId: string, userId: string): Promise<void> {
    return this.telling.run(`${conversationId} ${userId}`, async () => {
      const view = await this.viewFor(userId, conversationId);
      if (view) this.notifier.toUsers([userId], 'conversation:updated', view);
      else this.notifier.toUsers([userId], 'conversation:removed', { conversationId });
    });
  }

  private async page(
    viewerId: string | null,
    filter: ConversationFilter & { limit: number },
  ): Promise<Page<Conversation>> {
    const rows = await findConversationViews(this.deps.db, viewerId, { ...filter, limit: filter.limit + 1 });
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    const cursorOf = (r: ConversationRow) =>
      filter.needsReply
        ? encodeCursor('waiting', { key: joinedColumn(r.waiting_key, 'waiting_key'), id: r.id })
        : encodeCursor('activity', { key: r.activity_key, id: r.id });
    return {
      data: await this.present(page, viewerId),
      nextCursor: rows.length > filter.limit && last ? cursorOf(last) : null,
    };
  }

  /**
   * One presence lookup for the whole page (a Redis round trip with several processes). With
   * no viewer (an admin), counts in place of previews: listing is not reading.
   */
  private async present(rows: ConversationRow[], viewerId: string | null): Promise<Conversation[]> {
    // One query each for the teams and the watermarks of the whole page, never one per row.
    const [teams, readers] = await Promise.all([
      findCareTeams(this.deps.db, [...new Set(rows.map((r) => r.doctor_id))]),
      findReaders(
        this.deps.db,
        rows.map((r) => r.id),
        viewerId,
      ),
    ]);
    const teamOf = (r: ConversationRow) => teams.get(r.doctor_id) ?? [];
    const peopleOf = (r: ConversationRow) => ({ careTeam: teamOf(r), readers: readers.get(r.id) ?? [] });
    const online = await this.presence.onlineAmong([
      ...new Set(rows.flatMap((r) => [r.patient_id, r.doctor_id, ...teamOf(r).map((m) => m.id)])),
    ]);
    const notice = this.deps.config.emergencyNotice;
    if (viewerId !== null)
      return rows.map((r) => {
        const view = presentConversation(r, peopleOf(r), this.deps.keyring, online);
        if (viewerId !== r.patient_id) return view;
        // The patient is who is shown the emergency notice (when marking a message urgent); who
        // of the team handles it is the care side's internal workflow, never shown to them.
        return { ...view, assignee: null, ...(notice ? { emergencyNotice: notice } : {}) };
      });
    const counts = await findConversationCounts(
      this.deps.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) =>
      presentConversation(r, peopleOf(r), this.deps.keyring, online, counts.get(r.id) ?? NO_MESSAGES),
    );
  }
}
