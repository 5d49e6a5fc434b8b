/**
 * Every route file of routes/ and its operations (or why it is not in the
 * document). A route file missing here fails tests/openapi_test.ts by name;
 * to document a new route, add its entry to the module of its area.
 */
import type { OperationRegistry } from "./operation.ts";
import { accountOperations } from "./operations/accounts.ts";
import { adminOperations } from "./operations/admin.ts";
import { channelOperations } from "./operations/channels.ts";
import { friendOperations } from "./operations/friends.ts";
import { integrationOperations } from "./operations/integrations.ts";
import { messageOperations } from "./operations/messages.ts";
import { miscOperations } from "./operations/misc.ts";

/** Route file (as the manifest names it) to its operations or a reason. */
export const OPERATIONS: OperationRegistry = {
  ...accountOperations,
  ...adminOperations,
  ...channelOperations,
  ...friendOperations,
  ...integrationOperations,
  ...messageOperations,
  ...miscOperations,
};

/** `/channels/{id}/messages` for `channels/[id]/messages.ts`; `/` for `index.tsx`. */
export function pathOfRouteFile(file: string): string {
  const path = file.replace(/\.(tsx|ts|jsx|js)$/, "")
    .replace(/(^|\/)index$/, "")
    .replace(/\[([^\]]+)\]/g, "{$1}");
  return "/" + path;
}
