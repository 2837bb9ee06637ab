/**
 * An error in the operator's setup found at start (a CA file that is not one, a scratch directory
 * someone else owns): the entry point prints its message, not a stack trace, and exits.
 */
export class OperatorSetupError extends Error {
  override name = "OperatorSetupError";
  readonly operatorFacing = true;
}
