package conv

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
)

// Lift is the fixed random lifting of the convolutional ReduNet (SPEC §3.1):
// a bank of Out×In kernels of size K (1-D) or K×K (2-D) applied by circular
// cross-correlation without bias, followed by ReLU. It maps m×In×T signals
// (or m×In×H×W images) to m×Out×T (or m×Out×H×W) features of the same size,
// exactly equivariant to cyclic shifts.
//
// Kernels are stored row-major, Out×In×K in 1-D and Out×In×K×K in 2-D:
// kernel (o, c) starts at (o·In + c)·K^Dims. They are part of the model.
type Lift struct {
	In, Out, K int       // input channels, output channels, kernel size
	Dims       int       // 1 for signals, 2 for images
	Kernels    []float64 // Out×In×K or Out×In×K×K, row-major
}

// NewGaussianLift returns a lifting with in input and out output channels and
// kernels of size k (dims = 1) or k×k (dims = 2), whose entries are
// independent N(0,1) draws from rand.New(rand.NewPCG(seed, 0x5eed)), taken in
// row-major order. The same arguments give the same kernels.
//
// It returns an error if in, out or k is less than 1 or dims is not 1 or 2.
func NewGaussianLift(in, out, k, dims int, seed uint64) (*Lift, error) {
	if in < 1 || out < 1 || k < 1 {
		return nil, fmt.Errorf("conv: lift channels and kernel size must be positive, got in=%d out=%d k=%d", in, out, k)
	}
	if dims != 1 && dims != 2 {
		return nil, fmt.Errorf("conv: lift dims must be 1 or 2, got %d", dims)
	}
	l := &Lift{In: in, Out: out, K: k, Dims: dims}
	l.Kernels = make([]float64, out*in*l.kernelLen())
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	for i := range l.Kernels {
		l.Kernels[i] = rng.NormFloat64()
	}
	return l, nil
}

// kernelLen returns the number of weights of one kernel, K or K·K.
func (l *Lift) kernelLen() int {
	if l.Dims == 2 {
		return l.K * l.K
	}
	return l.K
}

// validate reports whether l is a usable lifting.
func (l *Lift) validate() error {
	if l.Dims != 1 && l.Dims != 2 {
		return fmt.Errorf("conv: lift dims must be 1 or 2, got %d", l.Dims)
	}
	if l.In < 1 || l.Out < 1 || l.K < 1 {
		return fmt.Errorf("conv: lift channels and kernel size must be positive, got in=%d out=%d k=%d", l.In, l.Out, l.K)
	}
	if len(l.Kernels) != l.Out*l.In*l.kernelLen() {
		return fmt.Errorf("conv: lift has %d kernel weights, want %d", len(l.Kernels), l.Out*l.In*l.kernelLen())
	}
	return nil
}

// Apply lifts the m samples x, stored row-major as m×In×T (1-D, shape [T])
// or m×In×H×W (2-D, shape [H, W]), into dst, m×Out×T or m×Out×H×W: the
// circular cross-correlation
//
//	out[o,t]   = Σ_{c,s}   K[o,c,s]·x[c, (t+s) mod T]                       (1-D)
//	out[o,y,x] = Σ_{c,u,v} K[o,c,u,v]·x[c, (y+u) mod H, (x+v) mod W]        (2-D)
//
// followed by ReLU, max(0, ·). This is a stride-1 correlation over the input
// padded circularly by K−1 on the right (and bottom). Every output value is
// computed by the same sequence of operations, so a cyclic shift of a sample
// shifts its output exactly, bit for bit.
//
// Samples are distributed over workers goroutines (runtime.GOMAXPROCS(0)
// when workers ≤ 0), each with one padded copy of a sample as scratch; the
// result does not depend on the number of workers. If dst is nil a new slice
// is allocated. Apply returns an error if the lifting is malformed, len(shape)
// is not Dims, a size is not positive, the kernel is larger than the signal
// (K > T, or K > H or K > W), m is negative or len(x) != m·In·T (m·In·H·W).
// It panics if dst is not nil and has the wrong length.
func (l *Lift) Apply(dst, x []float64, m int, shape []int, workers int) ([]float64, error) {
	if err := l.validate(); err != nil {
		return nil, err
	}
	if len(shape) != l.Dims {
		return nil, fmt.Errorf("conv: lift of dims %d given a shape of %d sizes", l.Dims, len(shape))
	}
	for _, n := range shape {
		if n < 1 {
			return nil, fmt.Errorf("conv: lift given shape %v: sizes must be positive", shape)
		}
		if l.K > n {
			return nil, fmt.Errorf("conv: lift kernel size %d exceeds the signal shape %v", l.K, shape)
		}
	}
	if m < 0 {
		return nil, errors.New("conv: lift given a negative number of samples")
	}
	n := signalLen(shape)
	if len(x) != m*l.In*n {
		return nil, fmt.Errorf("conv: lift input has %d values, want m·In·%d = %d", len(x), n, m*l.In*n)
	}
	if dst == nil {
		dst = make([]float64, m*l.Out*n)
	} else if len(dst) != m*l.Out*n {
		panic("conv: Lift.Apply: len(dst) != m·Out·signal length")
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, m))
	padLen := l.In * (shape[0] + l.K - 1)
	if l.Dims == 2 {
		padLen = l.In * (shape[0] + l.K - 1) * (shape[1] + l.K - 1)
	}
	pads := make([][]float64, workers)
	for w := range pads {
		pads[w] = make([]float64, padLen)
	}
	inLen, outLen := l.In*n, l.Out*n
	Parallel(m, workers, func(w, lo, hi int) {
		for i := lo; i < hi; i++ {
			src := x[i*inLen : (i+1)*inLen]
			out := dst[i*outLen : (i+1)*outLen]
			if l.Dims == 1 {
				l.apply1(out, src, pads[w], shape[0])
			} else {
				l.apply2(out, src, pads[w], shape[0], shape[1])
			}
			relu(out)
		}
	})
	return dst, nil
}

// apply1 correlates one In×T sample x into out (Out×T), using pad
// (In×(T+K−1)) for the circularly padded copy of x.
func (l *Lift) apply1(out, x, pad []float64, t int) {
	k, pw := l.K, t+l.K-1
	for c := 0; c < l.In; c++ {
		row := x[c*t : (c+1)*t]
		p := pad[c*pw : (c+1)*pw]
		copy(p, row)
		copy(p[t:], row[:k-1])
	}
	for o := 0; o < l.Out; o++ {
		d := out[o*t : (o+1)*t]
		clear(d)
		for c := 0; c < l.In; c++ {
			ker := l.Kernels[(o*l.In+c)*k : (o*l.In+c+1)*k]
			correlate(d, ker, pad[c*pw:(c+1)*pw])
		}
	}
}

// apply2 correlates one In×H×W sample x into out (Out×H×W), using pad
// (In×(H+K−1)×(W+K−1)) for the circularly padded copy of x.
func (l *Lift) apply2(out, x, pad []float64, h, w int) {
	k := l.K
	ph, pw := h+k-1, w+k-1
	for c := 0; c < l.In; c++ {
		img := x[c*h*w : (c+1)*h*w]
		p := pad[c*ph*pw : (c+1)*ph*pw]
		for y := 0; y < ph; y++ {
			sy := y
			if sy >= h {
				sy -= h
			}
			row := img[sy*w : (sy+1)*w]
			prow := p[y*pw : (y+1)*pw]
			copy(prow, row)
			copy(prow[w:], row[:k-1])
		}
	}
	kk := k * k
	for o := 0; o < l.Out; o++ {
		for y := 0; y < h; y++ {
			d := out[(o*h+y)*w : (o*h+y+1)*w]
			clear(d)
			for c := 0; c < l.In; c++ {
				ker := l.Kernels[(o*l.In+c)*kk : (o*l.In+c+1)*kk]
				p := pad[c*ph*pw : (c+1)*ph*pw]
				for u := 0; u < k; u++ {
					correlate(d, ker[u*k:(u+1)*k], p[(y+u)*pw:(y+u+1)*pw])
				}
			}
		}
	}
}

// correlate adds Σ_s ker[s]·src[i+s] to d[i] for every i; src must hold at
// least len(d)+len(ker)−1 values. The taps are taken four at a time, and
// every d[i] receives the same sequence of operations.
func correlate(d, ker, src []float64) {
	n := len(d)
	s := 0
	for ; s+3 < len(ker); s += 4 {
		k0, k1, k2, k3 := ker[s], ker[s+1], ker[s+2], ker[s+3]
		x0 := src[s : s+n]
		x1 := src[s+1 : s+1+n]
		x2 := src[s+2 : s+2+n]
		x3 := src[s+3 : s+3+n]
		for i, v := range d {
			d[i] = v + ((k0*x0[i] + k1*x1[i]) + (k2*x2[i] + k3*x3[i]))
		}
	}
	for ; s+1 < len(ker); s += 2 {
		k0, k1 := ker[s], ker[s+1]
		x0 := src[s : s+n]
		x1 := src[s+1 : s+1+n]
		for i, v := range d {
			d[i] = v + (k0*x0[i] + k1*x1[i])
		}
	}
	if s < len(ker) {
		k0 := ker[s]
		x0 := src[s : s+n]
		for i, v := range d {
			d[i] = v + k0*x0[i]
		}
	}
}

// relu replaces every negative value of x by zero.
func relu(x []float64) {
	for i, v := range x {
		if v < 0 {
			x[i] = 0
		}
	}
}
