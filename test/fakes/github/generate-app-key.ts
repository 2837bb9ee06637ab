import { createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";

export interface AppKey {
  privateKey: string;
  publicKey: KeyObject;
}

// GitHub hands out PKCS#1 PEM keys ("BEGIN RSA PRIVATE KEY"), so the app's key loading is
// exercised with the same format it will see in production.
export function generateAppKey(): Promise<AppKey> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      "rsa",
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs1", format: "pem" },
      },
      (error, publicKey, privateKey) => {
        if (error) reject(error);
        else resolve({ privateKey, publicKey: createPublicKey(publicKey) });
      },
    );
  });
}
