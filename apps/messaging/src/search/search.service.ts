import { Inject, Injectable } from '@nestjs/common';
import type { SearchQuery, SearchResponse } from '@parley/protocol';
import { ValidationError } from '../errors/domain-errors.js';
import { toMessage } from '../messages/messages.repository.js';
import { SearchRepository } from './search.repository.js';
import {
  decodeSearchCursor,
  encodeSearchCursor,
  toPrefixTsQuery,
  toSnippetSegments,
} from './search-terms.js';

@Injectable()
export class SearchService {
  constructor(@Inject(SearchRepository) private readonly repo: SearchRepository) {}

  /** The caller's messages matching every word of `q`, newest first, a page at a time. */
  async search(userId: string, query: SearchQuery): Promise<SearchResponse> {
    const tsQuery = toPrefixTsQuery(query.q);
    if (!tsQuery)
      throw new ValidationError('query.q: nothing to search for', [
        { path: 'query.q', message: 'must contain a letter or a digit' },
      ]);
    const before = query.before ? decodeSearchCursor(query.before) : undefined;
    // One row more than asked tells whether another page exists without a count.
    const rows = await this.repo.search(userId, tsQuery, before, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      hits: page.map((row) => ({
        conversationId: row.conversation_id,
        message: toMessage(row),
        snippet: toSnippetSegments(row.headline ?? ''),
      })),
      nextBefore:
        rows.length > query.limit && last
          ? encodeSearchCursor({ createdAtMicros: String(last.position_micros), messageId: last.id })
          : null,
    };
  }
}
