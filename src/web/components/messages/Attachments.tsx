import { createContext, type ReactNode, useContext, useState } from 'react';
import { formatBytes } from '../../../shared/format.js';
import type { Attachment } from '../../../shared/protocol.js';
import { Icon } from '../Icon.js';
import { Modal } from '../Modal.js';

/**
 * Images as a grid of thumbnails sized from their known dimensions (no layout jumps) that open
 * in a lightbox; video and audio as native players; anything else as a download card.
 */
/**
 * The lightbox lives at the room level: a message row is virtualized and may unmount while
 * the image is open (new messages scroll it away); the open image must not vanish with it.
 */
const LightboxContext = createContext<(image: Attachment) => void>(() => {});

export function LightboxProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState<Attachment | null>(null);
  return (
    <LightboxContext.Provider value={setOpen}>
      {children}
      {open && <Lightbox image={open} onClose={() => setOpen(null)} />}
    </LightboxContext.Provider>
  );
}

export function Attachments({ attachments }: { attachments: Attachment[] }) {
  const setOpen = useContext(LightboxContext);
  const images = attachments.filter((a) => a.kind === 'image');
  const others = attachments.filter((a) => a.kind !== 'image');
  return (
    <div className="attachments">
      {images.length > 0 && (
        <div className={`image-grid count-${Math.min(images.length, 4)}`}>
          {images.map((image) => (
            <button
              key={image.id}
              type="button"
              className="image-tile"
              aria-label={`Open image ${image.name}`}
              onClick={() => setOpen(image)}
            >
              <img
                src={image.thumbUrl ?? image.url}
                alt={image.name}
                width={image.thumb?.width ?? image.width ?? undefined}
                height={image.thumb?.height ?? image.height ?? undefined}
                loading="lazy"
                decoding="async"
              />
            </button>
          ))}
        </div>
      )}
      {others.map((file) =>
        file.kind === 'video' ? (
          // biome-ignore lint/a11y/useMediaCaption: user uploads come without caption tracks
          <video
            key={file.id}
            className="media-player"
            controls
            preload="metadata"
            // The server read the size from the container: the player has its shape before the
            // video loads, so the list does not jump when it does.
            style={file.width && file.height ? { aspectRatio: `${file.width} / ${file.height}` } : undefined}
            src={file.url}
            aria-label={file.name}
          />
        ) : file.kind === 'audio' ? (
          // biome-ignore lint/a11y/useMediaCaption: user uploads come without caption tracks
          <audio
            key={file.id}
            className="media-player audio"
            controls
            preload="metadata"
            src={file.url}
            aria-label={file.name}
          />
        ) : (
          <a key={file.id} className="file-card" href={file.url} download={file.name}>
            <Icon name="file" size={22} />
            <span className="file-meta">
              <span className="file-name">{file.name}</span>
              <span className="muted small">{formatBytes(file.size)}</span>
            </span>
            <Icon name="download" size={18} />
          </a>
        ),
      )}
    </div>
  );
}

function Lightbox({ image: open, onClose }: { image: Attachment; onClose(): void }) {
  return (
    <Modal title={open.name} onClose={onClose}>
      <figure className="lightbox">
        <img
          className="lightbox-image"
          src={open.url}
          alt={open.name}
          width={open.width ?? undefined}
          height={open.height ?? undefined}
        />
        <figcaption className="muted small">
          {open.width && open.height ? `${open.width} × ${open.height} · ` : ''}
          {formatBytes(open.size)} ·{' '}
          <a href={open.url} download={open.name}>
            Download
          </a>
        </figcaption>
      </figure>
    </Modal>
  );
}
