import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { services } from '#app/lib/services.server.ts';
import { handleTrpcRequest } from '#server/trpc/handler.ts';

export const loader = ({ request }: LoaderFunctionArgs) => handleTrpcRequest(services, request);
export const action = ({ request }: ActionFunctionArgs) => handleTrpcRequest(services, request);
