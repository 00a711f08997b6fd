// Secrets kept in the store (Slack and HubSpot tokens) are sealed with AES-256-GCM under a key derived (HKDF) from the
// app's own client secret, so a copy of the database alone does not give a token away.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

export class Sealer {
  private readonly key: Buffer;

  constructor(secret: string, purpose = "tandem slack installations") {
    this.key = Buffer.from(hkdfSync("sha256", secret, "tandem", purpose, 32));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return `v1.${iv.toString("base64url")}.${cipher.getAuthTag().toString("base64url")}.${body.toString("base64url")}`;
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(".");
    if (version !== "v1" || !iv || !tag || body === undefined) throw new Error("not a sealed value");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  }
}
