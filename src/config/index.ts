export { findModelProblems, type ConfigProblem, type ModelChoice } from "./model-problems.ts";
export { unquotePrivateKey } from "./unquote-private-key.ts";
export { readOperatorConfig, ROLE_NAMES, type OperatorConfig, type ProviderSettings, type RoleName } from "./operator-config.ts";
export {
  parseRepositoryConfig,
  REPOSITORY_CONFIG_PATH,
  RepositoryConfigSchema,
  type ConfigLimits,
  type ConfigResult,
  type RepositoryConfig,
} from "./repository-config.ts";
