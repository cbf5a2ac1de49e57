import {
  CallLogBody,
  CallLogMimeType,
  KnownMimeTypes,
  VoipLinkBody,
  type MessagePartInput,
} from '@parley/protocol';
import { describeIssues } from '@parley/service-kit';
import type { FieldIssue } from '../errors/domain-errors.js';

/** Parts whose MIME type Parley understands must carry a body of that type. */
export function findPartContentIssues(parts: MessagePartInput[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  parts.forEach((part, i) => {
    const mime = part.mimeType.split(';')[0]!.trim().toLowerCase();
    if (part.body === undefined) return;
    if (mime === KnownMimeTypes.json || mime === KnownMimeTypes.voipLink || mime === CallLogMimeType) {
      let json: unknown;
      try {
        json = JSON.parse(part.body);
      } catch {
        issues.push({ path: `body.parts.${i}.body`, message: `${mime} body must be JSON` });
        return;
      }
      if (mime === KnownMimeTypes.voipLink || mime === CallLogMimeType) {
        const schema = mime === CallLogMimeType ? CallLogBody : VoipLinkBody;
        const parsed = schema.safeParse(json);
        if (!parsed.success) issues.push(...describeIssues(parsed.error.issues, `body.parts.${i}.body`));
      }
    }
    if (part.encoding === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(part.body)) {
      issues.push({ path: `body.parts.${i}.body`, message: 'not valid base64' });
    }
  });
  return issues;
}
