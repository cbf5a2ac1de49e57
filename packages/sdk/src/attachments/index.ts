export type { AttachmentUrls, UploadOptions } from './attachment-client.js';
export type { AttachmentInput, UploadProgress } from './attachment-input.js';
export {
  attachmentMessageParts,
  isAttachmentPart,
  isInlineImagePart,
  type SendAttachmentOptions,
} from './send-attachment.js';
