#!/usr/bin/env node
// Bundles the extension with esbuild (vscode stays external; the language client is inlined so
// the .vsix needs no node_modules). --tests compiles src/ and test/unit/ file by file into out/
// for node's test runner; --production minifies and type-checks first.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const flags = new Set(process.argv.slice(2));

function tsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [full] : [];
  });
}

if (flags.has("--tests")) {
  rmSync(join(root, "out"), { recursive: true, force: true });
  await build({
    entryPoints: [...tsFiles(join(root, "src")), ...tsFiles(join(root, "test", "unit"))],
    outbase: root,
    outdir: join(root, "out"),
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: "inline",
    logLevel: "warning",
  });
} else {
  const production = flags.has("--production");
  if (production) {
    execFileSync(process.execPath, [join(root, "..", "node_modules", "typescript", "bin", "tsc"), "-p", root, "--noEmit"], {
      stdio: "inherit",
    });
  }
  await build({
    entryPoints: [join(root, "src", "extension.ts")],
    bundle: true,
    outfile: join(root, "dist", "extension.js"),
    external: ["vscode"],
    platform: "node",
    format: "cjs",
    target: "node20",
    minify: production,
    sourcemap: !production,
    logLevel: "warning",
  });
}
