import { ChatIcon } from '#app/components/icons.tsx';

export default function NoConversationSelected() {
  return (
    <section className="hidden flex-1 items-center justify-center lg:flex" aria-label="Conversation">
      <div className="text-center text-slate-400">
        <ChatIcon className="mx-auto h-12 w-12" />
        <p className="mt-3 text-sm">Select a conversation to read and reply.</p>
      </div>
    </section>
  );
}
