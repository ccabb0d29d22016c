import { createWorkspace } from '../../inbox/create-workspace.ts';
import { getOperator } from '../../inbox/get-operator.ts';
import { operatorProcedure, router } from '../init.ts';
import { CreateWorkspaceInput, OperatorSchema, WorkspaceSchema } from './operator.schemas.ts';

export const operatorRouter = router({
  /** The signed-in operator and their workspaces. */
  me: operatorProcedure.output(OperatorSchema).query(({ ctx }) => getOperator(ctx.db, ctx.actor)),
  createWorkspace: operatorProcedure
    .input(CreateWorkspaceInput)
    .output(WorkspaceSchema)
    .mutation(({ ctx, input }) => createWorkspace(ctx.db, ctx.actor, input.name)),
});
