export { EXIT } from "./exit-codes.ts";
export { LocalGitHub, type CommentKind, type LocalGitHubOptions } from "./local-github.ts";
export { BadInputError, LOCAL_OWNER, LocalMissions, missionsDirectoryOf, type LocalMissionsOptions } from "./local-missions.ts";
export { driveMission, type DriveOptions } from "./drive-mission.ts";
export { readBrief } from "./read-brief.ts";
export { TerminalOutput, type CliEvent } from "./terminal-output.ts";
export { UsageProblem, withLocalMissions, type LocalSetup, type RunFlags } from "./with-local-missions.ts";
