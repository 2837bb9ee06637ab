import { SmeeClient } from "smee-client";

export interface ChannelOptions {
  /** The relay service's address for a new channel (smee.io's by default; tests use a fake). */
  newChannelUrl?: string;
  timeoutMs?: number;
}

/** A new smee.io channel for `WEBHOOK_PROXY_URL`, as Probot's setup flow creates one. */
export async function createWebhookChannel(options: ChannelOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([SmeeClient.createChannel(options.newChannelUrl ? { newChannelUrl: options.newChannelUrl } : {}), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
