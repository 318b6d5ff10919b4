// Package conv is the multichannel circular algebra of the convolutional
// ReduNet: the fixed random lifting, cyclic shifts, the bin-major half
// spectra of multichannel signals, and the two per-bin kernels (covariance
// and operator application) on which every layer spends its time.
//
// # Data layout
//
// Rows are samples. A data set of m samples with C channels of a signal
// shape (package fft's Shape: [T] for sequences, [H W] for images, [D H W]
// for volumes, any number of axes) is a []float64 of m×C×(shape) values,
// row-major: sample i, channel c starts at (i·C + c)·N, where N is the
// number of values of one signal, shape.Len(). Nothing in this package
// depends on the number of axes except the loops that walk them.
//
// # Spectra: one block per frequency bin
//
// The convolutional ReduNet works bin by bin. Every channel of every sample
// is moved to the frequency domain by the unitary DFT over all its axes, and
// the layers never mix frequencies: for every kept frequency bin p, the C×m
// matrix V(p), whose column i holds the C channel coefficients of sample i
// at that bin, gives the covariance Σ(p) = V(p)·V(p)ᴴ, and the layer's
// operators E(p), C_j(p) are C×C matrices applied to V(p). Spectra therefore
// stores the coefficients bin-major, each bin a contiguous C×m row-major
// block (row = channel, column = sample):
//
//	Data[p*C*M + c*M + i] = V_i(p)[c].
//
// A block is exactly the matrix operand of Gram and MulBlock, with unit
// stride along samples, so the per-bin work runs on contiguous memory, and
// independent bins can be handed to different goroutines (Parallel).
//
// # The unitary FFT, the half spectrum and the bin weights
//
// Transformer computes the spectra with package fft: the DFT of every
// (sample, channel) signal over all its axes, scaled by 1/√N in both
// directions (numpy's norm="ortho"), so that norms and inner products are
// the same in both domains. The input is real, so its spectrum is Hermitian,
// X[−u] = conj(X[u]), and only the half that a real FFT along the last axis
// produces is kept: every frequency of the other axes and the frequencies
// 0, …, n/2 of the last axis of size n, row-major — T/2+1 bins in 1-D,
// H·(W/2+1) in 2-D, D·H·(W/2+1) in 3-D. The empty shape is a single value
// per channel, with one bin.
//
// Spectra.W holds the bin weights: a bin whose last-axis index is 0 or, for
// an even last size n, n/2 has its mirror among the kept bins and weighs 1;
// every other bin also stands for its missing mirror and weighs 2. The
// weights add up to N. With them, sums over the full spectrum become
// weighted sums over the kept bins; in particular Parseval's identity reads
//
//	‖x_i‖² = Σ_p w_p Σ_c |V_i(p)[c]|².
//
// Per-bin operations (Gram, MulBlock) need no weights; only the sums over
// bins do (norms, and the rates' sums of per-bin log-determinants).
//
// # Kernels
//
// Gram computes α·V·Vᴴ and MulBlock (the square case of MulRect) computes
// A·V + β·D for C×C and C×m complex blocks; neither allocates. Both run in
// the kernels of internal/zmat: register-blocked AVX-512 (or AVX2+FMA)
// assembly on amd64, chosen at run time with golang.org/x/sys/cpu, and
// pure-Go kernels on other architectures or under the build tag purego.
// The benchmarks of this package run them beside gonum's Zherk and Zgemm
// (about 10× faster than either on the paper's sizes). Gram computes the
// lower triangle and mirrors it to a full Hermitian matrix.
//
// # Workers and determinism
//
// Parallel splits a range of independent units (samples for transforms and
// lifting, bins for per-bin operators) into contiguous parts, one per
// worker; each worker allocates its scratch space once. Every unit is
// computed by the same sequence of floating-point operations whichever
// worker handles it, so all results are bitwise independent of the number
// of workers.
//
// # Errors
//
// Shape mismatches between arguments and invalid shapes given to the
// constructors are programming errors and panic with a message prefixed by
// "conv: ". Invalid user input (a malformed lifting, a kernel larger than the
// signal, an input of the wrong length or rank for a lifting) is reported as
// an error.
//
// # Lifting and shifts
//
// Lift is the fixed random lifting that the convolutional ReduNet applies
// before its first layer: circular cross-correlation with a bank of kernels
// of N(0,1) weights drawn from a seeded generator,
//
//	out[o, t] = Σ_{c, s} K[o, c, s]·x[c, (t + s) mod shape],
//
// summed over the input channels c and the kernel taps s ∈ {0, …, K−1}^Dims,
// then ReLU. The output has the input's shape. Shift is numpy's roll over
// the signal axes. A lifting is exactly equivariant to shifts:
// Lift(Shift(x)) = Shift(Lift(x)) bit for bit, because every output value is
// computed by the same sequence of operations.
package conv
