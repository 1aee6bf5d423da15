import type { ChannelAddress } from '@parley/client';
import { useCallback } from 'react';
import { useApp } from '../app-context';
import { useToast } from '../ui/toast';
import { attachmentPayload, formatBytes, isShownImage } from './attachment';
import type { HistoryWindow } from './history-window';

const pixelsOf = (url: string): Promise<{ width: number; height: number }> =>
  new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => resolve({ width: 0, height: 0 });
    img.src = url;
  });

/**
 * Sending files (picked, pasted or dropped): a placeholder with the upload's progress (and the picture,
 * for an image), then a message that takes its place: an image, or a file with its name and size.
 * Files over the server's size limit are refused here, before any byte is sent; the server refuses
 * types it does not accept, and the toast says why.
 */
export function useUploads(address: ChannelAddress, history: HistoryWindow) {
  const { client } = useApp();
  const toast = useToast();

  return useCallback(
    async (file: File) => {
      const limit = client.limits?.uploadMaxBytes;
      if (limit !== undefined && file.size > limit) {
        toast(`${file.name} is ${formatBytes(file.size)}; files are limited to ${formatBytes(limit)}.`);
        return;
      }
      const id = crypto.randomUUID();
      const preview = isShownImage(file.type) ? URL.createObjectURL(file) : undefined;
      history.startUpload({ id, name: file.name, size: file.size, preview, progress: 0 });
      try {
        const pixels = preview ? await pixelsOf(preview) : undefined;
        const uploaded = await client.upload(file, file.name, { onProgress: (progress) => history.updateUpload(id, { progress }) });
        if (history.get().hasNewer) await history.openLatest();
        history.updateUpload(id, { url: uploaded.url });
        await client.messages.send(address, attachmentPayload(uploaded, pixels), { setting: { receipt: true } });
      } catch (err) {
        toast(`Sending ${file.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        history.endUpload(id);
        if (preview) URL.revokeObjectURL(preview);
      }
    },
    [client, address, history, toast],
  );
}
