import QRCode from 'qrcode';

/** An SVG QR code of `text` as a data URL for `<img src>`: no image request, nothing for a proxy to log. */
export async function qrCodeDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}
