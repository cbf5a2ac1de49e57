import { Controller, Get, Inject } from '@nestjs/common';
import { RequireScopes, Scopes } from '@parley/auth';
import { SearchQuery, SearchResponse } from '@parley/protocol';
import { CurrentUser, ZodQuery, ZodResponse } from '@parley/service-kit';
import { SearchService } from './search.service.js';

@Controller('v1')
export class SearchController {
  constructor(@Inject(SearchService) private readonly searchService: SearchService) {}

  /** Full-text search over the messages of the caller's own conversations. */
  @Get('search')
  @RequireScopes(Scopes.messagesRead)
  @ZodResponse(200, SearchResponse, 'hits, newest first, with a highlighted snippet each')
  async search(@CurrentUser() userId: string, @ZodQuery(SearchQuery) query: SearchQuery) {
    return this.searchService.search(userId, query);
  }
}
