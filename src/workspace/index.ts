export { GitWorkspace, type GitIdentity, type RemoteAccess, type CommitTrailers } from "./git-workspace.ts";
export { runCommand, type CommandResult, type RunOptions } from "./run-command.ts";
export { detectCommands, type RepositoryCommands } from "./detect-commands.ts";
