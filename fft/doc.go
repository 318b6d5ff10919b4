// Package fft provides unitary discrete Fourier transforms of real signals
// with any number of axes — sequences, images, volumes, short videos — onto
// their half spectrum.
//
// It is the frequency-domain layer of the multichannel ReduNet: features are
// transformed once per block, every layer works bin by bin, and the result is
// transformed back. The transforms are computed by gonum's
// gonum.org/v1/gonum/dsp/fourier, which handles any length, not only powers
// of two.
//
// # Shapes
//
// A Shape lists the sizes of a signal's axes, first axis first: [T] for a
// sequence of T samples, [H W] for an image of H rows and W columns, [D H W]
// for a volume. A signal is stored row-major, the last axis varying fastest,
// so the value at (x₀, …, x_{r−1}) is at index
// (…(x₀·n₁ + x₁)·n₂ + …)·n_{r−1} + x_{r−1}. The empty shape has no axes and
// holds one value; its transform is the identity.
//
// # Plans
//
// A plan is built once for one shape and reused for every transform of that
// shape:
//
//	p := fft.NewPlan(fft.Shape{28, 28})
//	X := p.Forward(nil, x)  // nil dst: allocate a new spectrum
//	p.Forward(X, y)         // reuse X: no allocation
//	p.Inverse(x, X)         // back to the signal, in place in x
//
// The destination comes first. A nil destination is allocated and returned;
// a non-nil destination must have the right length and is filled without any
// heap allocation. Wrong lengths and invalid shapes are programming errors
// and panic with a message prefixed by "fft: ".
//
// A plan owns its scratch space, so it is not safe for concurrent use. Use one
// plan per goroutine; Clone makes a new plan of the same shape for a worker.
//
// # The unitary convention
//
// Both directions are scaled by 1/√N, where N is the number of values, the
// product of the sizes (numpy's norm="ortho"). For a signal of shape
// (n₀, …, n_{r−1}), with u·x/n short for Σ_a u_a·x_a/n_a,
//
//	X[u] = (1/√N) Σ_x x[x]·exp(−2πi·u·x/n)
//	x[x] = (1/√N) Σ_u X[u]·exp(+2πi·u·x/n)
//
// The transform is an isometry, so norms and inner products are the same in
// the signal and the frequency domain, and Inverse(Forward(x)) = x to
// rounding.
//
// # The half spectrum
//
// The input is real, so its spectrum is Hermitian: X[−u] = conj(X[u]), every
// index taken modulo its size. Only about half of it is stored: every
// frequency of every axis but the last, and the frequencies 0, …, n_{r−1}/2
// (integer division) of the last. The kept bins are stored row-major over the
// sizes (n₀, …, n_{r−2}, n_{r−1}/2+1):
//
//   - 1-D, [T]: bins k = 0, …, T/2, T/2+1 values.
//   - 2-D, [H W]: H rows and W/2+1 columns; bin (u, v) is at index
//     u·(W/2+1)+v.
//   - 3-D, [D H W]: D·H·(W/2+1) bins; bin (a, u, v) is at index
//     (a·H+u)·(W/2+1)+v.
//
// A missing bin, with last index v > n_{r−1}/2, is the conjugate of the kept
// bin X[−u, n_{r−1}−v]. This is the layout of a real FFT along the last axis
// followed by complex FFTs along the other axes, which is how Forward computes
// it. Inverse completes the spectrum by Hermitian symmetry and keeps the real
// part of the result; see Plan.Inverse for what that means for a half
// spectrum that is not exactly Hermitian.
//
// # Bin weights
//
// A sum over the full spectrum becomes a weighted sum over the half spectrum.
// A bin whose last index v is neither 0 nor n_{r−1}/2 has its mirror among
// the missing bins, so it stands for two bins of the same magnitude and gets
// weight 2. The bins with v = 0 or, for an even last size, v = n_{r−1}/2 have
// their mirrors among the kept bins (the mirror of (u, 0) is (−u, 0)), some
// being their own mirror, and get weight 1. So the weight depends on the last
// index only:
//
//   - 1-D: w = 1 for k = 0 and, when T is even, k = T/2; 2 otherwise.
//   - 2-D and up: w = 1 for every bin of last index 0 and, when the last size
//     is even, of last index n_{r−1}/2; 2 otherwise.
//   - The empty shape: its single bin has weight 1.
//
// The weights add up to N. With them Parseval's identity holds on the half
// spectrum, Σ x² = Σ_p w_p·|X(p)|², and so does any sum of a function of
// |X(p)|, or of a per-bin quantity that is the same for a bin and its mirror
// (such as the log-determinant of a per-bin Hermitian covariance, which is
// real and equal at p and −p). Shape.Weights and Plan.Weights return them in
// the layout of the spectrum.
package fft
