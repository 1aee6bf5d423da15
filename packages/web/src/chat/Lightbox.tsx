import { useEffect } from 'react';
import { CloseIcon } from '../ui/icons';

export function Lightbox({ src, onClose }: { src: string; onClose: () => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="backdrop lightbox" role="dialog" aria-label="Image preview" onClick={onClose} onKeyDown={() => {}}>
      <img src={src} alt="Full size" />
      <button type="button" className="icon close" aria-label="Close preview" onClick={onClose}>
        <CloseIcon size={28} />
      </button>
    </div>
  );
}
