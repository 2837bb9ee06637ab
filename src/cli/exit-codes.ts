/** What `missions` exits with: CI scripts branch on it. */
export const EXIT = {
  /** Every assertion of the contract passed. */
  passed: 0,
  /** An assertion failed, or the mission is blocked, paused, aborted or failed. */
  failed: 1,
  /** Bad input: a missing brief, a bad `.github/missions.yml`, missing provider keys, a bad flag. */
  badInput: 2,
  /** A person must answer questions or approve the contract, and nobody is at the terminal. */
  needsAnswers: 3,
  /** Stopped by Ctrl-C at the step in flight: `missions resume` continues. */
  interrupted: 130,
  /** Stopped by SIGTERM (a CI job's timeout, a service manager): `missions resume` continues. */
  terminated: 143,
} as const;
