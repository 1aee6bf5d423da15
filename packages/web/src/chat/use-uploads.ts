import type { ChannelAddress } from '@parley/client';
import type { Payload } from '@parley/protocol';
import { useCallback, useState } from 'react';
import { useApp } from '../app-context';
import { useToast } from '../ui/toast';

export interface PendingUpload {
  id: string;
  preview: string;
  /** 0..1 of the bytes sent. */
  progress: number;
}

const sizeOf = (url: string): Promise<{ width: number; height: number }> =>
  new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => resolve({ width: 0, height: 0 });
    img.src = url;
  });

/** Images: a local preview with the upload's progress, then an image message carrying the file's url and size. */
export function useUploads(address: ChannelAddress, beforeSend: () => unknown) {
  const { client } = useApp();
  const toast = useToast();
  const [pending, setPending] = useState<PendingUpload[]>([]);

  const send = useCallback(
    async (file: File) => {
      const id = crypto.randomUUID();
      const preview = URL.createObjectURL(file);
      const update = (progress: number) => setPending((all) => all.map((u) => (u.id === id ? { ...u, progress } : u)));
      setPending((all) => [...all, { id, preview, progress: 0 }]);
      try {
        const { width, height } = await sizeOf(preview);
        const uploaded = await client.upload(file, file.name, { onProgress: update });
        await beforeSend();
        await client.messages.send(
          address,
          { type: 2, url: uploaded.url, width, height, size: uploaded.size, name: uploaded.name } as Payload,
          { setting: { receipt: true } },
        );
      } catch (err) {
        toast(`Sending the image failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        setPending((all) => all.filter((u) => u.id !== id));
        URL.revokeObjectURL(preview);
      }
    },
    [client, address, toast, beforeSend],
  );
  return { pending, send };
}
