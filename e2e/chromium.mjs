// The one Chromium every browser run uses: the Playwright suite (playwright.config.ts) and the screenshot
// scripts. Debian's Chromium, never a downloaded browser build; CHROMIUM_PATH points elsewhere.

/** Where Chromium is. */
export const chromiumExecutablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags of every launch: no sandbox or GPU in a container, no background traffic, fake media devices. */
export const chromiumArgs = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // A fake camera and microphone, allowed without a prompt: calls work in a headless run.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
]);

/** `chromium.launch(chromiumLaunchOptions())`, or Playwright's `use.launchOptions`; `extraArgs` are added. */
export function chromiumLaunchOptions(extraArgs = []) {
  return { executablePath: chromiumExecutablePath, args: [...chromiumArgs, ...extraArgs] };
}
