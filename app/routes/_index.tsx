import { type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { requireActor } from '#app/lib/auth.server.ts';
import { services } from '#app/lib/services.server.ts';
import { unavailableAs503 } from '#app/lib/unavailable.server.ts';
import { getOperator } from '#server/team/index.ts';

/** Home: the first workspace's inbox, or creating a workspace when there is none yet. */
export const loader = unavailableAs503(async ({ request }: LoaderFunctionArgs) => {
  const headers = new Headers();
  const actor = await requireActor(request, headers);
  const { workspaces } = await getOperator(services.db, actor);
  const first = workspaces[0];
  // Outcomes of a connection attempt travel along to the page that shows them.
  const search = new URL(request.url).search;
  throw redirect(first ? `/w/${first.id}/inbox${search}` : '/welcome', { headers });
});
