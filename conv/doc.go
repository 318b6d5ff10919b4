// Package conv is the multichannel circular algebra of the convolutional
// ReduNet: the fixed random lifting, cyclic shifts, the bin-major half
// spectra of multichannel signals, and the two per-bin kernels (covariance
// and operator application) on which every layer spends its time.
//
// # Data layout
//
// Rows are samples. A 1-D data set of m samples with C channels of length T
// is a []float64 of m×C×T values, row-major; a 2-D set is m×C×H×W. Sample i,
// channel c starts at (i·C + c)·T (or (i·C + c)·H·W).
//
// # Spectra: one block per frequency bin
//
// The ReduNet layers of SPEC §3 work bin by bin: for every kept frequency
// bin p the C×m matrix V(p), whose column i holds the C channel coefficients
// of sample i at that bin, gives the covariance Σ(p) = V(p)·V(p)ᴴ, and the
// layer's operators E(p), C_j(p) are C×C matrices applied to V(p). Spectra
// therefore stores the coefficients bin-major, each bin a contiguous C×m
// row-major block (row = channel, column = sample):
//
//	Data[p*C*M + c*M + i] = V_i(p)[c].
//
// A block is exactly the matrix operand of Gram and MulBlock, with unit
// stride along samples, so the per-bin work runs on contiguous memory, and
// independent bins can be handed to different goroutines (ApplyPerBin).
//
// # The unitary FFT and the bin weights
//
// Transformer computes the spectra with package fft: the unitary real DFT
// (scaled by 1/√N in both directions, numpy's norm="ortho") of every
// (sample, channel) signal, over T or over H×W, onto the half spectrum
// (T/2+1 bins in 1-D, H×(W/2+1) in 2-D; fft's layout). The input is real, so
// the missing bins are conjugates of kept ones. Spectra.W holds the bin
// weights: 1 for self-conjugate columns, 2 for a bin that also stands for
// its mirror. With them, sums over the full spectrum become weighted sums
// over the kept bins; in particular Parseval's identity reads
//
//	‖x_i‖² = Σ_p w_p Σ_c |V_i(p)[c]|²,
//
// which is Spectra.SampleSqNorms. Per-bin operations (Gram, MulBlock,
// ApplyPerBin, ScaleSamples) need no weights.
//
// # Kernels
//
// Gram computes α·V·Vᴴ and MulBlock computes A·V + β·D for C×C and C×m
// complex blocks. They are hand-written in real arithmetic with register
// blocking and no bounds checks in the inner loops, do not allocate, and
// are benchmarked against gonum's blas/cblas128 (Herk, Gemm) in this
// package's benchmarks.
//
// # Workers and determinism
//
// Parallel splits a range of independent units (samples for transforms and
// lifting, bins for per-bin operators) into contiguous parts, one per
// worker; each worker allocates its scratch space once. Every unit is
// computed by the same sequence of floating-point operations whichever
// worker handles it, and per-sample sums run over bins and channels in a
// fixed order, so all results are bitwise independent of the number of
// workers.
//
// # Errors
//
// Shape mismatches between arguments are programming errors and panic with
// a message prefixed by "conv: ". Invalid user input (a malformed lifting, a
// kernel larger than the signal, an input of the wrong length for a lifting)
// is reported as an error.
//
// # Lifting and shifts
//
// Lift is the fixed random lifting of SPEC §3.1: circular cross-correlation
// with N(0,1) kernels drawn from a seeded generator, then ReLU. Shift1D and
// Shift2D are numpy's roll over the signal axes. A lifting is exactly
// equivariant to these shifts: Lift(Shift(x)) = Shift(Lift(x)) bit for bit.
package conv
