import { useRef } from 'react';
import { AttachIcon } from '../ui/icons';

/** The clip: pick files of any kind (the server says which types it accepts); images go as images. */
export function AttachButton({ disabled, onFiles }: { disabled: boolean; onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="icon" aria-label="Attach files" onClick={() => input.current?.click()} disabled={disabled}>
        <AttachIcon />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Files to send"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          if (files.length > 0) onFiles(files);
          e.target.value = '';
        }}
      />
    </>
  );
}
