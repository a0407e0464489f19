import { z } from 'zod';

/** The colours of the kit's light theme (react/src/styles/base.css): the app's bar and its splash screen. */
export const THEME_COLOR = '#0f766e';
const BACKGROUND_COLOR = '#f5f7f8';

const Icon = z.object({ src: z.string(), sizes: z.string(), type: z.literal('image/png'), purpose: z.string() });

/** What the document says of the manifest: the fields browsers read to install the app. */
export const WebAppManifest = z.object({
  name: z.string(),
  short_name: z.string(),
  description: z.string(),
  id: z.string(),
  start_url: z.string(),
  scope: z.string(),
  display: z.literal('standalone'),
  theme_color: z.string(),
  background_color: z.string(),
  icons: z.array(Icon),
});

const icon = (file: string, size: number, purpose: 'any' | 'maskable') => ({
  src: `/icons/${file}`,
  sizes: `${size}x${size}`,
  type: 'image/png' as const,
  purpose,
});

/**
 * The web app manifest: with it a phone's browser offers "Add to Home screen", which is also the
 * only way an iPhone delivers web push. The icons are web/public/icons (tools/make-icons.mjs).
 */
export const MANIFEST: z.infer<typeof WebAppManifest> = {
  name: 'CareChat',
  short_name: 'CareChat',
  description: 'Secure messages with your care team',
  id: '/',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  theme_color: THEME_COLOR,
  background_color: BACKGROUND_COLOR,
  icons: [
    icon('icon-192.png', 192, 'any'),
    icon('icon-512.png', 512, 'any'),
    icon('maskable-192.png', 192, 'maskable'),
    icon('maskable-512.png', 512, 'maskable'),
  ],
};
