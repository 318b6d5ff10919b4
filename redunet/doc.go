// Package redunet builds ReduNets: deep networks whose every layer is
// computed, not trained, by one step of gradient ascent on the coding-rate
// reduction ΔR = R − Rc (Chan, Yu, You, Qi, Wright, Ma, JMLR 2022). It holds
// the rate core, the one layer engine, the network type Net and the model
// file format. DESIGN.md at the root of the repository derives everything
// stated here.
//
// # Conventions
//
// Rows are samples: a data set is a row-major []float64 of m samples of
// InChannels×Shape values — m×d for vectors, m×C×T for 1-D signals, m×C×H×W
// for images, m×C×D×H×W for volumes. Labels are in 0..K−1.
//
// Params.EpsSq is ε², the squared distortion, what the authors' code calls
// "eps" (default 0.1); η (Eta) is the step size (0.5) and λ (Lambda) the
// sharpness of the soft assignment (500).
//
// Every sample is L2-normalised as a whole (over all its C·|Shape| values)
// before the first layer, after every layer and when features are decoded.
// Normalisation is scale-proof: when a sample's squared norm would over- or
// underflow it is first divided by the power of two nearest its largest
// magnitude (exactly), and a lifted sample is so divided before the lift
// (which is positively homogeneous), so that scaling samples by any
// positive factors — 1e300, 1e-320 — gives the same features to rounding;
// a zero sample stays zero. Everything is float64 / complex128.
//
// # One engine: the vector net is the one-bin case
//
// The operators of a shift-invariant network are block-circulant, so in the
// basis of the unitary DFT they are block-diagonal: one C×C Hermitian block
// per frequency bin p. A net transforms its (lifted, normalised) input once
// to the half spectrum of the real FFT (package fft: real transform on the
// last axis, complex on the others), runs every layer there, bin by bin, and
// transforms back. A vector net is the same computation on the empty shape:
// a d-dimensional vector is d channels at a single bin of weight 1, where
// every formula below reduces to the vector ReduNet's. Its one real bin is
// computed by a real backend (SIMD GEMM, gonum's LAPACK); every other shape
// by the complex per-bin kernels of package conv. There is one Net type, one
// construction pass, one forward step and one rule for the form of each
// group's operator.
//
// # Rates
//
// With V_i(p) the unitary DFT coefficients of sample i at bin p (C values),
// Σ_g(p) = Σ_{i∈g} V_i(p)V_i(p)ᴴ for a group g of m_g samples, α_g =
// C/(m_g·ε²), B the number of bins of the full spectrum and w_p the bin
// weights (1 for self-conjugate bins, 2 for a kept bin that stands for its
// mirror too),
//
//	R  = (1/(2B))·Σ_p w_p·logdet(I + α·Σ(p))          (g = all m samples)
//	Rc = Σ_j (m_j/m)·(1/(2B))·Σ_p w_p·logdet(I + α_j·Σ_j(p))
//
// where m_j counts the labels passed (true or predicted) and empty classes
// are skipped; ΔR = R − Rc. For a vector net (B = 1, w = 1) this is
// R = ½·logdet(I + a·ZᵀZ) with a = d/(m·ε²). The log-determinants come from
// Cholesky factorisations (the matrices are Hermitian positive definite).
// These per-bin rates are the authors' formula taken literally: they equal
// 1/B times the rates of the exact circulant (all-shifts) vector network with
// ε² → B·ε², and the per-bin operators are B times the circulant ones; the
// tests check this correspondence.
//
// # A layer in three stages
//
// A layer is built from its input training features and the true labels:
// E(p) = α(I + α·Σ(p))⁻¹, C_j(p) = α_j(I + α_j·Σ_j(p))⁻¹, γ_j = m_j/m. It moves
// every sample z to normalise(z + η·(E z − Σ_j γ_j·π̂_j·C_j z)) with
// π̂ = softmax(−λ·‖C_j z‖), the layer's own soft classification (its argmax
// ŷ is ReduNet's own classifier). The bin weights enter the per-sample norms
// (‖z‖² = Σ_p w_p‖z(p)‖², Parseval), the norms ‖C_j z‖ and the rate sums; the
// operators and the update are per bin and need none.
//
// The construction pass (Net.Build) composes three stages per layer, which
// are also public so that out-of-core or distributed runs can call them on
// shards of samples:
//
//	(a) Net.Statistics: per bin and group, the Gram sums Σ_g(p) and counts —
//	    additive over shards (Stats.Merge);
//	(b) Net.Factor: per bin, the factorisations into the operators (Layer),
//	    with the log-determinants, hence the rates;
//	(c) Layer.Apply: per sample, the forward step above, ŷ and π̂.
//
// A group of n < C samples keeps its samples instead of the C×C sums: its
// n×n kernel form I + α·V_gᴴV_g has the same determinant and gives the
// operator by Woodbury's identity, applied as α·I − α²·YᴴY when 2n < C (2·n·C
// operations per sample and bin instead of C²). The result is the same to
// rounding (tested against the dense form).
//
// Bins are spread over workers; every per-sample sum runs over bins in a
// fixed order, so the results do not depend on the number of workers. The
// shift-invariant network is exactly shift-equivariant: shifting an input
// shifts its features and leaves π̂, ŷ and the rates unchanged.
//
// # Construct-then-apply
//
// At test time a layer needs nothing but its operators, so BuildOptions.Eval
// applies each layer to evaluation sets as soon as it is built, and a long
// network never holds more than one layer. A kept net (BuildOptions.Keep, or
// a loaded Model) stores its training input and labels; Transform and
// Predict rebuild its layers one at a time, exactly, and apply them.
//
// # Failures
//
// Invalid parameters, mismatched sizes, labels out of range, empty classes
// and non-finite values are returned as errors with the prefix "redunet: ";
// so is a net whose exported fields were set inconsistently, checked by
// every entry point that computes (Build, Transform, Predict, Prepare,
// Encode). Model files fail with *FileError wrapping ErrChecksum, a
// *VersionError or a FormatError that names the offending header field;
// every model that loads passes Model.Validate. Shape mismatches in the
// low-level methods (programmer errors) panic with the same prefix.
//
// Degenerate but valid inputs work. ε² may be as small as C·2^−500 (the
// rate coefficient a = C/(m·ε²) of a group of one sample stays below
// 2^500, so that a² and the operators' outputs are finite); a smaller ε²
// is an error naming it, from Params.Validate (below 2^−500), NewNet,
// Build or Factor, as is an ε² so small that I + a·Σ is not numerically
// positive definite. A huge η never overflows the step: when η·a could,
// the step is formed as 2^−k·z + (η·2^−k)·(…), which normalises alike.
// One class (K = 1) is allowed: C_1 = E, so Rc = R, ΔR = 0 and every
// layer leaves its input as it is (to rounding) — by construction. An empty evaluation
// set has no features, no ŷ and zero rates.
//
// # Memory
//
// Net.MemoryEstimate returns the peak live heap of Build for given set
// sizes, from the sizes alone, so that a program can refuse a run that
// would not fit before it starts.
package redunet
