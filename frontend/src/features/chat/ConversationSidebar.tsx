import { useState } from 'react';
import { useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import type { ConversationDto } from '@contracts/chat.ts';
import { describeError } from '../../api/errors.ts';
import { navigate } from '../../app/router.tsx';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { toast } from '../../ui/toast.tsx';
import { conversationKey, conversationsKey, deleteConversation, renameConversation } from './chat.api.ts';
import { ConversationList } from './ConversationList.tsx';

interface SidebarProps {
  conversations: UseQueryResult<ConversationDto[]>;
  currentId: string | null;
  onNew: () => void;
}

/** The conversation list with its actions; a drawer behind a button on narrow screens. */
export function ConversationSidebar({ conversations, currentId, onNew }: SidebarProps) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [deleting, setDeleting] = useState<ConversationDto | null>(null);
  const [busy, setBusy] = useState(false);

  async function handleRename(id: string, title: string) {
    const before = queryClient.getQueryData<ConversationDto[]>(conversationsKey);
    queryClient.setQueryData<ConversationDto[]>(conversationsKey, (list) => list?.map((c) => (c.id === id ? { ...c, title } : c)));
    try {
      await renameConversation(id, title);
      void queryClient.invalidateQueries({ queryKey: conversationKey(id) });
    } catch (err) {
      queryClient.setQueryData(conversationsKey, before);
      toast(`The conversation could not be renamed: ${describeError(err)}`, 'error');
    }
  }

  async function handleConfirmDelete() {
    if (!deleting) return;
    setBusy(true);
    try {
      await deleteConversation(deleting.id);
      queryClient.setQueryData<ConversationDto[]>(conversationsKey, (list) => list?.filter((c) => c.id !== deleting.id));
      queryClient.removeQueries({ queryKey: conversationKey(deleting.id) });
      toast('Conversation deleted.');
      if (deleting.id === currentId) navigate('/chat', { replace: true });
    } catch (err) {
      toast(`The conversation could not be deleted: ${describeError(err)}`, 'error');
    } finally {
      setBusy(false);
      setDeleting(null);
    }
  }

  return (
    <div className={`chat-sidebar${open ? ' is-open' : ''}`}>
      <button type="button" className="button button-small button-ghost chat-sidebar-toggle" aria-expanded={open} aria-controls="conversation-drawer" onClick={() => setOpen((v) => !v)}>
        {open ? 'Hide conversations' : 'Conversations'}
      </button>
      <div id="conversation-drawer" className="chat-sidebar-body" onClick={(e) => (e.target as HTMLElement).closest('a') && setOpen(false)}>
        <ConversationList
          conversations={conversations.data ?? []}
          currentId={currentId}
          loading={conversations.isPending}
          onNew={() => (setOpen(false), onNew())}
          onRename={(id, title) => void handleRename(id, title)}
          onDelete={setDeleting}
        />
      </div>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this conversation?"
        message={<p>“{deleting?.title || 'Untitled'}” and its answers will be removed. This cannot be undone.</p>}
        confirmLabel="Delete"
        busy={busy}
        onConfirm={() => void handleConfirmDelete()}
        onCancel={() => setDeleting(null)}
      />
    </div>
  );
}
