package conv

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"

	"github.com/redunet-go/redunet/fft"
)

// maxKernelWeights bounds the number of weights of a lifting, 2³¹, so that
// their count cannot overflow.
const maxKernelWeights = 1 << 31

// Lift is the fixed random lifting of the convolutional ReduNet: a bank of
// Out×In kernels with Dims axes of size K each, applied by circular
// cross-correlation without bias, followed by ReLU. It maps m samples of In
// channels of a signal shape with Dims axes (m×In×T signals, m×In×H×W
// images, m×In×D×H×W volumes, …) to m×Out features of the same shape,
// exactly equivariant to cyclic shifts.
//
// Kernels are stored row-major as an Out×In×K×…×K tensor (Dims axes of size
// K): kernel (o, c) starts at (o·In + c)·K^Dims, and its tap (s₀, …, s_{Dims−1})
// is at offset (…(s₀·K + s₁)·K + …)·K + s_{Dims−1} from there. They are part
// of the model.
type Lift struct {
	In, Out, K int       // input channels, output channels, kernel size
	Dims       int       // number of signal axes: 1 for signals, 2 for images, 3 for volumes
	Kernels    []float64 // Out×In×K^Dims, row-major
}

// NewGaussianLift returns a lifting with in input and out output channels and
// kernels of size k along each of dims axes, whose entries are independent
// N(0,1) draws from rand.New(rand.NewPCG(seed, 0x5eed)), taken in row-major
// order. The same arguments give the same kernels.
//
// It returns an error if in, out, k or dims is less than 1, or if the
// lifting would have more than 2³¹ weights.
func NewGaussianLift(in, out, k, dims int, seed uint64) (*Lift, error) {
	l := &Lift{In: in, Out: out, K: k, Dims: dims}
	n, err := l.weights()
	if err != nil {
		return nil, err
	}
	l.Kernels = make([]float64, n)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	for i := range l.Kernels {
		l.Kernels[i] = rng.NormFloat64()
	}
	return l, nil
}

// weights returns the number of kernel weights of l, Out·In·K^Dims, or an
// error if a parameter is not positive or the count exceeds
// maxKernelWeights.
func (l *Lift) weights() (int, error) {
	if l.In < 1 || l.Out < 1 || l.K < 1 {
		return 0, fmt.Errorf("conv: lift channels and kernel size must be positive, got in=%d out=%d k=%d", l.In, l.Out, l.K)
	}
	if l.Dims < 1 {
		return 0, fmt.Errorf("conv: lift dims must be at least 1, got %d", l.Dims)
	}
	tooMany := func() error {
		return fmt.Errorf("conv: lift of %d×%d kernels of size %d in %d-D has more than 2³¹ weights", l.Out, l.In, l.K, l.Dims)
	}
	if l.Out > maxKernelWeights || l.In > maxKernelWeights/l.Out {
		return 0, tooMany()
	}
	n := l.Out * l.In
	for range l.Dims {
		if l.K > maxKernelWeights/n {
			return 0, tooMany()
		}
		n *= l.K
	}
	return n, nil
}

// validate reports whether l is a usable lifting.
func (l *Lift) validate() error {
	n, err := l.weights()
	if err != nil {
		return err
	}
	if len(l.Kernels) != n {
		return fmt.Errorf("conv: lift has %d kernel weights, want %d", len(l.Kernels), n)
	}
	return nil
}

// Apply lifts the m samples x, stored row-major as m×In×(shape), into dst,
// m×Out×(shape): the circular cross-correlation
//
//	out[o, t] = Σ_{c, s} K[o, c, s]·x[c, (t + s) mod shape]
//
// over the channels c and the kernel taps s ∈ {0, …, K−1}^Dims, the sum t + s
// reduced modulo the size of each axis, followed by ReLU, max(0, ·). In 1-D
// this is out[o,t] = Σ_{c,s} K[o,c,s]·x[c,(t+s) mod T]; in 2-D
// out[o,y,x] = Σ_{c,u,v} K[o,c,u,v]·x[c,(y+u) mod H,(x+v) mod W]. It is a
// stride-1 correlation over the input padded circularly by K−1 at the end of
// every axis. Every output value is computed by the same sequence of
// operations, so a cyclic shift of a sample shifts its output exactly, bit for
// bit.
//
// Samples are distributed over workers goroutines (runtime.GOMAXPROCS(0)
// when workers ≤ 0), each with one padded copy of a sample as scratch; the
// result does not depend on the number of workers. If dst is nil a new slice
// is allocated. Apply returns an error if the lifting is malformed,
// len(shape) is not Dims, the shape is not valid (see fft.Shape.Validate),
// the kernel is larger than the signal along some axis (K greater than a
// size), m is negative or len(x) != m·In·shape.Len(). It panics if dst is not
// nil and has the wrong length.
func (l *Lift) Apply(dst, x []float64, m int, shape fft.Shape, workers int) ([]float64, error) {
	if err := l.validate(); err != nil {
		return nil, err
	}
	if len(shape) != l.Dims {
		return nil, fmt.Errorf("conv: lift of dims %d given a shape of %d sizes", l.Dims, len(shape))
	}
	if err := shape.Validate(); err != nil {
		return nil, fmt.Errorf("conv: lift given an invalid shape: %w", err)
	}
	for _, n := range shape {
		if l.K > n {
			return nil, fmt.Errorf("conv: lift kernel size %d exceeds the signal shape %v", l.K, []int(shape))
		}
	}
	if m < 0 {
		return nil, errors.New("conv: lift given a negative number of samples")
	}
	g := newLiftGeom(shape, l.K)
	n := g.n
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
	pads := make([][]float64, workers)
	for w := range pads {
		pads[w] = make([]float64, l.In*g.plen)
	}
	inLen, outLen := l.In*n, l.Out*n
	Parallel(m, workers, func(w, lo, hi int) {
		for i := lo; i < hi; i++ {
			out := dst[i*outLen : (i+1)*outLen]
			l.applyOne(out, x[i*inLen:(i+1)*inLen], pads[w], g)
			relu(out)
		}
	})
	return dst, nil
}
