import type { LocalMessage } from '@parley/client';
import { DownloadIcon, FileIcon } from '../ui/icons';
import { formatBytes } from './attachment';
import { type ShownPayload, summaryOf } from './content';
import { RichText } from './RichText';

/** What a message holds: its text, its picture (a click opens it full size), a file to download, or a summary. */
export function MessageContent({
  payload: p,
  onOpenImage,
  onImageLoad,
}: {
  payload: ShownPayload;
  onOpenImage: (src: string) => void;
  onImageLoad: () => void;
}) {
  if (p.type === 1) return <RichText text={p.content ?? ''} />;
  if (p.type === 2 && p.url) {
    const ratio = p.width && p.height ? `${p.width} / ${p.height}` : undefined;
    return (
      <button type="button" className="image-button" aria-label="Open image" onClick={() => onOpenImage(p.url as string)}>
        <img className="image" src={p.url} alt={p.name ?? 'Image'} style={{ aspectRatio: ratio }} onLoad={onImageLoad} />
      </button>
    );
  }
  if (p.type === 3 && p.url) return <FileLink url={p.url} name={p.name ?? 'file'} size={p.size} />;
  return (
    <p className="text muted">
      {summaryOf({ payload: p as LocalMessage['payload'], extra: { editedPayload: null } as LocalMessage['extra'] })}
    </p>
  );
}

/** A file: its name and size, and a link that downloads it under its name. */
export function FileLink({ url, name, size }: { url?: string; name: string; size?: number }) {
  const body = (
    <>
      <FileIcon size={28} />
      <span className="file-text">
        <span className="file-name">{name}</span>
        {size !== undefined && <span className="file-size">{formatBytes(size)}</span>}
      </span>
    </>
  );
  if (!url) return <span className="file">{body}</span>;
  return (
    <a className="file" href={url} download={name} aria-label={`Download ${name}`}>
      {body}
      <DownloadIcon />
    </a>
  );
}
