import { type LoaderFunctionArgs, redirect } from '@remix-run/node';

export const loader = ({ params }: LoaderFunctionArgs) => redirect(`/w/${params.workspaceId}/inbox`);
