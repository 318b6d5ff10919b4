package conv

// Shift1D cyclically shifts every channel of one sample of c channels of
// length t by s positions, like numpy's roll(x, s, axis=-1):
//
//	dst[ch*t + (i+s) mod t] = x[ch*t + i].
//
// Negative shifts shift to the left; shifts are taken modulo t. It returns
// dst. If dst is nil a new slice is allocated. dst may be x itself (the shift
// is then done in place without allocation) but must not overlap it
// otherwise. Shift1D panics if c or t is negative, len(x) != c·t, or dst is
// not nil and len(dst) != c·t.
func Shift1D(dst, x []float64, c, t, s int) []float64 {
	if c < 0 || t < 0 || len(x) != c*t {
		panic("conv: Shift1D: len(x) != c·t")
	}
	if dst == nil {
		dst = make([]float64, c*t)
	} else if len(dst) != c*t {
		panic("conv: Shift1D: len(dst) != c·t")
	}
	if t == 0 {
		return dst
	}
	s = mod(s, t)
	same := c > 0 && &dst[0] == &x[0]
	for ch := 0; ch < c; ch++ {
		d := dst[ch*t : (ch+1)*t]
		if same {
			rotate(d, s)
		} else {
			rollInto(d, x[ch*t:(ch+1)*t], s)
		}
	}
	return dst
}

// Shift2D cyclically shifts every channel of one sample of c channels of
// h×w images by dy rows and dx columns, like numpy's
// roll(x, (dy, dx), axis=(-2, -1)):
//
//	dst[ch, (y+dy) mod h, (x+dx) mod w] = x[ch, y, x].
//
// Negative shifts are allowed; shifts are taken modulo the sizes. It returns
// dst. If dst is nil a new slice is allocated. dst may be x itself (the shift
// is then done in place without allocation) but must not overlap it
// otherwise. Shift2D panics if a size is negative, len(x) != c·h·w, or dst is
// not nil and len(dst) != c·h·w.
func Shift2D(dst, x []float64, c, h, w, dy, dx int) []float64 {
	if c < 0 || h < 0 || w < 0 || len(x) != c*h*w {
		panic("conv: Shift2D: len(x) != c·h·w")
	}
	if dst == nil {
		dst = make([]float64, c*h*w)
	} else if len(dst) != c*h*w {
		panic("conv: Shift2D: len(dst) != c·h·w")
	}
	if h == 0 || w == 0 {
		return dst
	}
	dy, dx = mod(dy, h), mod(dx, w)
	same := c > 0 && &dst[0] == &x[0]
	n := h * w
	for ch := 0; ch < c; ch++ {
		d := dst[ch*n : (ch+1)*n]
		if same {
			// Rolling the rows by dy is rolling the flat image by dy·w.
			for y := 0; y < h; y++ {
				rotate(d[y*w:(y+1)*w], dx)
			}
			rotate(d, dy*w)
			continue
		}
		src := x[ch*n : (ch+1)*n]
		for y := 0; y < h; y++ {
			ty := y + dy
			if ty >= h {
				ty -= h
			}
			rollInto(d[ty*w:(ty+1)*w], src[y*w:(y+1)*w], dx)
		}
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
