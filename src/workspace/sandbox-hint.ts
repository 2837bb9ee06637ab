/**
 * A line saying that a failed command ran into the sandbox, when its output shows it did — so the
 * worker, the validators and the person reading the check run see the cause at the end of the
 * output, not buried in it. Undefined when nothing points at the sandbox.
 */
export function sandboxHint(output: string, allowedHosts: string[]): string | undefined {
  if (/Read-only file system|EROFS/.test(output)) {
    return "[sandbox] a write outside the checkout was refused: commands may write only in the checkout (not its .git) and in their own HOME and TMPDIR.";
  }
  const hosts = allowedHosts.length > 6 ? `${allowedHosts.slice(0, 6).join(", ")}, …` : allowedHosts.join(", ") || "none";
  if (/blocked-by-allowlist|Connection blocked by network allowlist|CONNECT tunnel failed, response 403|Proxy CONNECT aborted/i.test(output)) {
    return `[sandbox] the network was refused: commands reach only the allowed hosts (${hosts}); the app's operator can allow more with MISSIONS_NETWORK_ALLOW.`;
  }
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo|Could not resolve host|Temporary failure in name resolution/i.test(output)) {
    return `[sandbox] a host name could not be resolved: commands have no DNS of their own and reach the network only through the sandbox's proxy (HTTP_PROXY and HTTPS_PROXY are set), and only the allowed hosts (${hosts}); a tool that ignores the proxy variables cannot connect.`;
  }
  if (/(unshare|mount|socket\(\)|clone|setns)[^\n]*(Operation not permitted|EPERM)/i.test(output)) {
    return "[sandbox] a system call was refused by the sandbox (it allows no new user namespaces and no access to the host's processes or sockets).";
  }
  return undefined;
}
