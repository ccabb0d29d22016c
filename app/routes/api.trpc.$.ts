import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { runtime } from '#app/lib/runtime.server.ts';
import { handleTrpcRequest } from '#server/trpc/handler.ts';

export const loader = ({ request }: LoaderFunctionArgs) => handleTrpcRequest(runtime, request);
export const action = ({ request }: ActionFunctionArgs) => handleTrpcRequest(runtime, request);
