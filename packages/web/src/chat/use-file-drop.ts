import { type DragEvent, useState } from 'react';

const carriesFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');

/** Files dragged onto the chat: `dragging` while they hover (for the "drop here" cue), `onFiles` when dropped. */
export function useFileDrop(enabled: boolean, onFiles: (files: File[]) => void) {
  const [dragging, setDragging] = useState(false);
  if (!enabled) return { dragging: false, handlers: {} };
  return {
    dragging,
    handlers: {
      onDragOver: (e: DragEvent) => {
        if (!carriesFiles(e)) return;
        e.preventDefault(); // this is what allows the drop
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      },
      onDragLeave: (e: DragEvent) => {
        // Leaving for a child is not leaving the chat.
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      },
      onDrop: (e: DragEvent) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        setDragging(false);
        const files = [...e.dataTransfer.files];
        if (files.length > 0) onFiles(files);
      },
    },
  };
}
