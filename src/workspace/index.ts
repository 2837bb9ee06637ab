export {
  ADD_ALL,
  GitWorkspace,
  PushRejectedError,
  WorkflowPermissionError,
  workflowFilesRefused,
  type GitIdentity,
  type RemoteAccess,
  type CommitTrailers,
  type CommitChange,
  type CommitContent,
} from "./git-workspace.ts";
export { runCommand, type CommandResult, type RunOptions } from "./run-command.ts";
export { UnconfinedRunner, type CommandRunner } from "./command-runner.ts";
export { SandboxedRunner, SandboxUnavailableError, DEFAULT_ALLOWED_DOMAINS, SOCKET_DIRECTORIES, type SandboxPolicy } from "./sandboxed-runner.ts";
export { commandPath } from "./command-path.ts";
export { prepareScratchRoot, removeScratchRoot } from "./scratch-root.ts";
export { trustEnvironment, type PackageSources } from "./trust-environment.ts";
export { detectCommands, type RepositoryCommands } from "./detect-commands.ts";
export { OperatorSetupError } from "./operator-error.ts";
