package conv

// This file keeps the 1-D and 2-D lifting that the N-D Lift.Apply replaced,
// as it was (the constructor, Apply and its per-shape loops apply1 and
// apply2), renamed and with its comments removed. It is the reference of
// TestLiftMatchesLegacy and of the side-by-side benchmarks: for 1-D and 2-D
// shapes, the N-D code must give bit for bit the same kernels and features.

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"

	"github.com/redunet-go/redunet/fft"
)

func legacyNewGaussianLift(in, out, k, dims int, seed uint64) (*Lift, error) {
	if in < 1 || out < 1 || k < 1 {
		return nil, fmt.Errorf("conv: lift channels and kernel size must be positive, got in=%d out=%d k=%d", in, out, k)
	}
	if dims != 1 && dims != 2 {
		return nil, fmt.Errorf("conv: lift dims must be 1 or 2, got %d", dims)
	}
	l := &Lift{In: in, Out: out, K: k, Dims: dims}
	kl := k
	if dims == 2 {
		kl = k * k
	}
	l.Kernels = make([]float64, out*in*kl)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	for i := range l.Kernels {
		l.Kernels[i] = rng.NormFloat64()
	}
	return l, nil
}

func legacyLiftApply(l *Lift, dst, x []float64, m int, shape []int, workers int) ([]float64, error) {
	if l.Dims != 1 && l.Dims != 2 {
		return nil, fmt.Errorf("legacy lift of dims %d", l.Dims)
	}
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
	n := fft.Shape(shape).Len()
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
				legacyApply1(l, out, src, pads[w], shape[0])
			} else {
				legacyApply2(l, out, src, pads[w], shape[0], shape[1])
			}
			relu(out)
		}
	})
	return dst, nil
}

func legacyApply1(l *Lift, out, x, pad []float64, t int) {
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

func legacyApply2(l *Lift, out, x, pad []float64, h, w int) {
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
