package conv

import "github.com/redunet-go/redunet/fft"

// Shift cyclically shifts every channel of one sample of c channels of the
// given shape by offsets[a] positions along each axis a, like numpy's
// roll(x, offsets, axis=(1, …, len(shape))) on the c×(shape) array:
//
//	dst[ch, (t + offsets) mod shape] = x[ch, t].
//
// Offsets may be negative or larger than the sizes; they are taken modulo
// the sizes. It returns dst. If dst is nil a new slice is allocated. dst may
// be x itself (the shift is then done in place without allocation) but must
// not overlap it otherwise. Sizes of 0 are allowed (there is nothing to
// shift) and the empty shape shifts nothing. Shift panics if c or a size is
// negative, len(offsets) != len(shape), len(x) != c·shape.Len(), or dst is
// not nil and has a different length.
func Shift(dst, x []float64, c int, shape fft.Shape, offsets []int) []float64 {
	if c < 0 {
		panic("conv: Shift: negative number of channels")
	}
	for _, n := range shape {
		if n < 0 {
			panic("conv: Shift: negative size")
		}
	}
	if len(offsets) != len(shape) {
		panic("conv: Shift: len(offsets) != len(shape)")
	}
	n := shape.Len()
	if len(x) != c*n {
		panic("conv: Shift: len(x) != c·signal length")
	}
	if dst == nil {
		dst = make([]float64, c*n)
	} else if len(dst) != c*n {
		panic("conv: Shift: len(dst) != c·signal length")
	}
	if c*n == 0 {
		return dst
	}
	r := len(shape)
	if r == 0 {
		copy(dst, x)
		return dst
	}
	if &dst[0] == &x[0] {
		// Rolling axis a by s is rotating every block of n_a·inner
		// contiguous values by s·inner, where inner is the number of values
		// of one index of axis a.
		inner := 1
		for a := r - 1; a >= 0; a-- {
			s := mod(offsets[a], shape[a])
			if block := shape[a] * inner; s != 0 {
				for b := 0; b < len(dst); b += block {
					rotate(dst[b:b+block], s*inner)
				}
			}
			inner *= shape[a]
		}
		return dst
	}
	// Copy every row (line along the last axis) to its shifted row, rolled.
	w := shape[r-1]
	s := mod(offsets[r-1], w)
	for row := range len(x) / w {
		// The destination row: every leading coordinate shifted, the
		// channel kept.
		to, scale := 0, 1
		q := row
		for a := r - 2; a >= 0; a-- {
			t := q%shape[a] + mod(offsets[a], shape[a])
			if t >= shape[a] {
				t -= shape[a]
			}
			to += t * scale
			q /= shape[a]
			scale *= shape[a]
		}
		to += q * scale
		rollInto(dst[to*w:(to+1)*w], x[row*w:(row+1)*w], s)
	}
	return dst
}

// mod returns s modulo n in [0, n), for n > 0.
func mod(s, n int) int {
	s %= n
	if s < 0 {
		s += n
	}
	return s
}

// rollInto sets dst[(i+s) mod n] = src[i], for 0 ≤ s < n = len(src).
func rollInto(dst, src []float64, s int) {
	n := len(src)
	copy(dst[s:], src[:n-s])
	copy(dst[:s], src[n-s:])
}

// rotate rolls x in place by s, 0 ≤ s < len(x), by three reversals.
func rotate(x []float64, s int) {
	if s == 0 {
		return
	}
	n := len(x)
	reverse(x[:n-s])
	reverse(x[n-s:])
	reverse(x)
}

// reverse reverses x in place.
func reverse(x []float64) {
	for i, j := 0, len(x)-1; i < j; i, j = i+1, j-1 {
		x[i], x[j] = x[j], x[i]
	}
}
