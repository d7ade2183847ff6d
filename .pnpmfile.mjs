/**
 * valibot (under @bull-board/api, used by the admin) declares TypeScript as an optional peer.
 * pnpm resolves optional peers from the workspace root, whose dev TypeScript 7 then became a
 * production dependency of the admin: ~31 MB of compiler in the runtime image that nothing runs.
 * Only valibot's type definitions want it, and we type-check against the root's TypeScript.
 */
function readPackage(pkg) {
  if (pkg.name === 'valibot') {
    delete pkg.peerDependencies?.typescript;
    delete pkg.peerDependenciesMeta?.typescript;
  }
  return pkg;
}

export const hooks = { readPackage };
