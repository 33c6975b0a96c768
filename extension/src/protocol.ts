// Names shared with the language server. The server's command ids, notification names and error
// codes are generated from shared_schemas/lsp.py (generated/schema.ts); the params and results
// are its pydantic models. The client's own commands are listed here, and a unit test holds them
// equal to the commands package.json contributes.
import { ErrorCode, ServerCommand, ServerNotification } from "./generated/schema";

export { ErrorCode, ServerCommand, ServerNotification };

/** Client-side commands (contributed in package.json); they wrap server calls with UI. */
export const ClientCommand = {
  generate: "proof2silicon.generateFromSpec",
  verify: "proof2silicon.verifyFile",
  synthesize: "proof2silicon.synthesizeMethod",
  explore: "proof2silicon.exploreDesignSpace",
  showReport: "proof2silicon.showLastReport",
  showTrajectory: "proof2silicon.showTrajectory",
  setApiKey: "proof2silicon.setApiKey",
  clearApiKey: "proof2silicon.clearApiKey",
  restartServer: "proof2silicon.restartServer",
  showOutput: "proof2silicon.showOutput",
} as const;

export type ClientCommandId = (typeof ClientCommand)[keyof typeof ClientCommand];

// The server's status lenses name its verify command; a click must go through the client's
// command, which saves the file and shows the outcome. The server sends no other lens command.
const LENS_COMMAND_REWRITES: ReadonlyMap<string, ClientCommandId> = new Map([[ServerCommand.verify, ClientCommand.verify]]);

/** The client command that stands in for a server lens's command, or undefined to keep it. */
export function clientCommandForLens(command: string): ClientCommandId | undefined {
  return LENS_COMMAND_REWRITES.get(command);
}

export const API_KEY_SECRET = "proof2silicon.llmApiKey";
export const API_KEY_ENV = "OPENAI_API_KEY";
