// X.509 certificates are handed around as PEM (text) or DER (binary); node-opcua's trust store wants DER.

/** The DER bytes of a certificate file's content, PEM or DER. */
export function certificateDer(content: Buffer): Buffer {
  const text = content.toString("latin1");
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(text);
  if (!pem) return content;
  return Buffer.from(pem[1].replace(/\s+/g, ""), "base64");
}
