/** The webhook token Keeper sends (generate, revoke) and a test alert through the whole pipeline. */
import { buildTestAlert } from '#domain/alert/keeper-fields.ts';
import type { AdminResponse } from '#shared/admin-api-routes.ts';
import { json, noContent } from '#shared/http.ts';
import type { AdminApiDeps } from './admin-api-deps.ts';
import { toWebhookResultDto } from './dto-mappers.ts';
import type { AdminRouteHandlers } from './router.ts';

export function tokenRoutes(
  deps: AdminApiDeps,
): Pick<AdminRouteHandlers, 'generateToken' | 'revokeToken' | 'testAlert'> {
  return {
    generateToken: async () => json(201, (await deps.tokens.generate()) satisfies AdminResponse<'generateToken'>),

    revokeToken: async () => {
      await deps.tokens.revoke();
      return noContent();
    },

    testAlert: async () => {
      const result = await deps.ingest(JSON.stringify(buildTestAlert(deps.clock.now())), { test: true });
      return json(
        result.kind === 'created' ? 201 : 202,
        toWebhookResultDto(result) satisfies AdminResponse<'testAlert'>,
      );
    },
  };
}
