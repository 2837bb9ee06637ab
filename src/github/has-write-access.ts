import type { Permission } from "./github-port.ts";

/** Only people who could push to the repository may steer a mission. */
export function hasWriteAccess(permission: Permission): boolean {
  return permission === "admin" || permission === "maintain" || permission === "write";
}
