// Whether the signed-in operator administers the open workspace (owner or admin), from the
// workspace layout's loader: screens show admin-only controls with it. The server checks again.
import { useRouteLoaderData } from '@remix-run/react';

export function useWorkspaceAdmin(): boolean {
  const role = useRouteLoaderData<{ workspace: { role: string } }>('routes/w.$workspaceId')?.workspace.role;
  return role === 'owner' || role === 'admin';
}
