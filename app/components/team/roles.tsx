// How the three roles are named and explained wherever people see them (team page, invitations).
import clsx from 'clsx';

export type Role = 'owner' | 'admin' | 'agent';

export const ROLES: Record<Role, { label: string; can: string }> = {
  owner: { label: 'Owner', can: 'do everything an admin can, and manage owners' },
  admin: { label: 'Admin', can: 'answer conversations, connect Instagram accounts and manage the team' },
  agent: { label: 'Agent', can: 'answer conversations' },
};

/** "an agent", "an admin", "an owner". */
export const withArticle = (role: Role) => `an ${ROLES[role].label.toLowerCase()}`;

const BADGE: Record<Role, string> = {
  owner: 'bg-violet-50 text-violet-700 ring-violet-200',
  admin: 'bg-brand-50 text-brand-700 ring-brand-100',
  agent: 'bg-slate-100 text-slate-700 ring-slate-200',
};

export function RoleBadge({ role }: { role: Role }) {
  return (
    <span
      className={clsx(
        'inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset',
        BADGE[role],
      )}
    >
      {ROLES[role].label}
    </span>
  );
}
