// Names shared with the language server (server/features/*.py). The params and results are the
// pydantic models of shared_schemas/, whose TypeScript types are generated into generated/schema.ts.

export const ServerCommand = {
  verify: "proof2silicon.verify",
  generate: "proof2silicon.generate",
  synthesize: "proof2silicon.synthesize",
  showReport: "proof2silicon.showReport",
  serverStatus: "proof2silicon.serverStatus",
} as const;

export type ServerCommandId = (typeof ServerCommand)[keyof typeof ServerCommand];

/** Client-side commands (contributed in package.json); they wrap server calls with UI. */
export const ClientCommand = {
  generate: "proof2silicon.generateFromSpec",
  verify: "proof2silicon.verifyFile",
  synthesize: "proof2silicon.synthesizeMethod",
  showReport: "proof2silicon.showLastReport",
  showTrajectory: "proof2silicon.showTrajectory",
  setApiKey: "proof2silicon.setApiKey",
  clearApiKey: "proof2silicon.clearApiKey",
  restartServer: "proof2silicon.restartServer",
  showOutput: "proof2silicon.showOutput",
} as const;

/** Server code lenses name server commands; clicking them must go through the client's UI. */
export const LENS_COMMAND_REWRITES: Readonly<Record<string, string>> = {
  [ServerCommand.verify]: ClientCommand.verify,
  [ServerCommand.generate]: ClientCommand.generate,
  [ServerCommand.synthesize]: ClientCommand.synthesize,
  [ServerCommand.showReport]: ClientCommand.showReport,
};

export const VERIFICATION_STATUS_NOTIFICATION = "proof2silicon/verificationStatus";

export const API_KEY_SECRET = "proof2silicon.llmApiKey";
export const API_KEY_ENV = "OPENAI_API_KEY";
