import type { CSSProperties } from 'react';

const PALETTE = [
  '#6366f1',
  '#0ea5e9',
  '#14b8a6',
  '#22c55e',
  '#eab308',
  '#f97316',
  '#ef4444',
  '#ec4899',
  '#a855f7',
  '#64748b',
];

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return Math.abs(h);
}

export function initials(name: string): string {
  const words = name.replace(/^[#@]/, '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = words[0]!;
  const last = words.length > 1 ? words[words.length - 1]! : '';
  return (first[0]! + (last[0] ?? first[1] ?? '')).toUpperCase();
}

interface AvatarProps {
  /** Stable key for the colour: a user or conversation id. */
  seed: string;
  name: string;
  size?: 'sm' | 'md' | 'lg';
  kind?: 'user' | 'group' | 'channel';
}

export function Avatar({ seed, name, size = 'md', kind = 'user' }: AvatarProps) {
  const color = PALETTE[hash(seed) % PALETTE.length];
  return (
    <span
      className={`avatar avatar-${size} avatar-${kind}`}
      style={{ '--avatar-color': color } as CSSProperties}
      aria-hidden="true"
    >
      {kind === 'channel' ? '#' : initials(name)}
    </span>
  );
}
