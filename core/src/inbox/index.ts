export { ReplayOutsideRetentionError } from "./errors";
export { createInbox, type Inbox, type InboxOptions } from "./inbox";
export { type InboxHandler, type WithInboxOptions, withInbox } from "./with-inbox";
