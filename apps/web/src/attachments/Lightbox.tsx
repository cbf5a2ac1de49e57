import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { TestIds } from '../app/test-ids';
import { IconX } from '../ui/icons';

interface LightboxProps {
  src: string;
  alt: string;
  width?: number | undefined;
  height?: number | undefined;
  onClose: () => void;
}

/** The full image over the page: Escape, the close button or a click outside the image closes it. */
export function Lightbox({ src, alt, width, height, onClose }: LightboxProps) {
  const closeRef = useRef<HTMLButtonElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const previouslyFocused = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onCloseRef.current();
      }
    };
    document.addEventListener('keydown', onKeyDown, true);
    return () => {
      document.removeEventListener('keydown', onKeyDown, true);
      previouslyFocused?.focus();
    };
  }, []);

  return createPortal(
    <div
      className="lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={alt}
      data-testid={TestIds.imageLightbox}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <button
        ref={closeRef}
        type="button"
        className="lightbox-close"
        aria-label="Close image"
        onClick={onClose}
        data-testid={TestIds.lightboxClose}
      >
        <IconX />
      </button>
      <img className="lightbox-image" src={src} alt={alt} width={width} height={height} />
    </div>,
    document.body,
  );
}
