// The seed tour: every claim of the ReLU article (quoted, since the article is not part of the repository), the
// tessera command that shows it on a bundled network, and that command's real output. Running this script
// regenerates docs/seed-tour.md from a fresh clone (commands run in-process through the CLI, from the repository
// root); test/docs/seed-tour.test.ts checks the committed doc is what the commands print now.
// Run: npx tsx scripts/seed-tour.ts
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runCli } from "../src/cli/main.js";

const SEED = "fixtures/seed-three-neurons.json";

interface Step {
  /** The article's sentence(s), verbatim. */
  readonly quote: string;
  /** What the output shows, in one or two sentences. */
  readonly note: string;
  /**
   * Commands (argv after `tessera`); "$T/" names the tour's scratch folder and "$D/" the folder of pictures kept
   * next to the page (docs/seed-tour/ when the script writes the page, the scratch folder in the test); both are
   * shown as bare file names.
   */
  readonly commands: readonly (readonly string[])[];
  /** A picture one of the commands writes into "$D/", shown under the output (path relative to docs/). */
  readonly picture?: string;
}

interface Section {
  readonly title: string;
  readonly steps: readonly Step[];
}

export const TOUR: readonly Section[] = [
  {
    title: "The single ReLU neuron: a gated linear separator",
    steps: [
      {
        quote: "A neuron is active if and only if its pre-activation is positive … Therefore, a single ReLU neuron acts as a **gated linear separator**.",
        note: "The pattern has one character per neuron: 1 active (z > 0), 0 inactive. At (3, 1/2) the pre-activations are (2, −3/2, 9/2), so the pattern is 101. At (2, 1) two pre-activations are exactly 0, and `eval` lists them as ties.",
        commands: [["eval", SEED, "--input", "3,1/2"], ["eval", SEED, "--input", "2,1"]],
      },
    ],
  },
  {
    title: "The gradient and the learning mechanism",
    steps: [
      {
        quote: "For ReLU at $z=0$, the Clarke subdifferential is the set of all possible limiting values of the gradient as we approach the kink, which is the closed interval $[0, 1]$.",
        note: "At (2, 1) neurons 0 and 1 are tied. `clarke` lists the Jacobians of the four regions that touch the point. The Clarke Jacobian is their convex hull, which is what the slopes in [0, 1] span.",
        commands: [["clarke", SEED, "--at", "2,1"]],
      },
      {
        quote: "$$\\nabla_w L = \\frac{\\partial L}{\\partial a} \\cdot \\mathbf{1}_{\\{w^{\\top}x + b > 0\\}} \\cdot x$$ … If the neuron is inactive, the gradient is the zero vector, and no learning occurs for that sample.",
        note: "This is an exact backward pass for the loss (y − 2)² at (3, 1/2). Each active neuron's weight gradient is dL/dz times the layer input x = (3, 1/2). The inactive neuron 1 gets no update, even though dL/da = 3/10 reaches it.",
        commands: [["grad", SEED, "--at", "3,1/2", "--target", "2"]],
      },
      {
        quote: "This means any value in $[0, 1]$ is a valid \"subgradient\" to use for backpropagation when a neuron's pre-activation lands exactly on zero.",
        note: "At a tie, `grad` does not pick a side. Each affected weight gets its right and left derivatives, and the interval between them is the Clarke subdifferential in that weight.",
        commands: [["grad", SEED, "--at", "2,1", "--output-weights", "1"]],
      },
    ],
  },
  {
    title: "Networks of ReLU neurons",
    steps: [
      {
        quote: "consider a network with an input $x \\in \\mathbb{R}^2$ and a hidden layer with three ReLU neurons, whose pre-activations are $z_1 = x_1 - 2x_2$, $z_2 = -x_1 + x_2 + 1$, and $z_3 = 2x_1 + x_2 - 2$. These three neurons define three lines that partition the 2D plane. … the overall function $f(x)$ within this specific region is an affine function of $x$.",
        note: "The bundled network is this example, with output weights (1, 1/3, 1/10). Its three lines cut the box [−3, 3]² into 7 regions, each with an exactly checked interior witness and its own affine map (`regions --json` prints the maps; `plot` draws them).",
        commands: [["regions", SEED, "--box=-3:3"]],
      },
      {
        quote: "A deep ReLU network extends this principle. Each layer further partitions the regions defined by the layers before it.",
        note: "Here is a He-initialised 2-8-8-8-1 network (`init` is reproducible from its seed). The count is an exact, complete enumeration; the timing line varies from run to run and is left out. See [region-density.md](region-density.md) for the growth with width and depth.",
        commands: [["init", "--layers", "2,8,8,8,1", "--init", "he", "--seed", "3", "--bias-std", "0.1", "-o", "$T/deep.json"], ["count", "$T/deep.json", "--box=-1:1"]],
      },
    ],
  },
  {
    title: "The optimization landscape",
    steps: [
      {
        quote: "Since the function computed by the network is piecewise affine, its gradient with respect to the input, $\\nabla_x f(x)$, is **piecewise constant**.",
        note: "The points (3, 1/2) and (3, 1) both lie in the region with pattern 101, and both have the input gradient 1·(1, −2) + (1/10)·(2, 1) = (6/5, −19/10), exactly.",
        commands: [["clarke", SEED, "--at", "3,1/2"], ["clarke", SEED, "--at", "3,1"]],
      },
      {
        quote: "As the input $x$ crosses one of the boundary hyperplanes, at least one indicator function flips its value, causing the gradient to \"jump\" to a new constant value. The magnitude of this jump across a hyperplane defined by neuron $k$ is directly related to the weights associated with that neuron in the network's computation.",
        note: "Across neuron k's line the Jacobian jumps by v_k·w_kᵀ: for neuron 0, 1·(1, −2), whose squared norm is 5. For neurons 1 and 2 the squared norms are (1/3)²·2 = 2/9 and (1/10)²·5 = 1/20. On every facet each neuron has exactly one distinct jump.",
        commands: [["jumps", SEED, "--box=-3:3"]],
      },
    ],
  },
  {
    title: "The dying ReLU problem",
    steps: [
      {
        quote: "If a neuron's weights and bias are initialized or updated in such a way that its pre-activation $z = w^{\\top}x + b$ is consistently negative for all inputs in the training dataset, its gradient will always be zero. Consequently, the neuron's weights will never be updated again by gradient descent.",
        note: "On the box [−1, 0]², neuron 2 (2x₁ + x₂ − 2 ≤ −2 there) is dead, and exact bounds prove it. On a data set inside that box, the gradient summed over the data gives it no update at all.",
        commands: [["neurons", SEED, "--box=-1:0"], ["grad", SEED, "--data", "fixtures/seed-data.csv"]],
      },
      {
        quote: "Under a simplifying assumption that pre-activations follow a standard normal distribution $z \\sim \\mathcal{N}(0, 1)$, a neuron would be inactive for any input where $z \\le 0$. The probability of this is $P(z \\le 0) = 0.5$.",
        note: "Over standard normal inputs, about half of the neurons in each layer of a He-initialised network are active (the `active` column). These are sample estimates.",
        commands: [["init", "--layers", "2,32,32,32,1", "--init", "he", "--seed", "7", "-o", "$T/he.json"], ["signal", "$T/he.json", "--samples", "1000", "--seed", "1"]],
      },
    ],
  },
  {
    title: "Solutions to the dying ReLU problem",
    steps: [
      {
        quote: "This ensures that the gradient is $\\alpha$ (not 0) when the neuron is inactive. This small, persistent gradient guarantees that a neuron can always recover from a state of negative pre-activation.",
        note: "This is the same network with LeakyReLU(0.01). At (3, 1/2) neuron 1 is inactive, and it still gets the update 0.01 · dL/da · x.",
        commands: [["grad", "fixtures/seed-leaky.json", "--at", "3,1/2", "--target", "2"]],
      },
      {
        quote: "Variants like the Parametric ReLU (PReLU), where $\\alpha$ is a learnable parameter, and the Exponential Linear Unit (ELU) build on this same principle",
        note: "PReLU is piecewise-linear and tessera analyses it exactly. ELU is exponential for negative inputs, so tessera refuses it and names the node and the reason (exit code 1).",
        commands: [["info", "fixtures/onnx/prelu.onnx"], ["info", "fixtures/onnx/elu.onnx"]],
      },
      {
        quote: "By drawing initial weights from a distribution (e.g., Gaussian) with mean 0 and variance $2/n$, we ensure that signals propagate through deep ReLU networks without systematically shrinking or growing … This contrasts with the older Xavier/Glorot initialization ($\\mathrm{Var}(w_{ij}) = 1/n$)",
        note: "The same architecture and seed are used with He (2/n) and Xavier (1/n). E[z²] stays near 2 with He and halves at every ReLU layer with Xavier, and the mean-field `predicted` column agrees. All of these are estimates over 1000 standard normal inputs.",
        commands: [["init", "--layers", "2,32,32,32,1", "--init", "xavier", "--seed", "7", "-o", "$T/xavier.json"], ["signal", "$T/he.json", "$T/xavier.json", "--samples", "1000", "--seed", "1", "-o", "$D/signal.svg"]],
        picture: "seed-tour/signal.svg",
      },
    ],
  },
  {
    title: "Sparse activations",
    steps: [
      {
        quote: "$$P(w^{\\top}x + b > 0) \\approx \\Phi\\left(\\frac{b}{\\sigma\\sqrt{d}}\\right)$$ where $\\Phi$ is the standard normal CDF, $\\sigma^2$ is the variance of weight components, and $d$ is the input dimension. This shows that a negative bias $b$ can significantly reduce the activation probability, leading to sparser representations.",
        note: "Every neuron has bias −1/2. Over standard normal inputs the formula matches the samples in the first layer, where it is exact in distribution. Deeper in the network its independence assumption fails, and the two columns drift apart. Both columns are estimates.",
        commands: [["init", "--layers", "8,16,16,1", "--init", "he", "--seed", "2", "--bias=-0.5", "-o", "$T/sparse.json"], ["sparsity", "$T/sparse.json", "--samples", "4000", "--seed", "1"]],
      },
      {
        quote: "For any given input, a substantial fraction of neurons will have negative pre-activations and thus output exactly zero.",
        note: "On a 2-D domain the active fraction is exact: it is the area of the certified regions where the neuron is active, divided by the domain's area. Here the exact fractions are next to the formula and next to 10000 uniform samples with their 95% intervals.",
        commands: [["sparsity", SEED, "--box=-3:3", "--samples", "10000", "--seed", "1"]],
      },
    ],
  },
];

/** Output lines that differ from run to run (timings) are replaced by a fixed note. */
function normalise(text: string): string {
  return text.replace(/^time( +)[0-9.]+ s(.*)$/gm, "time$1(varies)$2");
}

async function run(argv: readonly string[], scratch: string, pictures: string): Promise<{ shown: string; output: string }> {
  const args = argv.map((a) => a.replace("$T/", `${scratch}/`).replace("$D/", `${pictures}/`));
  let out = "";
  let err = "";
  const code = await runCli([...args], { stdout: (s) => void (out += s), stderr: (s) => void (err += s), stderrIsTTY: false });
  const hide = (s: string): string => s.replaceAll(`${scratch}/`, "").replaceAll(`${pictures}/`, "");
  const shown = `$ tessera ${argv.map((a) => a.replace("$T/", "").replace("$D/", "")).map((a) => (/[\s;"|]/.test(a) ? `"${a}"` : a)).join(" ")}`;
  const text = hide(normalise(out + err)).trimEnd();
  return { shown, output: code === 0 ? text : `${text}\n(exit code ${code})` };
}

/** The whole document, running every command; pictures go to `pictures` (default: the scratch folder). */
export async function renderTour(pictures?: string): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), "tessera-tour-"));
  const pictureDir = pictures ?? scratch;
  try {
    const parts: string[] = [
      "# A tour of the ReLU article with tessera",
      "",
      "tessera's background text is an article on the ReLU. This page goes through its claims in order. Each claim",
      "is quoted, because the article is not part of the repository. Under each quote is the tessera command that",
      "shows the claim on a network bundled in `fixtures/` (or one made by `tessera init`, which is reproducible from",
      "its seed), and the command's real output.",
      "",
      "The page is generated: `npx tsx scripts/seed-tour.ts` regenerates it from a fresh clone, and",
      "`test/docs/seed-tour.test.ts` checks that it matches what the commands print now. Files written by `init`",
      "go to a scratch folder and are shown by their bare names. Timings are shown as `(varies)`. Numbers marked",
      "as estimates (sampled, formula) are floats; every other number is exact.",
      "",
    ];
    for (const section of TOUR) {
      parts.push(`## ${section.title}`, "");
      for (const step of section.steps) {
        parts.push(`> ${step.quote}`, "", step.note, "", "```");
        const blocks: string[] = [];
        for (const cmd of step.commands) {
          const r = await run(cmd, scratch, pictureDir);
          blocks.push(r.output ? `${r.shown}\n${r.output}` : r.shown);
        }
        parts.push(blocks.join("\n\n"), "```", "");
        if (step.picture) parts.push(`![${step.picture}](${step.picture})`, "");
      }
    }
    return parts.join("\n");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  mkdirSync("docs/seed-tour", { recursive: true });
  writeFileSync("docs/seed-tour.md", await renderTour("docs/seed-tour"));
  process.stdout.write("wrote docs/seed-tour.md\n");
}
