// Package fft provides unitary discrete Fourier transforms of real 1-D
// sequences and real 2-D arrays onto their half spectrum.
//
// It is the frequency-domain layer of the multichannel ReduNet: features are
// transformed once per block, every layer works bin by bin, and the result is
// transformed back. The transforms are computed by gonum's
// gonum.org/v1/gonum/dsp/fourier, which handles any length, not only powers
// of two.
//
// # Plans
//
// A plan is built once for one size and reused for every transform of that
// size:
//
//	p := fft.NewPlan1D(200)
//	X := p.Forward(nil, x)  // nil dst: allocate a new spectrum
//	p.Forward(X, y)         // reuse X: no allocation
//	p.Inverse(x, X)         // back to the signal, in place in x
//
// The destination comes first. A nil destination is allocated and returned;
// a non-nil destination must have the right length and is filled without any
// heap allocation. Wrong lengths are programming errors and panic with a
// message prefixed by "fft: ".
//
// A plan owns its scratch space, so it is not safe for concurrent use. Use one
// plan per goroutine; Clone makes a new plan of the same size for a worker.
//
// # The unitary convention
//
// Both directions are scaled by 1/√N, where N is T in 1-D and H·W in 2-D
// (numpy's norm="ortho"):
//
//	X[k] = (1/√T) Σ_t x[t]·exp(−2πi·k·t/T)
//	x[t] = (1/√T) Σ_k X[k]·exp(+2πi·k·t/T)
//
// The transform is an isometry, so norms and inner products are the same in
// the time and the frequency domain, and Inverse(Forward(x)) = x to rounding.
//
// # The half spectrum
//
// The input is real, so its spectrum is Hermitian: X[−k] = conj(X[k]), indices
// taken modulo the length. Only half of it is stored:
//
//   - 1-D: bins k = 0, …, T/2 (integer division), T/2+1 values.
//   - 2-D: H rows and W/2+1 columns, row-major; bin (u, v) is at index
//     u*(W/2+1)+v. The missing columns v > W/2 are X[u,v] = conj(X[−u, W−v]).
//
// Bin 0 (and bin T/2 when T is even) is its own mirror and is real. Inverse
// completes the spectrum by Hermitian symmetry and keeps the real part of the
// result, so the imaginary parts of such self-conjugate bins are ignored; see
// Plan1D.Inverse and Plan2D.Inverse for the exact statement.
//
// # Bin weights
//
// A sum over the full spectrum becomes a weighted sum over the half spectrum:
// a stored bin whose mirror is not stored stands for two bins of the same
// magnitude, and gets weight 2; a bin whose mirror is itself, or whose mirror is
// stored too, gets weight 1. That gives
//
//   - 1-D: w = 1 for k = 0 and, when T is even, k = T/2; 2 otherwise.
//   - 2-D: w = 1 for every bin of column v = 0 and, when W is even, of column
//     v = W/2 (those columns are stored for all u, mirrors included); 2 otherwise.
//
// With these weights Parseval's identity holds on the half spectrum,
// Σ x² = Σ_p w_p·|X(p)|², and so does any sum of a function of |X(p)|, or of
// a per-bin quantity that is the same for a bin and its mirror (such as the
// log-determinant of a per-bin Hermitian covariance, which is real and equal
// at p and −p). Weights returns them in the same layout as the spectrum.
package fft
