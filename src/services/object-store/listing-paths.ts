import { rewriteUrl } from '../../catalog/links';
import type { JsonValue, SwiftRow } from '../../fanout/merge/swift-rows';
import { accountMappings, type AccountView } from './response-headers';

/**
 * Swift paths inside listing rows, as the client addressed the account. Swift's symlink middleware adds
 * `symlink_path: /v1/<account>/<container>/<object>` to JSON container listings
 * (swift/common/middleware/symlink.py _extract_symlink_path_json); the account is the provider's, the path the
 * provider's root. Pure.
 */
export function clientRow(row: SwiftRow, view: AccountView): SwiftRow {
  const path = (row as { readonly [k: string]: JsonValue | undefined })['symlink_path'];
  if (typeof path !== 'string') return row;
  const mapped = rewriteUrl(path, accountMappings(view));
  return mapped === path ? row : ({ ...row, symlink_path: mapped } as SwiftRow);
}

/** Whether the provider's account path differs from the client's, so listing rows need clientRow. */
export function rowsNeedRewrite(view: AccountView): boolean {
  const [, paths] = accountMappings(view);
  return paths !== undefined && paths.from !== paths.to;
}
