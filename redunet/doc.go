// Package redunet builds ReduNets: deep networks whose every layer is
// computed, not trained, by one step of gradient ascent on the coding-rate
// reduction ΔR = R − Rc (Chan, Yu, You, Qi, Wright, Ma, JMLR 2022). It holds
// the rate core, the vector network, the multichannel (shift-invariant)
// network in the Fourier domain, and the model file format.
//
// # Conventions
//
// Rows are samples: a vector data set is an m×d row-major []float64, a 1-D
// multichannel set m×C×T and a 2-D set m×C×H×W. Labels are in 0..K−1.
//
// Params.EpsSq is ε², the squared distortion, what the authors' code calls
// "eps" (default 0.1); η (Eta) is the step size (0.5) and λ (Lambda) the
// sharpness of the soft assignment (500).
//
// Every sample is L2-normalised as a whole (over all its C·T or C·H·W
// values, the norm clamped below at 1e-8) before the first layer and after
// every layer. Everything is float64 / complex128.
//
// # Rates
//
// For vector features Z (m×d, unit rows), with a = d/(m·ε²) and
// a_j = d/(m_j·ε²):
//
//	R  = ½·logdet(I + a·ZᵀZ)
//	Rc = Σ_j (m_j/m)·½·logdet(I + a_j·Z_jᵀZ_j)
//
// where m_j counts the labels passed (true or predicted); ΔR = R − Rc. For
// multichannel features the same formula is summed over frequency bins: with
// V the unitary DFT of the features and Σ(p) = Σ_i V_i(p)V_i(p)ᴴ (C×C),
// R = (1/(2B))·Σ_p logdet(I + α·Σ(p)), α = C/(m·ε²), B the number of bins of
// the full spectrum. VectorRates computes the vector rates; every
// construction pass reports them per layer, with the true and with the
// predicted labels.
//
// # Layers
//
// A layer is built from its input training features and the true labels:
// E = a·(I + a·ZᵀZ)⁻¹, C_j = a_j·(I + a_j·Z_jᵀZ_j)⁻¹, γ_j = m_j/m. It moves
// every sample z to normalise(z + η·(E z − Σ_j γ_j·π̂_j·C_j z)) with
// π̂ = softmax(−λ·‖C_j z‖), the layer's own soft classification (its argmax
// ŷ is ReduNet's own classifier). The same step serves the vector network
// (BuildVector, VectorNet) and the multichannel one (BuildMulti, MultiNet).
// A group of n < d samples (n < C per bin) is factorised in its n×n kernel
// form, which has the same determinant, and its operator applied through
// Woodbury's identity when that is cheaper; the result is the same to
// rounding.
//
// # The multichannel network
//
// The operators of a shift-invariant network are block-circulant, so in the
// basis of the unitary DFT they are block-diagonal: one C×C Hermitian block
// per frequency bin. BuildMulti lifts the input (optional: a fixed bank of
// random kernels and ReLU, package conv), normalises it, transforms it once
// to the half spectrum of the real FFT (package fft), runs every layer there
// and transforms back. Of the half spectrum, self-conjugate bins get weight 1
// and the others 2, in the per-sample norms, in the soft-assignment norms
// and in the rate sums; the operators need no weights. Bins are spread over
// workers; every per-sample sum runs over bins in a fixed order, so the
// results do not depend on the number of workers. The network is exactly
// shift-equivariant: shifting an input shifts its features and leaves ŷ
// unchanged.
//
// The per-bin operators of this formula are B times those of the exact
// circulant (all-shifts) vector network; the multichannel network on m
// signals equals the vector network on their m·B cyclic shifts with
// ε² → B·ε², η → B·η, λ → B·λ, and rates scaled by B (SPEC §4; the tests
// check it).
//
// # Construct-then-apply
//
// At test time a layer needs nothing but its operators, so BuildOptions.Eval
// applies each layer to evaluation sets as soon as it is built, and a long
// network never holds more than one layer. BuildOptions.Keep keeps what is
// needed to apply the network again or save it (Model).
//
// # Failures
//
// Invalid parameters, mismatched sizes, labels out of range, empty classes
// and non-finite values are returned as errors; shape mismatches in the
// low-level methods (programmer errors) panic with a "redunet: " prefix.
package redunet
