// Barrel of src/analysis: verification (verify, certificates and their checker), bounds, neurons, lipschitz, weight gradients, initialisation, signal, sparsity.
export { verify, type VerifyOptions, type VerifyOutcome, type VerifyStats } from "./verify.js";
export { problemFromVnnlib, checkProblem, unsafeDisjunct, type VerificationProblem, type InputBox, type OutputConstraint } from "./problem.js";
export { recheckCounterexample, vnncompWitness, type Counterexample } from "./counterexample.js";
export { VERIFY_CERTIFICATE_FORMAT, countLeaves, type VerifyCertificate, type CertificateNode, type CertificateCase } from "./certificate.js";
export { checkVerifyCertificate, checkVerifyCertificateDocument } from "./certificate-check.js";
export { exactPropagate, exactObjectiveLowerBound, type ExactBounds, type DyadicBox } from "./exact-bounds.js";
export { outputBounds, type BoundsResult, type OutputBounds, type Extreme } from "./bounds.js";
export { classifyNeurons, dataActivity, type NeuronsResult, type NeuronReport, type NeuronStatus, type ActivityResult } from "./neurons.js";
export { lipschitzConstant, inducedNorm, type LipschitzResult, type LipschitzNorm } from "./lipschitz.js";
export { weightGradient, dataWeightGradient, checkLoss, SMOOTH_LOSSES, type GradientLoss, type OneSided, type WeightGradientResult, type DataGradientResult, type DenseGradient, type NeuronGradient } from "./weight-gradient.js";
export { initialiseNetwork, weightVariance, INIT_SCHEMES, type InitScheme, type InitOptions } from "./initialisation.js";
export { gaussianSampler, uniformSampler, normalCdf } from "./gaussian.js";
export { signalPropagation, type SignalResult, type LayerSignal } from "./signal.js";
export { activationSparsity, wilsonInterval, convexPolygonArea, type SparsityResult, type NeuronSparsity, type SparsityOptions, type SampledShare } from "./sparsity.js";
