import { Inject, Injectable } from '@nestjs/common';
import type { CorsOriginSource } from '@parley/service-kit';
import { GuestsRepository } from './guests.repository.js';

/** How long one node trusts its copy of the sites' origins; a site added on another node shows up after this. */
const REFRESH_MS = 30_000;

/**
 * The browser origins of every registered site, so the widget on a customer's page may call this API
 * without listing the page in CORS_ORIGINS. Read from the database at most every REFRESH_MS per node.
 */
@Injectable()
export class SiteOrigins implements CorsOriginSource {
  private cached: { origins: Set<string>; at: number } | undefined;
  private loading: Promise<Set<string>> | undefined;

  constructor(@Inject(GuestsRepository) private readonly repo: GuestsRepository) {}

  async allows(origin: string): Promise<boolean> {
    return (await this.origins()).has(origin.toLowerCase());
  }

  /** A site was added or changed on this node: the next request reads the table again. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async origins(): Promise<Set<string>> {
    if (this.cached && Date.now() - this.cached.at < REFRESH_MS) return this.cached.origins;
    this.loading ??= this.repo
      .allSiteOrigins()
      .then((list) => {
        const origins = new Set(list.map((o) => o.toLowerCase()));
        this.cached = { origins, at: Date.now() };
        return origins;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
