/**
 * Every string the kit shows, in English (the default). A host replaces any of them with the
 * `strings` prop; a function takes what the sentence names (a count, a person).
 */
/** "A", "A and B", "A, B and C". */
export const listOf = (names: string[], and: string) =>
  names.length > 1 ? `${names.slice(0, -1).join(', ')} ${and} ${names[names.length - 1]}` : (names[0] ?? '');

export const en = {
  // The layout
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting… Messages you write will be sent when the connection returns.',
  chooseConversation: 'Choose a conversation, or start a new one.',
  /** For whoever starts none (a care team's members). */
  chooseExistingConversation: 'Choose a conversation.',
  loading: 'Loading…',
  // The conversation list
  conversations: 'Conversations',
  searchConversations: 'Search conversations',
  searchPlaceholder: 'Search',
  newConversation: 'New conversation',
  show: 'Show',
  active: 'Active',
  archived: 'Archived',
  noArchived: 'No archived conversations.',
  noConversations: 'No conversations yet.',
  noMessagesYet: 'No messages yet',
  unread: (count: number) => `${count} unread`,
  doctor: 'Doctor',
  patient: 'Patient',
  /** A member of a doctor's care team with no designation, or one who wrote and has since left the team. */
  careTeam: 'Care team',
  // Starting a conversation
  startConversation: 'Start a conversation',
  close: 'Close',
  searchPeople: 'Search people',
  searchByName: 'Search by name',
  nobodyByName: 'Nobody by that name shares an appointment with you.',
  nobodyYet: 'You can message people you share an appointment with. There is nobody yet.',
  showingFirst: (count: number) => `Showing the first ${count} by name: search to find anyone else.`,
  // The thread
  conversationWith: (name: string) => `Conversation with ${name}`,
  backToConversations: 'Back to conversations',
  online: 'Online',
  offline: 'Offline',
  lastSeen: (when: string) => `Last seen ${when}`,
  archive: 'Archive',
  unarchive: 'Unarchive',
  whoElseRead: 'Who else read this',
  /** Under the thread's name: the doctor's care team (and the doctor, for a member), by name. */
  withTeam: (names: string[]) => `with ${names.join(', ')}`,
  // Search within a conversation
  searchInConversation: 'Search in this conversation',
  searchMessages: 'Search messages',
  closeSearch: 'Close search',
  newerHit: 'Newer result',
  olderHit: 'Older result',
  searchResults: (count: number, more: boolean) =>
    count === 0 ? 'No messages found' : `${count}${more ? '+' : ''} ${count === 1 && !more ? 'result' : 'results'}`,
  hitOf: (n: number, count: number, more: boolean) => `${n} of ${count}${more ? '+' : ''}`,
  searchFailed: 'Search failed. Try again.',
  messages: 'Messages',
  scrollUpForEarlier: 'Scroll up for earlier messages',
  /** The line above the first message that was unread when the thread opened. */
  newMessagesLine: 'New messages',
  /** The pill over a thread scrolled up: how many messages arrived below since. */
  newMessagesCount: (count: number) => (count === 1 ? '1 new message ↓' : `${count} new messages ↓`),
  latestMessages: 'Latest messages ↓',
  newMessageFrom: (name: string, text: string) => `New message from ${name}: ${text}`,
  yourContact: 'your contact',
  attachment: 'attachment',
  closedConversation: 'You can no longer send messages in this conversation.',
  /** Who of the conversation is typing, one or more: "Nurse Joy is typing…", "Nurse Joy and Dr. Smith are typing…". */
  typing: (names: string[]) => (names.length > 1 ? `${listOf(names, 'and')} are typing…` : `${names[0]} is typing…`),
  today: 'Today',
  yesterday: 'Yesterday',
  // Access log
  accessLog: 'Access log',
  nobodyOutside: 'Nobody outside this conversation has opened it.',
  noReasonGiven: ' (no reason given)',
  /** Who read it, by the role the server names (ADMIN, DOCTOR, PATIENT). */
  actorRole: (role: string) => role.toLowerCase(),
  // A message
  messageDeleted: 'This message was deleted',
  editMessage: 'Edit message',
  save: 'Save',
  cancel: 'Cancel',
  view: (fileName: string) => `View ${fileName}`,
  edited: 'edited',
  messageOptions: 'Message options',
  react: (emoji: string) => `React ${emoji}`,
  reply: 'Reply',
  edit: 'Edit',
  copy: 'Copy',
  deleteForMe: 'Delete for me',
  deleteForEveryone: 'Delete for everyone',
  deleteForEveryoneTitle: 'Delete this message for everyone?',
  deleteForEveryoneBody: 'It will be removed for both of you. This cannot be undone.',
  notSent: (error: string) => `Not sent: ${error}`,
  discard: 'Discard',
  sendingNow: 'Sending…',
  download: 'Download',
  fileSize: (kilobytes: number) => `${kilobytes} KB`,
  downloadFailed: (fileName: string) => `${fileName} could not be downloaded. Try again.`,
  // Receipts
  tickPending: 'Sending',
  tickFailed: 'Not sent',
  tickSent: 'Sent',
  tickDelivered: 'Delivered',
  tickRead: 'Read',
  /** Under my newest message someone read, where a care team takes part: "Read by Nurse Joy and Dr. Smith". */
  readBy: (names: string[]) => `Read by ${listOf(names, 'and')}`,
  // The composer
  replyingTo: 'Replying to:',
  attachmentLabel: 'Attachment',
  cancelReply: 'Cancel reply',
  uploading: (name: string) => `Uploading ${name}`,
  remove: (name: string) => `Remove ${name}`,
  attachFile: 'Attach a file',
  message: 'Message',
  writeMessage: 'Write a message',
  send: 'Send',
  charactersLeft: (count: number) => `${count} characters left`,
  typingNow: 'typing…',
  archiveFailed: 'This conversation could not be archived. Check your connection and try again.',
  unarchiveFailed: 'This conversation could not be moved out of the archive. Check your connection and try again.',
  conversationsFailed: 'Your conversations could not be loaded. Check your connection and try again.',
  searchConversationsFailed: 'The search could not be done. Check your connection and try again.',
  tryAgain: 'Try again',
  tryUploadAgain: (fileName: string) => `Try sending ${fileName} again`,
  nextPicture: 'Next picture',
  previousPicture: 'Previous picture',
  pictureOf: (n: number, total: number) => `Picture ${n} of ${total}`,
  downloadFile: (fileName: string) => `Download ${fileName}`,
  openPdf: (fileName: string) => `Open ${fileName}`,
  openFailed: (fileName: string) => `${fileName} could not be opened. Try again.`,
  // Notification settings
  notificationSettings: 'Notification settings',
  notifications: 'Notifications',
  pushUnsupported: 'This browser cannot show notifications.',
  pushBlocked: 'Notifications are blocked for CareChat in this browser.',
  pushFailed:
    'This browser could not turn on notifications. ' +
    'Check that it may show notifications for CareChat and is online, then try again.',
  pushOffFailed:
    'Notifications could not be turned off on this device. ' +
    "Turn them off in this browser's settings for CareChat, or try again when online.",
  notifyOnDevice: 'Notify me on this device when a message arrives while CareChat is closed',
  showSender: 'Show who wrote (otherwise only “New secure message”)',
  reminders: 'E-mail and text reminders',
  remindersExplained:
    'When a message stays unread and CareChat is not open on any of your devices, we send one reminder ' +
    '(never the message itself).',
  remindByEmail: 'By e-mail',
  remindBySms: 'By text message',
  noEmailOnFile: 'no e-mail address on file',
  noPhoneOnFile: 'no mobile number on file',
  quietHours: 'Quiet hours',
  quietFrom: 'from',
  quietUntil: 'until',
  timeZone: 'Time zone',
  saveReminders: 'Save reminders',
  remindersSaved: 'Reminder settings saved.',
  done: 'Done',
  // Saved replies (clinicians)
  savedReplies: 'Saved replies',
  savedRepliesHint:
    'Type / at the start of a message to insert one. {patient.firstName} and {doctor.name} ' +
    "are filled in with the conversation's patient's first name and doctor's name.",
  newSavedReply: 'New saved reply',
  savedReplyName: 'Name',
  savedReplyBody: 'Text',
  add: 'Add',
  delete: 'Delete',
  yourSavedReplies: 'Yours',
  noSavedReplies: 'You have no saved replies yet.',
  editSavedReply: (name: string) => `Edit ${name}`,
  deleteSavedReply: (name: string) => `Delete ${name}`,
  teamSavedReplies: 'Shared with your team',
  teamSavedRepliesNote: 'Your organisation manages these.',
  teamReply: 'team',
  savedReplyNameTaken: 'You already have a saved reply with this name.',
  // Acknowledgement requested and urgent messages
  askToAcknowledge: 'Ask to acknowledge',
  markUrgent: 'Urgent',
  urgent: 'Urgent',
  urgentConversation: 'Urgent: waiting for your reply',
  /** Shown to a patient marking a message urgent, unless the clinic set its own (EMERGENCY_NOTICE). */
  emergencyNotice:
    'If this is an emergency, call your local emergency number or go to the nearest emergency department. ' +
    'Messages here are not watched around the clock.',
  ackRequested: 'Please confirm you have read this message',
  iHaveReadThis: 'I have read this',
  acknowledgedAt: (time: string) => `Acknowledged ${time}`,
  awaitingAcknowledgement: 'Awaiting acknowledgement',
  pendingAcksTitle: 'Awaiting acknowledgement',
  noPendingAcks: 'Every message you asked to acknowledge has been acknowledged.',
  remindersSent: (count: number) => (count === 1 ? '1 reminder sent' : `${count} reminders sent`),
  sentAt: (time: string) => `Sent ${time}`,
  // Triage (clinicians)
  needsReply: 'Needs reply',
  noneNeedReply: 'Nobody is waiting for a reply.',
  /** How long the patient has waited: "waiting 2 h". */
  waiting: (n: number, unit: 'min' | 'h' | 'd') => `waiting ${n} ${unit}`,
  handledBy: (name: string) => `${name} is handling this`,
  handledByYou: 'You are handling this',
  assign: 'Assign',
  assignTo: 'Assign to',
  assignMe: (name: string) => `Me (${name})`,
  assignNobody: 'Nobody',
  assignFailed: 'Could not assign. Try again.',
};

/** The catalogue's shape: another language gives every key, a host any of them. */
export type Strings = typeof en;
