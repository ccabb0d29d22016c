// A supabase-js client for Node scripts and tests talking to a Supabase project (the stand-in or
// hosted): no stored session, and a WebSocket transport, which Node 20 lacks.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';

export function supabaseClient(project: { url: string; anonKey: string }): SupabaseClient {
  return createClient(project.url, project.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as unknown as typeof WebSocket },
  });
}
