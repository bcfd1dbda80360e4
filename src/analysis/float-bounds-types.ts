// The value types of the float bound engine (float-bounds.ts) shared with its back-substitution
// (float-back-substitution.ts): an input box in floats, per-neuron relaxations and the bounds of every node.
// A module of their own so the two engine files import types without an import circle.

/** An input box in floats, already rounded outward from the exact box. */
export interface FloatBox {
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

/** Per neuron of one activation node: the slope and the two intercepts of its relaxation. */
export interface Relaxation {
  readonly s: Float64Array;
  readonly tl: Float64Array;
  readonly tu: Float64Array;
  /** The lower line back-substitution uses, a·z + ta ≤ f(z) (DeepPoly's choice for a ReLU: a ∈ {0, 1}). */
  readonly a: Float64Array;
  readonly ta: Float64Array;
}

export interface FloatBounds {
  /** Concrete bounds of every node's values (node id → per-element lo / hi). */
  readonly lo: readonly Float64Array[];
  readonly hi: readonly Float64Array[];
  /** Relaxations of the activation nodes (undefined for other nodes). */
  readonly relax: readonly (Relaxation | undefined)[];
  /** Neurons whose bounds straddle a breakpoint. */
  readonly unstable: number;
  /** The symbolic bounds of every node: row-major size × (d + 1), the constant last. */
  readonly L: readonly Float64Array[];
  readonly U: readonly Float64Array[];
  /**
   * True when some neuron's bounds cross (lower > upper) once the ReLU phases are imposed: no input of the box
   * takes those phases. The bounds then stop at that node.
   */
  readonly empty?: boolean;
}

/** A ReLU split: neuron `neuron` of activation node `node` restricted to z ≤ 0 (inactive) or z ≥ 0 (active). */
export interface ReluPhase {
  readonly node: number;
  readonly neuron: number;
  readonly active: boolean;
}
