/** The Chromium the browser suites run: $CHROMIUM_PATH, else Debian's (scripts/test-browser.mjs checks it is there). */
export const chromiumPath: string = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Its flags: as root in a container, no sandbox, no GPU, and nothing that phones home. */
export const chromiumFlags: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
