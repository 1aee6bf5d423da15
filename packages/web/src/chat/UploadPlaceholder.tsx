import type { PendingUpload } from './history-window';
import { FileLink } from './MessageContent';

/** A file on its way up: the picture (or the file's name and size) and the upload's progress. */
export function UploadPlaceholder({ upload: u }: { upload: PendingUpload }) {
  return (
    <div className="row mine upload">
      <div className="bubble uploading">
        {u.preview ? <img src={u.preview} alt={`Uploading ${u.name}`} className="image" /> : <FileLink name={u.name} size={u.size} />}
        <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`} data-progress={Math.round(u.progress * 100)} />
      </div>
    </div>
  );
}
