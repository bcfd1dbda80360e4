// `tessera check MAP NET`: re-verify a certificate document (a region map, or any format registered with
// check/index.ts) against the network, with the independent checker. Exit 0 verified, 1 first failure.
import { Command } from "commander";
import { CheckFailure, checkDocument, readCheckInput } from "../check/index.js";
// Checkers of other formats register themselves when loaded (verification certificates).
import "../analysis/certificate-check.js";
import { printJson, type CliContext } from "./context.js";
import { addNetworkOptions, loadNetworkFromFlags, type NetworkFlags } from "./network-options.js";

interface CheckFlags extends NetworkFlags {
  readonly json?: boolean;
  readonly property?: string;
}

export function checkCommand(ctx: CliContext): Command {
  const cmd = new Command("check")
    .description("re-verify a region map, region graph or verification certificate exactly, without the enumerator")
    .argument("<map>", "the document to check (JSON or NDJSON)")
    .argument("<network>", "the network it was made from")
    .option("--json", "print machine-readable JSON")
    .option("--property <file>", "for a verification certificate: the VNN-LIB property it must prove (rejected when it differs)")
    .addHelpText(
      "after",
      "\nEvery witness, pattern, affine map and split-tree certificate is re-verified in exact arithmetic\n" +
        "(docs/certificates.md). Exit code 0: all verified; 1: the first failure is named.\n\n" +
        "Examples:\n  $ tessera regions net.json --box=-1:1 -o map.json && tessera check map.json net.json\n" +
        "  $ tessera verify net.onnx --property prop.vnnlib --certificate cert.ndjson\n" +
        "  $ tessera check cert.ndjson net.onnx --property prop.vnnlib\n" +
        "  $ tessera graph net.json --box=-1:1 --json -o graph.json && tessera check graph.json net.json\n",
    );
  addNetworkOptions(cmd).action((mapFile: string, netFile: string, flags: CheckFlags) => {
    const net = loadNetworkFromFlags(ctx, netFile, flags);
    const input = readCheckInput(mapFile);
    try {
      const report = checkDocument(input, net, mapFile, flags.property === undefined ? {} : { property: flags.property });
      if (flags.json) return printJson(ctx, { ...report, file: mapFile });
      ctx.io.stdout(`ok: ${mapFile}: ${report.message}\n`);
    } catch (error) {
      if (!(error instanceof CheckFailure)) throw error;
      ctx.exitCode = 1;
      if (flags.json) printJson(ctx, { ok: false, file: mapFile, failure: error.message });
      ctx.io.stderr(`tessera: check failed: ${mapFile}: ${error.message}\n`);
    }
  });
  return cmd;
}
