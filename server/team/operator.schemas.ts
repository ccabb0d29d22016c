import { z } from 'zod';

export const WorkspaceSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(['owner', 'admin', 'agent']),
  humanAgentEnabled: z.boolean(),
});

export const OperatorSchema = z.object({
  profile: z.object({ id: z.uuid(), email: z.string(), displayName: z.string().nullable() }),
  workspaces: z.array(WorkspaceSchema),
});

export const CreateWorkspaceInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Give the workspace a name')
    .max(80, 'Workspace names are at most 80 characters'),
});
