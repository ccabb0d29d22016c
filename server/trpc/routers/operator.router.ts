import {
  CreateWorkspaceInput,
  createWorkspace,
  getOperator,
  OperatorSchema,
  WorkspaceSchema,
} from '../../team/index.ts';
import { operatorProcedure, router } from '../init.ts';

export const operatorRouter = router({
  /** The signed-in operator and their workspaces. */
  me: operatorProcedure.output(OperatorSchema).query(({ ctx }) => getOperator(ctx.db, ctx.actor)),
  /** A new workspace, with the operator as its owner. */
  createWorkspace: operatorProcedure
    .input(CreateWorkspaceInput)
    .output(WorkspaceSchema)
    .mutation(({ ctx, input }) => createWorkspace(ctx.db, ctx.actor, input.name)),
});
